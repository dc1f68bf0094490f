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
import { MiniBatchOperator } from "../minibatch/miniBatchTrigger.js";
import type { FlatJoin } from "./compactRows.js";
import type { JoinKey } from "./joinKey.js";
import { RowArena } from "./rowArena.js";

/** The GROUP BY over the join, as groupAggregate.ts's groupAggregateCore gives it (append-only input, no DISTINCT). */
export interface FusedAggregate {
  aggs: readonly GroupAggCall[];
  /** A joined row's group key columns, and its group key. */
  keyOf: (r: Row) => Row;
  rowKey: (r: Row) => unknown;
  /** Each group column's index in the joined row (undefined: an expression). */
  groupColumns: readonly (number | undefined)[];
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

/**
 * What the operator keeps for one join key: where both sides' rows start and end in the sides' arenas
 * (rowArena.ts; -1: none yet), and its groups: the first one in fields (nexmark q4 has one group per
 * auction id), any others in a Map.
 */
interface Slot {
  leftHead: number;
  leftTail: number;
  rightHead: number;
  rightTail: number;
  firstKey: NormalizedKey;
  first: Group | undefined;
  others: Map<NormalizedKey, Group> | undefined;
}

/**
 * A group's accumulator, updated in place (CheckpointCoordinator copies what a snapshot holds), and once a batch touches it, its values
 * before the batch in `before` (an array the group reuses; `isNew`: the group had none).
 */
interface Group {
  acc: GroupAcc;
  before: GroupAcc | undefined;
  isNew: boolean;
  touched: boolean;
  /** The timestamp of the last row that touched it, which its change carries. */
  timestamp: number;
}

const newSlot = (): Slot => ({ leftHead: -1, leftTail: -1, rightHead: -1, rightTail: -1, firstKey: undefined, first: undefined, others: undefined });

const NO_VALUES: readonly undefined[] = [];
/** The group holds its accumulator from its batch's first row on, so settle's update has nothing left to do. */
const IN_STATE = { update() {}, clear() {} };

/**
 * Sluice's own fusion of Flink's plan `Join(inner, append-only inputs) → GroupAggregate` when the GROUP BY
 * holds every join key column (nexmark q4: GROUP BY A.id, A.category over A.id = B.auction): all rows of a
 * group then share one join key, so the group's accumulator can live in the join's keyed state beside
 * both sides' rows, and a matching pair updates it in place instead of becoming a joined row sent through
 * an exchange to the GroupAggregate, buffered in its mini-batch bundle and folded there.
 *
 * The join keeps every row of both sides as appendOnlyJoin.ts does (state keyed by the join key: a list
 * per side, in one arena per side, plus `groups`: group key → accumulator), nothing is ever dropped. The changes are those
 * the separate GroupAggregate emits: without mini-batch one per pair that changes its group's aggregates,
 * with it one per group touched in a batch (-U before the batch / +U after), a batch ending as the
 * MiniBatchKeyedOperator's does (MiniBatchOperator: size joined rows, allow-latency, every watermark, a checkpoint, the end).
 */
export class JoinGroupAggregateOperator extends MiniBatchOperator implements Operator<Row> {
  /** Per join key, everything the operator keeps for it: one Map lookup per input row. */
  private readonly slots = new Map<JoinKey, Slot>();
  private readonly left: RowArena;
  private readonly right: RowArena;
  /** The groups the current batch touched, in the order it first did. */
  private readonly touched: Group[] = [];
  private timestamp = Number.NaN;
  private key: unknown;
  private readonly collector: Collector<Change>;
  /** The joined row of the pair at hand, filled in place (its values are copied into accumulators, never kept). */
  private readonly joined: Row;
  /** The group columns' indexes in the joined row; undefined when one is an expression. */
  private readonly groupColumns: readonly number[] | undefined;

