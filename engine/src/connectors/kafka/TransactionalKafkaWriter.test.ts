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
  await w.write(["c"], [NaN]);
  w.prepareCommit(2);
  await w.abort();
  w.prepareCommit(3); // nothing written: an empty checkpoint commits nothing
  await w.commit(3);
  await w.write(["d"], [NaN]);
  await w.close();
  assert.deepEqual(log, ["open sluice-job-sink-0 idempotent=true", "begin 1", "send 1 a,b", "commit 1", "begin 2", "send 2 c", "abort 2", "begin 3", "send 3 d", "abort 3", "close"]);
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
  await waiting;
  await crashed.close(); // aborts the transaction "b" went into, not the prepared one
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
