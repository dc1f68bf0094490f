import type { KeyedProcessFunction } from "../../engine/src/api/keyedFunctions.js";
import type { OutgoingRecord } from "../../engine/src/connectors/kafka/KafkaClient.js";
import type { ValueState } from "../../engine/src/state/State.js";

/** Input of the exactly-once Kafka jobs: the `seq`-th record overall, of key `key`. */
export interface KeyedSeq {
  key: string;
  seq: number;
}

/** Output of those jobs: the running count of `key`. Per key with n records, the batch answer is counts 1..n once each. */
export interface KeyedCount {
  key: string;
  count: number;
}

/** Running count per key in keyed state, emitted on every record. */
export function runningCount(): KeyedProcessFunction<string, KeyedSeq, KeyedCount> {
  const fn: KeyedProcessFunction<string, KeyedSeq, KeyedCount> & { count?: ValueState<number> } = {
    open(rc) {
      this.count = rc.getState<number>("count", 0);
    },
    processElement(_v, ctx, out) {
      const n = this.count!.value()! + 1;
      this.count!.update(n);
      out.collect({ key: ctx.getCurrentKey(), count: n });
    },
  };
  return fn;
}

/** `count` records for `topic`, the `seq`-th of key `k${seq * 7919 % keys}` (keys interleaved), and how many each key got (its n in the batch answer). */
export function keyedSeqRecords(topic: string, count: number, keys: number): { records: OutgoingRecord[]; perKey: Map<string, number> } {
  const perKey = new Map<string, number>();
  const records = Array.from({ length: count }, (_, seq) => {
    const key = `k${(seq * 7919) % keys}`;
    perKey.set(key, (perKey.get(key) ?? 0) + 1);
    return { topic, key, value: JSON.stringify({ key, seq } satisfies KeyedSeq) };
  });
  return { records, perKey };
}
