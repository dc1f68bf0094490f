import type { Collector } from "../../api/functions.js";
import { normalizeKey, ownsKey, type NormalizedKey } from "../../graph/keys.js";
import { forEachRecord } from "../../operators/forEachRecord.js";
import type { KeyedTimersSnapshot } from "../../operators/keyedTimers.js";
import type { Operator, OperatorContext } from "../../operators/Operator.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { KeyedStateSnapshot } from "../../state/KeyedStateStore.js";
import { applyRowInPlace, type GroupAcc, type GroupAggCall, newGroupAcc } from "../aggregates/groupAccumulator.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import type { MiniBatchConfig } from "../minibatch/miniBatchOptions.js";
import type { FlatJoin } from "./compactRows.js";
import type { JoinKey } from "./joinKey.js";

/** The GROUP BY over the join, as groupAggregate.ts's groupAggregateCore gives it (append-only input, no DISTINCT). */
export interface FusedAggregate {
  aggs: readonly GroupAggCall[];
  /** A joined row's group key columns, and its group key. */
  keyOf: (r: Row) => Row;
  rowKey: (r: Row) => unknown;
  /** Emits a group's change from `before` (undefined: a new group) to `acc`, as the GroupAggregate operator does. */
  settle: (state: { update(acc: GroupAcc): void; clear(): void }, values: readonly undefined[], before: GroupAcc | undefined, acc: GroupAcc, out: Collector<Change>) => void;
}

export interface JoinAggregateSpec {
  flat: FlatJoin;
  /** Each input's join key. */
  keys: readonly [(r: Row) => JoinKey, (r: Row) => JoinKey];
  /** What stays of WHERE over the joined row (its other conjuncts went into the sides or ON). */
  where: ((r: Row) => boolean) | undefined;
  aggregate: FusedAggregate;
  miniBatch: MiniBatchConfig | undefined;
}

/** What the operator keeps for one join key: both sides' rows as flat lists of values (appendOnlyJoin.ts), and its groups' accumulators. */
interface Slot {
  left: unknown[];
  right: unknown[];
  groups: Map<NormalizedKey, GroupAcc>;
}

/** A group touched in the current batch: its accumulator before the batch (undefined: new) and now. */
interface Touched {
  before: GroupAcc | undefined;
  acc: GroupAcc;
  timestamp: number;
}

const NO_VALUES: readonly undefined[] = [];
/** The accumulator is put into state when a batch first touches its group, so settle's update has nothing left to do. */
const IN_STATE = { update() {}, clear() {} };

/**
 * Sluice's own fusion of Flink's plan `Join(inner, append-only inputs) → GroupAggregate` when the GROUP BY
 * holds every join key column (nexmark q4: GROUP BY A.id, A.category over A.id = B.auction): all rows of a
 * group then share one join key, so the group's accumulator can live in the join's keyed state beside
 * both sides' rows, and a matching pair updates it in place instead of becoming a joined row sent through
 * an exchange to the GroupAggregate, buffered in its mini-batch bundle and folded there.
 *
 * The join keeps every row of both sides as appendOnlyJoin.ts does (state keyed by the join key: a flat
 * list per side, plus `groups`: group key → accumulator), nothing is ever dropped. The changes are those
 * the separate GroupAggregate emits: without mini-batch one per pair that changes its group's aggregates,
 * with it one per group touched in a batch (-U before the batch / +U after), a batch ending as the
 * MiniBatchKeyedOperator's does (size joined rows, allow-latency, every watermark, a checkpoint, the end).
 */
export class JoinGroupAggregateOperator implements Operator<Row> {
  /** Per join key, everything the operator keeps for it: one Map lookup per input row. */
  private readonly slots = new Map<JoinKey, Slot>();
  private readonly touched = new Map<NormalizedKey, Touched>();
  private buffered = 0;
  private startedAt = Number.POSITIVE_INFINITY;
  private timestamp = Number.NaN;
  private key: unknown;
  private readonly collector: Collector<Change>;
  /** The joined row of the pair at hand, filled in place (its values are copied into accumulators, never kept). */
  private readonly joined: Row;

  constructor(
    private readonly spec: JoinAggregateSpec,
    private readonly ctx: OperatorContext<Change>,
  ) {
    this.collector = { collect: (value: Change) => ctx.output.emit(value, this.timestamp) };
    // Zeros: unboxed doubles while every value written is a number (as flatJoin's scratch row).
    this.joined = new Array(spec.flat.outputWidth).fill(0);
  }

