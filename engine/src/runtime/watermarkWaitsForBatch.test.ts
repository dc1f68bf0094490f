/**
 * A watermark SQL's assigner emits from `onEvent` waits for the end of its batch where every later record of
 * the batch is above it (`watermarkMayWaitForBatch`): the batch goes out whole, and which records follow which
 * watermark at or above their timestamp — which are late — is what it was with the batch cut at the watermark.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { SqlWatermarkAssigner } from "../sql/watermarks.js";
import type { WatermarkGenerator, WatermarkOutput } from "../time/WatermarkGenerator.js";
import { type EventTimeContext, TimestampsAndWatermarks } from "./TimestampsAndWatermarks.js";

type Sent = number[] | { watermark: number };

/** What a source subtask sends for each poll (`send` then `batchEnd`, as SourceTask does). */
function polls(generator: () => WatermarkGenerator<unknown>, batches: number[][]): Sent[] {
  const sent: Sent[] = [];
  const ctx = { clock: { now: () => 0 }, userError: (cause: unknown) => assert.fail(String(cause)) } as unknown as EventTimeContext;
  const out = {
    emitBatch: (_values: readonly unknown[], timestamps: readonly number[]) => sent.push([...timestamps]),
    emitWatermark: (watermark: number) => sent.push({ watermark }),
    markIdle: () => {},
    markActive: () => {},
  };
  const eventTime = new TimestampsAndWatermarks(ctx, generator, undefined, out, 200);
  for (const timestamps of batches) {
    eventTime.send({ values: timestamps.map(() => null), timestamps }, 0);
    eventTime.batchEnd(0);
  }
  return sent;
}

/** Every record with the watermarks before it: a record is late behind a watermark at or above its timestamp. */
function lateRecords(sent: Sent[]): number[] {
  let watermark = Number.NEGATIVE_INFINITY;
  const late: number[] = [];
  for (const s of sent) {
    if (Array.isArray(s)) late.push(...s.filter((t) => !(t > watermark)));
    else watermark = s.watermark;
  }
  return late;
}

test("SQL's watermark from onEvent waits for the end of the batch when every later record is above it: one batch, one watermark", () => {
  // 1000 fires (the first), 1300 fires (300 past 1000): both wait; the batch end sends 1500 alone.
  const sent = polls(() => new SqlWatermarkAssigner(0), [[1000, 1100, 1300, 1400, 1500]]);
  assert.deepEqual(sent, [[1000, 1100, 1300, 1400, 1500], { watermark: 1500 }]);
});

test("SQL's watermark goes out at its record when a later record of the batch is at or behind it, so that record stays late", () => {
  const batches = [
    [1000, 1300, 1250, 1400],
    [1600, 1900, 1700, 2100, 1900, 2200],
  ];
  const sent = polls(() => new SqlWatermarkAssigner(0), batches);
  // 1000 waits, 1300 cannot (1250 follows): it goes out at its record and takes 1000's place. 1900 cannot (1700, 1900
  // follow); 2200, at the last record, waits for the batch's end.
  assert.deepEqual(sent, [[1000, 1300], { watermark: 1300 }, [1250, 1400], { watermark: 1400 }, [1600, 1900], { watermark: 1900 }, [1700, 2100, 1900, 2200], { watermark: 2200 }]);
  // The late records are those of the batches cut at every watermark from onEvent (a generator that does not wait).
  const cut = polls(() => {
    const g = new SqlWatermarkAssigner(0);
    return { onEvent: (e, t, o: WatermarkOutput) => g.onEvent(e, t, o), onPeriodicEmit: (o: WatermarkOutput) => g.onPeriodicEmit(o) };
  }, batches);
  assert.deepEqual(lateRecords(sent), [1250, 1700, 1900]);
  assert.deepEqual(lateRecords(cut), lateRecords(sent));
  assert.ok(cut.length > sent.length);
});

test("a record without a timestamp (NaN) after the watermark's record keeps the watermark at its record", () => {
  const sent = polls(() => new SqlWatermarkAssigner(0), [[1000, 1300, Number.NaN, 1400]]);
  assert.deepEqual(sent, [[1000], { watermark: 1000 }, [1300], { watermark: 1300 }, [Number.NaN, 1400], { watermark: 1400 }]);
});
