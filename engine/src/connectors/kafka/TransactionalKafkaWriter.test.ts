import assert from "node:assert/strict";
import { test } from "node:test";
import type { KafkaClient, KafkaProducer, KafkaTransaction, OutgoingRecord } from "./KafkaClient.js";
import { StatusTracker } from "./retry.js";
import { TransactionalKafkaWriter } from "./TransactionalKafkaWriter.js";

/** A fake client that logs transaction calls, to check the writer's two-phase protocol without a broker. */
function fakeClient(log: string[]): KafkaClient {
  let n = 0;
  const producer: KafkaProducer = {
    send: async () => void log.push("send-outside-transaction"),
    beginTransaction: async (): Promise<KafkaTransaction> => {
      const id = ++n;
      log.push(`begin ${id}`);
      return {
        send: async (records: readonly OutgoingRecord[]) => void log.push(`send ${id} ${records.map((r) => r.value).join(",")}`),
        commit: async () => void log.push(`commit ${id}`),
        abort: async () => void log.push(`abort ${id}`),
      };
    },
    close: async () => void log.push("close"),
  };
  const unused = () => Promise.reject(new Error("not used"));
  return {
    library: "fake",
    ping: unused,
    listTopics: unused,
    partitions: unused,
    offsets: unused,
    committedOffsets: unused,
    createTopics: unused,
    openConsumer: unused,
    openProducer: async (options) => {
      log.push(`open ${options.transactionalId} idempotent=${options.idempotent}`);
      return producer;
    },
    close: async () => {},
  };
}

const toRecords = (values: readonly string[]) => values.map((value) => ({ topic: "out", value }));

function writer(log: string[], client = fakeClient(log), subtask = 0, parallelism = 1): TransactionalKafkaWriter<string> {
  return new TransactionalKafkaWriter(client, { prefix: "sluice-job-sink", subtask, parallelism }, toRecords, new StatusTracker(Date.now), {});
}

/** The fake client, able to resume transactions: producers report an id and epoch, `commitPrepared` is logged. */
function resumingClient(log: string[]): KafkaClient {
  const client = fakeClient(log);
  let epoch = 0;
  return {
    ...client,
    openProducer: async (options) => {
      const producer = await client.openProducer(options);
      const identity = { producerId: "7", producerEpoch: ++epoch };
      return { ...producer, identity: () => identity, initTransactions: async () => void log.push(`init ${options.transactionalId}`) };
    },
    commitPrepared: async (id, identity) => void log.push(`commitPrepared ${id} ${identity.producerId}/${identity.producerEpoch}`),
  };
}

test("prepare/commit/abort map onto one Kafka transaction per checkpoint", async () => {
  const log: string[] = [];
  const w = writer(log);
  await w.open();
  await w.write(["a", "b"], [NaN, NaN]);
  assert.deepEqual(w.prepareCommit(1), { transactionalId: "sluice-job-sink-0", checkpointId: 1, records: 2 });
  await w.commit(1);
  w.prepareCommit(2); // nothing written: an empty checkpoint commits nothing
  await w.commit(2);
  await w.write(["c"], [NaN]);
  await w.abort();
  // The job attempt is over: a write still under way must not open a transaction (see the next test).
  await assert.rejects(w.write(["d"], [NaN]), /written after its job attempt ended/);
  await w.close();
  assert.deepEqual(log, ["open sluice-job-sink-0 idempotent=true", "begin 1", "send 1 a,b", "commit 1", "begin 2", "send 2 c", "abort 2", "close"]);
});

test("a durable checkpoint whose commit failed: abort leaves its transaction to the restored job, which commits it", async () => {
  const log: string[] = [];
  const client = resumingClient(log);
  const failing: KafkaClient = {
    ...client,
    openProducer: async (options) => {
      const producer = await client.openProducer(options);
      return {
        ...producer,
        beginTransaction: async () => ({ ...(await producer.beginTransaction()), commit: () => Promise.reject(new Error("network down")) }),
      };
    },
  };
  const crashed = writer(log, failing);
  await crashed.open();
  await crashed.write(["a"], [NaN]);
  const committable = crashed.prepareCommit(1); // written into checkpoint 1, which is durable
  const waiting = crashed.write(["b"], [NaN]); // held until checkpoint 1 is committed or dropped
  await assert.rejects(crashed.commit(1), /commit failed for checkpoint 1: network down/);
  await crashed.abort();
  // Released by the abort, "b" goes nowhere: a transaction with the prepared one's epoch would be committed by the recovery.
  await assert.rejects(waiting, /written after its job attempt ended/);
  await crashed.close();
  assert.ok(!log.includes("abort 1"), `the prepared transaction is not aborted: ${log.join(" | ")}`);
  const restored = writer(log, client);
  await restored.recoverCommittables([committable]);
  assert.ok(log.includes("commitPrepared sluice-job-sink-0 7/1"), `recovered: ${log.join(" | ")}`);
});

