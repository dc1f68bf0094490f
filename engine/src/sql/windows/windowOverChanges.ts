import type { DataStream } from "../../api/DataStream.js";
import type { WindowAssigner } from "../../windows/WindowAssigner.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import { stampBy } from "../joins/rowtime.js";
import { type RetractAcc, type RetractCall, retractAccEmpty, retractingAggregate } from "./retractWindowAccumulator.js";

/** A window aggregate's input that is a changelog (a deduplication keeping the last row, an upsert source): its changes and the index of its rowtime column. */
export interface ChangesInput {
  stream: DataStream<Change>;
  rowtime: number;
}

/**
 * The window operator of a window aggregate over an updating input, as Flink 1.20's WindowAggregate over a
 * changelog: each change is assigned the windows of its row's rowtime (a -U/-D the windows of the row it
 * takes back, not of the change that replaced it), a late one is dropped as a late insert is, and the
 * group's accumulator (retractWindowAccumulator.ts) takes +I/+U in and -U/-D out. A firing emits one final
 * row per window and group, unless every row of the group was retracted (Flink's count1 is then 0).
 */
export function windowOperatorOverChanges(
  input: ChangesInput,
  where: ((r: Row) => boolean) | undefined,
  key: (r: Row) => unknown,
  assigner: WindowAssigner,
  calls: RetractCall[],
  keyOf: ((r: Row) => Row) | undefined,
  build: (key: unknown, window: { start: number; end: number }, acc: RetractAcc, ctx: { currentProcessingTime(): number }) => Row,
): DataStream<Row> {
  let changes = input.stream;
  if (where) changes = changes.filter((c) => where(c.row)).name("WHERE");
  // The window operator assigns windows by the record timestamp; the operator before it (a deduplication) stamps a -U
  // with the time of the row that replaced it, so each change takes its own row's rowtime.
  return stampBy(changes, (c) => c.row[input.rowtime] as number)
    .keyBy((c) => key(c.row))
    .window(assigner)
    .onePhase()
    .aggregate<RetractAcc, RetractAcc, Row>(retractingAggregate(calls, keyOf), (k, ctx, accs, out) => {
      const acc = accs[0] as RetractAcc;
      if (!retractAccEmpty(acc)) out.collect(build(k, ctx.window, acc, ctx));
    });
}
