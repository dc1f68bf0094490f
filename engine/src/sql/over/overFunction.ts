import type { KeyedProcessFunction } from "../../api/keyedFunctions.js";
import type { MapState, ValueState } from "../../state/State.js";
import type { Row } from "../connectors.js";
import type { OverAcc, OverAggregates } from "./overAggregates.js";

export interface OverFrame {
  unit: "rows" | "range";
  /** Rows, or milliseconds for RANGE; undefined: UNBOUNDED PRECEDING. */
  preceding: number | undefined;
}

type State = {
  /** Rows by timestamp: those waiting for the watermark, and (bounded RANGE) those still in a later row's window. */
  pending?: MapState<number, Row[]>;
  /** Bounded RANGE: rows already emitted, by timestamp, while they may be in a later row's window. */
  retained?: MapState<number, Row[]>;
  /** Bounded ROWS: the last rows emitted, oldest first. */
  recent?: ValueState<Row[]>;
  /** Unbounded: the accumulators of every row emitted so far. */
  acc?: ValueState<OverAcc>;
  /** Bounded: the timestamp last emitted (Flink's lastTriggeringTsState). */
  last?: ValueState<number>;
};

/**
 * Flink's event-time OVER operators (RowTimeRowsBoundedPrecedingFunction,
 * RowTimeRangeBoundedPrecedingFunction, RowTime{Rows,Range}UnboundedPrecedingFunction), per
 * partition key: a row waits in keyed state until the watermark passes its timestamp, then rows go
 * out in timestamp order (ties in arrival order) each with its aggregates appended. ROWS: each row's
 * window is it and the n rows before it; RANGE: all rows within the interval before its timestamp,
 * and rows of the same timestamp share one result. Late rows are dropped as Flink drops them: the
 * unbounded operators drop a row not after the watermark; the bounded ones only a row not after the
 * last timestamp emitted for its key (a row behind the watermark but ahead of its key still counts).
 */
export function overFunction(aggs: OverAggregates, frame: OverFrame, timeOf: (r: Row) => number): KeyedProcessFunction<unknown, Row, Row> {
  const bounded = frame.preceding !== undefined;
  const fn: KeyedProcessFunction<unknown, Row, Row> & State = {
    open(rc) {
      this.pending = rc.getMapState<number, Row[]>("pending");
      if (!bounded) this.acc = rc.getState<OverAcc>("acc");
      else if (frame.unit === "rows") this.recent = rc.getState<Row[]>("recent");
      else this.retained = rc.getMapState<number, Row[]>("retained");
      if (bounded) this.last = rc.getState<number>("last");
    },
    processElement(row, ctx) {
      const ts = timeOf(row);
      const late = bounded ? ts <= (this.last?.value() ?? 0) : ts <= ctx.timerService.currentWatermark();
      if (late) return;
      const pending = this.pending as MapState<number, Row[]>;
      const rows = pending.get(ts);
      // A new array each time: a checkpoint may hold the old one.
      pending.put(ts, rows ? [...rows, row] : [row]);
      if (!rows) ctx.timerService.registerEventTimeTimer(ts);
    },
    onTimer(ts, _ctx, out) {
      const pending = this.pending as MapState<number, Row[]>;
      const rows = pending.get(ts);
      if (rows) {
        pending.remove(ts);
        if (!bounded) emitUnbounded(this, rows, out);
        else if (frame.unit === "rows") emitRows(this, rows, out);
        else emitRange(this, ts, rows, out);
      }
      this.last?.update(ts);
    },
  };

  function emitUnbounded(state: State, rows: Row[], out: { collect(r: Row): void }): void {
    const holder = state.acc as ValueState<OverAcc>;
    const prev = holder.value();
    const acc: OverAcc = prev ? { n: [...prev.n], sum: [...prev.sum], min: [...prev.min], max: [...prev.max] } : aggs.create();
    if (frame.unit === "rows") {
      for (const r of rows) {
        aggs.add(acc, r);
        out.collect([...r, ...aggs.values(acc)]);
      }
    } else {
      for (const r of rows) aggs.add(acc, r);
      const values = aggs.values(acc);
      for (const r of rows) out.collect([...r, ...values]);
    }
    holder.update(acc);
  }

  function emitRows(state: State, rows: Row[], out: { collect(r: Row): void }): void {
    const size = (frame.preceding as number) + 1;
    let recent = state.recent?.value() ?? [];
    for (const r of rows) {
      recent = [...recent, r].slice(-size);
      out.collect([...r, ...aggs.over(recent)]);
    }
    state.recent?.update(recent);
  }

  function emitRange(state: State, ts: number, rows: Row[], out: { collect(r: Row): void }): void {
    const retained = state.retained as MapState<number, Row[]>;
    const from = ts - (frame.preceding as number);
    for (const t of [...retained.keys()]) if (t < from) retained.remove(t);
    const values = aggs.over([...[...retained.values()].flat(), ...rows]);
    for (const r of rows) out.collect([...r, ...values]);
    retained.put(ts, rows);
  }

  return fn;
}
