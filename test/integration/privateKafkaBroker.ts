/**
 * A Kafka broker of this test process alone (scripts/kafka.sh with SLUICE_KAFKA_INSTANCE: own data
 * dir, ports and lock), for tests that kill and restart a broker: the brokers the other tests share
 * are never touched. `kill()` is SIGKILL (no controlled shutdown); `start()` again comes back on the
 * same address; `destroy()` stops it and deletes its data.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { kafkaVersion } from "./kafkaBroker.js";

const run = promisify(execFile);
const root = fileURLToPath(new URL("../../../", import.meta.url));
const script = `${root}scripts/kafka.sh`;

export class PrivateKafkaBroker {
  private constructor(readonly instance: string) {}

  static named(prefix: string): PrivateKafkaBroker {
    return new PrivateKafkaBroker(`${prefix}-${process.pid}`);
  }

  private env(): NodeJS.ProcessEnv {
    return { ...process.env, SLUICE_KAFKA_INSTANCE: this.instance, SLUICE_KAFKA_HEAP: process.env.SLUICE_KAFKA_HEAP ?? "512m", SLUICE_KAFKA_PORT: "" };
  }

  /** Starts it (or finds it running); resolves to host:port once it answers. */
  async start(): Promise<string> {
    const { stdout } = await run("bash", [script, "start", kafkaVersion], { env: this.env(), timeout: 180_000 });
    const bootstrap = stdout.trim().split("\n").pop() ?? "";
    if (!/^[\d.]+:\d+$/.test(bootstrap)) throw new Error(`scripts/kafka.sh start printed no host:port: ${JSON.stringify(stdout)}`);
    return bootstrap;
  }

  /** SIGKILL, as a crashed machine: no controlled shutdown, open transactions left as they are. */
  async kill(): Promise<void> {
    const pidFile = `${root}.cache/kafka/${kafkaVersion}/run-${this.instance}/kafka.pid`;
    const pid = Number((await readFile(pidFile, "utf8")).trim());
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8");
    if (!cmdline.includes(`run-${this.instance}/server.properties`)) throw new Error(`pid ${pid} is not this test's broker`);
    process.kill(pid, "SIGKILL");
    while (
      await readFile(`/proc/${pid}/cmdline`, "utf8").then(
        () => true,
        () => false,
      )
    )
      await new Promise((r) => setTimeout(r, 50));
  }

  /** A controlled shutdown (kafka.sh stop); `start()` brings it back on the same address with its data. */
  async stop(): Promise<void> {
    await run("bash", [script, "stop", kafkaVersion], { env: this.env(), timeout: 60_000 });
  }

  /** Stops it and deletes its data (the downloaded jars stay). */
  async destroy(): Promise<void> {
    await run("bash", [script, "clean", kafkaVersion], { env: this.env(), timeout: 60_000 });
  }
}
