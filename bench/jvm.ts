/**
 * JDK 17 closes the JDK internals Flink's serializers and Kryo reach into: every bench that starts a
 * Flink JVM opens them again, with the same list.
 */
export const ADD_OPENS: string[] = [
  "java.util",
  "java.lang",
  "java.lang.reflect",
  "java.io",
  "java.net",
  "java.nio",
  "sun.nio.ch",
  "java.text",
  "java.time",
  "java.util.concurrent",
  "java.util.concurrent.atomic",
].flatMap((p) => ["--add-opens", `java.base/${p}=ALL-UNNAMED`]);