  constructor(
    private readonly spec: JoinAggregateSpec,
    private readonly ctx: OperatorContext<Change>,
  ) {
    // Without mini-batch (no trigger) each pair's change goes out at once.
    super(spec.miniBatch, ctx.clock);
    this.collector = { collect: (value: Change) => ctx.output.emit(value, this.timestamp) };
    // Zeros: unboxed doubles while every value written is a number (as flatJoin's scratch row).
    this.joined = new Array(spec.flat.outputWidth).fill(0);
    const columns = spec.aggregate.groupColumns;
    this.groupColumns = columns.every((c) => c !== undefined) ? (columns as number[]) : undefined;
    this.left = new RowArena(spec.flat.leftWidth);
    this.right = new RowArena(spec.flat.rightWidth);
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
          slot = newSlot();
          this.slots.set(key, slot);
        }
        if (input === 0) this.leftRow(slot, row, timestamps[i] as number);
        else this.rightRow(slot, row, timestamps[i] as number);
      },
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i] as number, this.key),
    );
  }

  private leftRow(slot: Slot, row: Row, timestamp: number): void {
    slot.leftTail = this.left.append(row, 0, slot.leftTail);
    if (slot.leftHead < 0) slot.leftHead = slot.leftTail;
    const { fillRight } = this.spec.flat;
    const others = this.right;
    const joined = this.joined;
    for (let at = slot.rightHead; at >= 0; at = others.next(at)) if (fillRight(row, others.chunk(at), others.offset(at), joined)) this.accumulate(slot, joined, timestamp);
  }

  private rightRow(slot: Slot, row: Row, timestamp: number): void {
    slot.rightTail = this.right.append(row, 0, slot.rightTail);
    if (slot.rightHead < 0) slot.rightHead = slot.rightTail;
    const { fillLeft } = this.spec.flat;
    const others = this.left;
    const joined = this.joined;
    for (let at = slot.leftHead; at >= 0; at = others.next(at)) if (fillLeft(others.chunk(at), others.offset(at), row, joined)) this.accumulate(slot, joined, timestamp);
  }

  /** One joined row into its group's accumulator, in place; at the group's first row in a batch, its values before go to `before`. */
  private accumulate(slot: Slot, joined: Row, timestamp: number): void {
    const { where, aggregate } = this.spec;
    if (where !== undefined && !where(joined)) return;
    const first = slot.first;
    let group: Group | undefined;
    if (first !== undefined && this.inGroup(first, joined)) group = first;
    else {
      const key = normalizeKey(aggregate.rowKey(joined));
      group = first !== undefined && slot.firstKey === key ? first : slot.others?.get(key);
      if (group === undefined) {
        group = { acc: newGroupAcc(aggregate.keyOf(joined), aggregate.aggs.length), before: undefined, isNew: true, touched: true, timestamp };
        if (first === undefined) {
          slot.firstKey = key;
          slot.first = group;
        } else (slot.others ??= new Map()).set(key, group);
        this.touched.push(group);
      }
    }
    if (!group.touched) {
      const acc = group.acc;
      const before = (group.before ??= new Array(acc.length));
      for (let i = 0; i < acc.length; i++) before[i] = acc[i];
      group.isNew = false;
      group.touched = true;
      this.touched.push(group);
    }
    applyRowInPlace(group.acc, aggregate.aggs, joined, false, NO_VALUES);
    group.timestamp = timestamp;
    const trigger = this.trigger;
    if (trigger === undefined || trigger.add()) this.flush();
  }

  /**
   * Whether the joined row's group columns hold the very values of `group`'s key (then its key is the
   * group's, with no key computed: nexmark q4's pair of integers is a number past a small integer, boxed
   * per pair when computed); false says nothing, the key then decides.
   */
  private inGroup(group: Group, joined: Row): boolean {
    const columns = this.groupColumns;
    if (columns === undefined) return false;
    const keys = group.acc[0] as Row;
    for (let j = 0; j < columns.length; j++) if (joined[columns[j] as number] !== keys[j]) return false;
    return true;
  }

  /** Each group touched since the last flush emits its change; the batch is then empty. */
  protected flush(): void {
    const touched = this.touched;
    if (touched.length === 0) return;
    const settle = this.spec.aggregate.settle;
    for (let i = 0; i < touched.length; i++) {
      const group = touched[i] as Group;
      this.timestamp = group.timestamp;
      group.touched = false;
      try {
        settle(IN_STATE, NO_VALUES, group.isNew ? undefined : group.before, group.acc, this.collector);
      } catch (cause) {
        this.ctx.userError(cause, group.acc, group.timestamp);
      }
    }
    touched.length = 0;
    this.trigger?.reset();
  }

  /** As a KeyedProcessOperator's keyed state: lists `left-values` and `right-values` and map `groups` per join key (copies of the lists). */
  snapshotState(): KeyedTimersSnapshot {
    const keys: [NormalizedKey, unknown][] = [];
    const left: [NormalizedKey, unknown][] = [];
    const right: [NormalizedKey, unknown][] = [];
    const groups: [NormalizedKey, unknown][] = [];
    for (const [key, slot] of this.slots) {
      keys.push([key, key]);
      if (slot.leftHead >= 0) left.push([key, this.left.list(slot.leftHead)]);
      if (slot.rightHead >= 0) right.push([key, this.right.list(slot.rightHead)]);
      // The accumulators themselves: they change in place after this, but the checkpoint coordinator keeps a copy (structuredClone).
      if (slot.first !== undefined) groups.push([key, [[slot.firstKey, slot.first.acc], ...[...(slot.others ?? [])].map(([k, g]) => [k, g.acc])]]);
    }
    const tables: KeyedStateSnapshot["tables"] = [
      { name: "left-values", kind: "list", entries: left },
      { name: "right-values", kind: "list", entries: right },
      { name: "groups", kind: "map", entries: groups },
    ];
    return { state: { keys, tables }, eventTimers: [], processingTimers: [] };
  }

  /** A key's list of a snapshot (flat values) into an arena: its head and tail rows. */
  private restoreList(arena: RowArena, values: readonly unknown[]): [number, number] {
    let head = -1;
    let tail = -1;
    for (let i = 0; i < values.length; i += arena.width) {
      tail = arena.append(values, i, tail);
      if (head < 0) head = tail;
    }
    return [head, tail];
  }

  restoreState(state: unknown): void {
    const owns = ownsKey(this.ctx);
    for (const table of (state as KeyedTimersSnapshot).state.tables)
      for (const [key, value] of table.entries) {
        if (!owns(key)) continue;
        let slot = this.slots.get(key as JoinKey);
        if (slot === undefined) {
          slot = newSlot();
          this.slots.set(key as JoinKey, slot);
        }
        if (table.name === "groups")
          for (const [k, acc] of value as [NormalizedKey, GroupAcc][]) {
            // A copy: updated in place from now on, the snapshot's array stays as it was.
            const group: Group = { acc: acc.slice(), before: undefined, isNew: false, touched: false, timestamp: Number.NaN };
            if (slot.first === undefined) {
              slot.firstKey = k;
              slot.first = group;
            } else (slot.others ??= new Map()).set(k, group);
          }
        else if (table.name === "left-values") [slot.leftHead, slot.leftTail] = this.restoreList(this.left, value as unknown[]);
        else [slot.rightHead, slot.rightTail] = this.restoreList(this.right, value as unknown[]);
      }
  }
}
