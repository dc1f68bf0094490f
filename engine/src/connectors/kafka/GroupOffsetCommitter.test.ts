import assert from "node:assert/strict";
import { test } from "node:test";
import { GroupOffsetCommitter } from "./GroupOffsetCommitter.js";
import type { ConnectorStatus, PartitionOffset } from "./KafkaClient.js";
import { StatusTracker } from "./retry.js";

const at = (offset: number): PartitionOffset[] => [{ topic: "t", partition: 0, offset }];

test("one commit at a time; a newer checkpoint replaces one still waiting", async () => {
  const calls: number[] = [];
  let release: (() => void) | undefined;
  const committer = new GroupOffsetCommitter(
    async (_group, offsets) => {
      calls.push(offsets[0]!.offset);
      await new Promise<void>((r) => (release = r));
    },
    "g",
    new StatusTracker(() => 0),
  );
  committer.commit(1, at(10));
  committer.commit(2, at(20)); // waits behind 1...
  committer.commit(3, at(30)); // ...and is replaced by 3
  assert.deepEqual(calls, [10]);
  release!();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(calls, [10, 30]);
  release!();
  await committer.close();
  assert.equal(committer.lastCommitted, 3);
});

test("a failed commit is reported in the status (monitoring only), and the next one goes ahead", async () => {
  const statuses: ConnectorStatus[] = [];
  let fail = true;
  const committer = new GroupOffsetCommitter(
    async () => {
      if (fail) throw new Error("NOT_COORDINATOR");
    },
    "monitor",
    new StatusTracker(
      () => 0,
      (s) => statuses.push(s),
    ),
  );
  committer.commit(7, at(70));
  await committer.close();
  assert.equal(committer.failures, 1);
  assert.equal(committer.lastCommitted, undefined);
  assert.match(statuses.at(-1)?.lastError ?? "", /checkpoint 7 to group monitor failed .*NOT_COORDINATOR/);
  assert.equal(statuses.at(-1)?.state, "connecting", "the connection state itself is unchanged");
  fail = false;
  committer.commit(8, at(80));
  await committer.close();
  assert.equal(committer.lastCommitted, 8);
});
