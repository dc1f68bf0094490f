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

function writer(log: string[]): TransactionalKafkaWriter<string> {
  const toRecords = (values: readonly string[]) => values.map((value) => ({ topic: "out", value }));
  return new TransactionalKafkaWriter(fakeClient(log), "sluice-job-sink-0", toRecords, new StatusTracker(Date.now), {});
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

test("without checkpoints, flush at end of input commits what was written", async () => {
  const log: string[] = [];
  const w = writer(log);
  await w.open();
  await w.write(["a"], [NaN]);
  await w.flush();
  await w.close();
  assert.deepEqual(log.slice(1), ["begin 1", "send 1 a", "commit 1", "close"]);
});