test("writes after prepareCommit wait for the commit; commits must name the prepared checkpoint", async () => {
  const log: string[] = [];
  const w = writer(log);
  await w.open();
  await w.write(["a"], [NaN]);
  w.prepareCommit(1);
  const blocked = w.write(["b"], [NaN]);
  await assert.rejects(w.commit(2), /commit of checkpoint 2, but checkpoint 1 is prepared/);
  assert.throws(() => w.prepareCommit(2), /not committed/);
  await w.commit(1);
  await blocked;
  assert.deepEqual(log.slice(1), ["begin 1", "send 1 a", "commit 1", "begin 2", "send 2 b"]);
  await w.close();
});

test("end of input: flush commits nothing; the engine's final prepare/commit does, without opening another producer", async () => {
  const log: string[] = [];
  const w = writer(log, resumingClient(log));
  await w.open();
  await w.write(["a"], [NaN]);
  await w.flush();
  assert.deepEqual(log.slice(1), ["init sluice-job-sink-0", "begin 1", "send 1 a"], "the tail is still open after flush");
  assert.deepEqual(w.prepareCommit(4), { transactionalId: "sluice-job-sink-0", checkpointId: 4, records: 1, producerId: "7", producerEpoch: 1 });
  await w.commit(4);
  await w.close();
  assert.deepEqual(log.slice(4), ["commit 1", "close"]);
});

test("committables carry the owning producer's id and epoch; after a commit the next transaction has a new epoch", async () => {
  const log: string[] = [];
  const w = writer(log, resumingClient(log));
  await w.open();
  await w.write(["a"], [NaN]);
  assert.deepEqual(w.prepareCommit(1), { transactionalId: "sluice-job-sink-0", checkpointId: 1, records: 1, producerId: "7", producerEpoch: 1 });
  await w.commit(1);
  await w.write(["b"], [NaN]);
  assert.equal((w.prepareCommit(2) as { producerEpoch: number }).producerEpoch, 2);
  await w.close();
});

test("restore after scale-down: subtask 0 commits every old subtask's prepared transaction, then fences the ids no subtask owns", async () => {
  const log: string[] = [];
  const w = writer(log, resumingClient(log), 0, 2);
  const committables = [0, 1, 2].map((s) => ({ transactionalId: `sluice-job-sink-${s}`, checkpointId: 9, records: s === 1 ? 0 : 5, producerId: `${s}`, producerEpoch: 3 }));
  await w.recoverCommittables(committables);
  await w.open();
  assert.deepEqual(w.fenced, ["sluice-job-sink-2"]);
  assert.deepEqual(log, [
    "commitPrepared sluice-job-sink-0 0/3",
    "commitPrepared sluice-job-sink-2 2/3",
    "open sluice-job-sink-2 idempotent=true",
    "init sluice-job-sink-2",
    "close",
    "open sluice-job-sink-0 idempotent=true",
    "init sluice-job-sink-0",
  ]);
  await w.close();
});

test("a commit left behind by an ended attempt registers no producer: that would fence the restored writer's transaction", async () => {
  const log: string[] = [];
  const client = resumingClient(log);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let opened = 0;
  const holding: KafkaClient = {
    ...client,
    // The second producer (the one after the commit) waits: the checkpoint expires meanwhile and the job fails.
    openProducer: async (options) => {
      if (++opened === 2) await gate;
      return client.openProducer(options);
    },
  };
  const old = writer(log, holding);
  await old.open();
  await old.write(["a"], [NaN]);
  old.prepareCommit(1);
  const leftBehind = old.commit(1);
  await new Promise((resolve) => setImmediate(resolve));
  await old.abort();
  await old.close();
  log.push("-- attempt ended");
  release();
  await assert.rejects(leftBehind, /job attempt ended: no new producer/);
  const after = log.slice(log.indexOf("-- attempt ended") + 1);
  assert.ok(!after.some((l) => l.startsWith("init")), `no registration after the attempt ended: ${after.join(" | ")}`);
});

test("a registration still under way when the ended attempt's close is left behind lands before the restored writer commits or registers", async () => {
  const log: string[] = [];
  const client = resumingClient(log);
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let opened = 0;
  const holding: KafkaClient = {
    ...client,
    // The producer after the commit registers slowly (InitProducerId retried while the coordinator loads).
    openProducer: async (options) => {
      const producer = await client.openProducer(options);
      if (++opened !== 2) return producer;
      return { ...producer, initTransactions: () => gate.then(() => producer.initTransactions?.()) };
    },
  };
  const old = writer(log, holding);
  await old.open();
  await old.write(["a"], [NaN]);
  const committable = old.prepareCommit(1);
  const leftBehind = old.commit(1);
  await new Promise((resolve) => setImmediate(resolve));
  await old.abort();
  void old.close(); // waits for the registration; the runner gives up waiting (taskCancellationTimeout)
  const restored = writer(log, client);
  const restoring = restored.recoverCommittables([committable]).then(() => restored.open());
  await new Promise((resolve) => setTimeout(resolve, 20));
  log.push("-- released");
  release();
  await restoring;
  await leftBehind;
  const after = log.slice(log.indexOf("-- released") + 1);
  assert.deepEqual(
    after.filter((l) => l.startsWith("init") || l.startsWith("commitPrepared")),
    ["init sluice-job-sink-0", "commitPrepared sluice-job-sink-0 7/1", "init sluice-job-sink-0"],
    `the old registration first: ${log.join(" | ")}`,
  );
});
