/**
 * The plan-parity table's readers of the two EXPLAIN texts (planParity.ts), on plans as Flink 1.20.1 and
 * Sluice print them for nexmark q5 (no JVM here: `node dist/bench/nexmark/planParity.js` runs Flink).
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { flinkKinds, sluiceKinds } from "./planParity.js";

const FLINK_Q5 = `Calc(select=[auction, num])
+- WindowJoin(leftWindow=[HOP(win_start=[window_start], win_end=[window_end], size=[10 s], slide=[2 s])], joinType=[InnerJoin], where=[(num >= maxn)])
   :- Exchange(distribution=[single])
   :  +- GlobalWindowAggregate(groupBy=[auction], window=[HOP(slice_end=[$slice_end], size=[10 s], slide=[2 s])], select=[auction, COUNT(count1$0) AS num])(reuse_id=[1])
   :     +- Exchange(distribution=[hash[auction]])
   :        +- LocalWindowAggregate(groupBy=[auction], window=[HOP(time_col=[dateTime], size=[10 s], slide=[2 s])], select=[auction, COUNT(*) AS count1$0])
   :           +- Calc(select=[bid.auction AS auction, dateTime], where=[(event_type = 2)])
   :              +- MiniBatchAssigner(interval=[2000ms], mode=[RowTime])
   :                 +- WatermarkAssigner(rowtime=[dateTime], watermark=[(dateTime - 4000:INTERVAL SECOND)])
   :                    +- TableSourceScan(table=[[*anonymous_datastream_source$6*]], fields=[event_type, person, auction, bid])
   +- Exchange(distribution=[single])
      +- GlobalWindowAggregate(window=[HOP(win_end=[$window_end], size=[10 s], slide=[2 s])], select=[MAX(max$0) AS maxn])
         +- Exchange(distribution=[single])
            +- LocalWindowAggregate(window=[HOP(win_start=[starttime], win_end=[endtime], size=[10 s], slide=[2 s])], select=[MAX(num) AS max$0])
               +- Calc(select=[window_start AS starttime, window_end AS endtime, num])
                  +- Reused(reference_id=[1])`.split("\n");

const SLUICE_Q5 = `[1] datagen[nexmark], parallelism=1
[2] nexmark rows, parallelism=1 <- [1]
[3] computed columns datagen, parallelism=1 <- [2]
[4] watermarks datagen, parallelism=1 <- [3]
[5] WHERE, parallelism=1 <- [4]
[8] window aggregate, parallelism=1 <- [7] HASH
[10] SELECT#3, parallelism=1 <- [8]
[11] window aggregate#2, parallelism=1 <- [10] HASH
[13] WindowJoin(joinType=[InnerJoin], leftWindow=[HOP(slide=2000ms, size=10000ms)], rightWindow=[HOP(slide=2000ms, size=10000ms)]), parallelism=1 <- [9] HASH, [12] HASH
[15] Sink: collect, parallelism=1 <- [14] (auction BIGINT, num BIGINT NOT NULL)`.split("\n");

test("plan kinds: Flink's two-phase aggregates count once, a shared sub-plan once; Sluice's operators by Flink's names", () => {
  const flink = flinkKinds(FLINK_Q5);
  assert.deepEqual(
    flink.filter((k) => !["Calc", "Exchange", "MiniBatchAssigner", "WatermarkAssigner", "Scan", "Reused"].includes(k)),
    ["WindowAggregate", "WindowAggregate", "WindowJoin"],
  );
  assert.deepEqual(sluiceKinds(SLUICE_Q5), ["Scan", "Calc", "Calc", "WatermarkAssigner", "Calc", "WindowAggregate", "Calc", "WindowAggregate", "WindowJoin", "Sink"]);
  assert.deepEqual(
    sluiceKinds([
      "[7] Rank(strategy=[AppendFastStrategy], rankType=[ROW_NUMBER], rankRange=[rankStart=1, rankEnd=1]), parallelism=1 <- [6] HASH",
      "[9] Join(joinType=[InnerJoin], keys=[A.id = B.auction], leftStateRetention=[watermark < dateTime + 10000 ms]), parallelism=1",
    ]),
    ["Rank", "Join"],
  );
});