  processBatch(batch: RecordBatch<Row>, input: number): void {
    const { values, timestamps } = batch;
    const keyOf = this.spec.keys[input] as (r: Row) => JoinKey;
    forEachRecord(
      values.length,
      (i) => {
        this.key = undefined;
        const row = values[i] as Row;
        const key = keyOf(row);
        if (key === null) return; // never joins (SQL's = is never true for NULL), so not kept
        this.key = key;
        let slot = this.slots.get(key);
        if (slot === undefined) {
          slot = { left: [], right: [], groups: new Map() };
          this.slots.set(key, slot);
        }
        if (input === 0) this.leftRow(slot, row, timestamps[i] as number);
        else this.rightRow(slot, row, timestamps[i] as number);
      },
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i] as number, this.key),
    );
  }

  private leftRow(slot: Slot, row: Row, timestamp: number): void {
    const { rightWidth, fillRight } = this.spec.flat;
    const own = slot.left;
    for (let i = 0; i < row.length; i++) own.push(row[i]);
    const others = slot.right;
    const joined = this.joined;
    for (let i = 0; i < others.length; i += rightWidth) if (fillRight(row, others, i, joined)) this.accumulate(slot, joined, timestamp);
  }

  private rightRow(slot: Slot, row: Row, timestamp: number): void {
    const { leftWidth, fillLeft } = this.spec.flat;
    const own = slot.right;
    for (let i = 0; i < row.length; i++) own.push(row[i]);
    const others = slot.left;
    const joined = this.joined;
    for (let i = 0; i < others.length; i += leftWidth) if (fillLeft(others, i, row, joined)) this.accumulate(slot, joined, timestamp);
  }

  /** One joined row into its group's accumulator: a copy of the stored one at the group's first row in a batch, then updated in place. */
  private accumulate(slot: Slot, joined: Row, timestamp: number): void {
    const { where, aggregate, miniBatch } = this.spec;
    if (where !== undefined && !where(joined)) return;
    const group = normalizeKey(aggregate.rowKey(joined));
    let t = this.touched.get(group);
    if (t === undefined) {
      const before = slot.groups.get(group);
      // A copy: the stored array may be in a snapshot already taken.
      const acc = before === undefined ? newGroupAcc(aggregate.keyOf(joined), aggregate.aggs.length) : before.slice();
      slot.groups.set(group, acc);
      t = { before, acc, timestamp };
      this.touched.set(group, t);
    }
    applyRowInPlace(t.acc, aggregate.aggs, joined, false, NO_VALUES);
    t.timestamp = timestamp;
    if (miniBatch === undefined) this.flush();
    else {
      if (this.buffered++ === 0) this.startedAt = this.ctx.clock.now();
      if (this.buffered >= miniBatch.size) this.flush();
    }
  }

  /** Each group touched since the last flush emits its change; the batch is then empty. */
  private flush(): void {
    if (this.touched.size === 0) return;
    const settle = this.spec.aggregate.settle;
    for (const t of this.touched.values()) {
      this.timestamp = t.timestamp;
      try {
        settle(IN_STATE, NO_VALUES, t.before, t.acc, this.collector);
      } catch (cause) {
        this.ctx.userError(cause, t.acc, t.timestamp);
      }
    }
    this.touched.clear();
    this.buffered = 0;
    this.startedAt = Number.POSITIVE_INFINITY;
  }

  onWatermark(): void {
    this.flush();
  }

  nextProcessingTime(): number {
    return this.spec.miniBatch === undefined ? Number.POSITIVE_INFINITY : this.startedAt + this.spec.miniBatch.latencyMs;
  }

  onProcessingTime(): void {
    this.flush();
  }

  prepareSnapshotPreBarrier(): void {
    this.flush();
  }

  finish(): void {
    this.flush();
  }

  /** As a KeyedProcessOperator's keyed state: lists `left-values` and `right-values` and map `groups` per join key (copies of the lists). */
  snapshotState(): KeyedTimersSnapshot {
    const keys: [NormalizedKey, unknown][] = [];
    const left: [NormalizedKey, unknown][] = [];
    const right: [NormalizedKey, unknown][] = [];
    const groups: [NormalizedKey, unknown][] = [];
    for (const [key, slot] of this.slots) {
      keys.push([key, key]);
      if (slot.left.length > 0) left.push([key, slot.left.slice()]);
      if (slot.right.length > 0) right.push([key, slot.right.slice()]);
      if (slot.groups.size > 0) groups.push([key, [...slot.groups]]);
    }
    const tables: KeyedStateSnapshot["tables"] = [
      { name: "left-values", kind: "list", entries: left },
      { name: "right-values", kind: "list", entries: right },
      { name: "groups", kind: "map", entries: groups },
    ];
    return { state: { keys, tables }, eventTimers: [], processingTimers: [] };
  }

  restoreState(state: unknown): void {
    const owns = ownsKey(this.ctx);
    for (const table of (state as KeyedTimersSnapshot).state.tables)
      for (const [key, value] of table.entries) {
        if (!owns(key)) continue;
        let slot = this.slots.get(key as JoinKey);
        if (slot === undefined) {
          slot = { left: [], right: [], groups: new Map() };
          this.slots.set(key as JoinKey, slot);
        }
        if (table.name === "groups") slot.groups = new Map(value as [NormalizedKey, GroupAcc][]);
        else if (table.name === "left-values") slot.left = [...(value as unknown[])];
        else slot.right = [...(value as unknown[])];
      }
  }
}
