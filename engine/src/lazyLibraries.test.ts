import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { test } from "node:test";

// Every kernel imports the engine before it answers Jupyter (the prelude cell names all its exports),
// and most never touch DuckDB or kafkajs: loading them (330 CommonJS files and a native library) cost
// each kernel start ~0.5 s of CPU. They load when a database is opened or a Kafka client is made.
test("importing the engine loads neither DuckDB nor kafkajs", () => {
  const script = `
    import { createRequire } from "node:module";
    await import(${JSON.stringify(new URL("./index.js", import.meta.url).href)});
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    console.log(JSON.stringify(loaded.filter((f) => /node_modules\\/(@duckdb|kafkajs)\\//.test(f)).slice(0, 3)));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" });
  assert.deepEqual(JSON.parse(out), []);
});
