import type { Collector } from "../../api/functions.js";
import { normalizeKey, ownsKey, type NormalizedKey } from "../../graph/keys.js";
import { forEachRecord } from "../../operators/forEachRecord.js";
import type { KeyedTimersSnapshot } from "../../operators/keyedTimers.js";
import type { Operator, OperatorContext } from "../../operators/Operator.js";
import type { RecordBatch } from "../../runtime/StreamElement.js";
import type { KeyedStateSnapshot } from "../../state/KeyedStateStore.js";
import { applyRowInPlace, type GroupAcc, newGroupAcc } from "../aggregates/groupAccumulator.js";
import type { Change } from "../changelog.js";
import type { Row } from "../connectors.js";
import { MiniBatchOperator, type MiniBatchTrigger } from "../minibatch/miniBatchTrigger.js";
import type { JoinKey } from "./joinKey.js";
import type { Group, JoinAggregateSpec, ObjectGroups } from "./joinGroupAggregateSpec.js";

import { RowArena } from "./rowArena.js";
import { SlotTable } from "./slotTable.js";
import { NONE, OBJECT, TYPED, TypedGroups } from "./typedGroups.js";
import { capacityFor, grown } from "./typedGrowth.js";

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
 * with it one per group touched in a batch (-U before the batch / +U after), a batch ending at size joined
 * rows, allow-latency, a checkpoint and the end, but not at a watermark (see onWatermark).
 */
export class JoinGroupAggregateOperator extends MiniBatchOperator implements Operator<Row> {
  /** Per join key a slot number, and there the heads and tails of both sides' lists. */
  private readonly slots = new SlotTable();
  private readonly left: RowArena;
  private readonly right: RowArena;
  /** Each slot's first group while it is numbers (undefined when a group column is an expression). */
  private readonly typed: TypedGroups | undefined;
  /** By slot number, the groups held as objects. */
  private readonly objects = new Map<number, ObjectGroups>();
  /** The groups the current batch touched, in the order it first did: a slot number for a typed group. */
  private readonly touched: (number | Group)[] = [];
  private timestamp = Number.NaN;
  /**
   * The batch's timestamps and the row at hand's index there: its timestamp is read where it is stored
   * (a double passed as an argument to a call V8 did not inline was boxed per row).
   */
  private rowTimes: ArrayLike<number> = [];
  private at = 0;
  private key: unknown;
  private readonly collector: Collector<Change>;
  /** The joined row of the pair at hand, filled in place (its values are copied into accumulators, never kept). */
  private readonly joined: Row;
  /** The group columns' indexes in the joined row; undefined when one is an expression. */
  private readonly groupColumns: readonly number[] | undefined;
  /** A typed group's key row and accumulators as settle reads them, refilled per group at a flush. */
  private readonly keyRow: Row;
  private readonly accNow: GroupAcc;
  private readonly accBefore: GroupAcc;
  /** Joined rows accumulated in the record batch at hand, counted into the mini-batch once at its end. */
  private pending = 0;
  /**
   * Per left row (its number in the left arena), 1 once a pair of it went to its slot's typed group: when
   * every group column is the left side's, that row's pairs all belong to the group while the slot's first
   * group stays typed, so a right row's pairs with it skip the group's search (nexmark q4: per bid, its
   * auction's row).
   */
  private leftInTyped = new Uint8Array(1024);
  private readonly groupFromLeft: boolean;

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
    this.typed = this.groupColumns === undefined ? undefined : new TypedGroups(this.groupColumns.length, spec.aggregate.aggs);
    this.groupFromLeft = this.groupColumns !== undefined && this.groupColumns.every((c) => spec.flat.fromLeft[c] === true);
    this.keyRow = new Array(columns.length);
    this.accNow = [];
    this.accBefore = [];
    this.left = new RowArena(spec.flat.leftWidth);
    this.right = new RowArena(spec.flat.rightWidth);
  }

  processBatch(batch: RecordBatch<Row>, input: number): void {
    const { values, timestamps } = batch;
    const keyOf = this.spec.keys[input] as (r: Row) => JoinKey;
    this.rowTimes = timestamps;
    forEachRecord(
      values.length,
      (i) => {
        this.key = undefined;
        const row = values[i] as Row;
        const key = keyOf(row);
        if (key === null) return; // never joins (SQL's = is never true for NULL), so not kept
        this.key = key;
        const slot = this.slots.slotOf(key);
        this.at = i;
        if (input === 0) this.leftRow(slot, row);
        else this.rightRow(slot, row);
      },
      (i, cause) => this.ctx.userError(cause, values[i], timestamps[i] as number, this.key),
    );
    // The batch's size is counted per record batch, not per joined row: it ends at the first record batch
    // that brings it to its size (the per-row count and check cost ~1.5 % of nexmark q4, one per bid).
    const pending = this.pending;
    if (pending === 0) return;
    this.pending = 0;
    if ((this.trigger as MiniBatchTrigger).add(pending)) this.flush();
  }

  private leftRow(slot: number, row: Row): void {
    const slots = this.slots;
    const tail = this.left.append(row, 0, slots.leftTail[slot] as number);
    slots.leftTail[slot] = tail;
    if ((slots.leftHead[slot] as number) < 0) slots.leftHead[slot] = tail;
    const { fillRight } = this.spec.flat;
    const others = this.right;
    const joined = this.joined;
    for (let at = slots.rightHead[slot] as number; at >= 0; at = others.next(at)) if (fillRight(row, others.chunk(at), others.offset(at), joined)) this.accumulate(slot, joined, tail);
  }

  private rightRow(slot: number, row: Row): void {
    const slots = this.slots;
    const tail = this.right.append(row, 0, slots.rightTail[slot] as number);
    slots.rightTail[slot] = tail;
    if ((slots.rightHead[slot] as number) < 0) slots.rightHead[slot] = tail;
    const { flat, where } = this.spec;
    const fillLeft = flat.fillLeft;
    const others = this.left;
    const joined = this.joined;
    const inTyped = this.leftInTyped;
    for (let at = slots.leftHead[slot] as number; at >= 0; at = others.next(at)) {
      if (!fillLeft(others.chunk(at), others.offset(at), row, joined)) continue;
      // A left row known to be in its slot's typed group (leftInTyped): no key, no search.
      if (at < inTyped.length && inTyped[at] === 1 && (this.typed as TypedGroups).state[slot] === TYPED) {
        if (where === undefined || where(joined)) this.accumulateTyped(slot, joined);
      } else this.accumulate(slot, joined, at);
    }
  }

  /** The left row at `at` (-1: none) has its pair in its slot's typed group, which then holds all its pairs if the group columns are all its own. */
  private inTyped(at: number): void {
    if (at < 0 || !this.groupFromLeft) return;
    if (at >= this.leftInTyped.length) this.leftInTyped = grown(this.leftInTyped, capacityFor(this.leftInTyped.length, at));
    this.leftInTyped[at] = 1;
  }

  /**
   * One joined row (of the left row at `leftAt`) into its group's accumulator, in place; at the group's first row in a batch, its
   * values before are kept.
   */
  private accumulate(slot: number, joined: Row, leftAt: number): void {
    const { where, aggregate } = this.spec;
    if (where !== undefined && !where(joined)) return;
    const typed = this.typed;
    const state = typed === undefined || slot >= typed.state.length ? NONE : (typed.state[slot] as number);
    if (state === TYPED && typed?.holds(slot, joined, this.groupColumns as number[])) {
      this.inTyped(leftAt);
      return this.accumulateTyped(slot, joined);
    }
    if (state === NONE && typed !== undefined) {
      // The slot has no group yet (no object either: its first would have made the state OBJECT); its key
      // and key columns read straight from the joined row, with no key row made (keyOf) or key normalized.
      const key = aggregate.rowKey(joined);
      if (typeof key === "number" && typed.fitsRow(joined, this.groupColumns as number[])) {
        typed.create(slot, key === 0 ? 0 : key, joined, undefined, this.rowTime(), this.groupColumns);
        this.touched.push(slot);
        this.inTyped(leftAt);
        return this.accumulateTyped(slot, joined);
      }
    }
    const objects = this.objects.get(slot);
    const first = objects?.first;
    let group: Group | undefined;
    if (first !== undefined && this.inGroup(first, joined)) group = first;
    else {
      const key = normalizeKey(aggregate.rowKey(joined));
      if (state === TYPED && (typed as TypedGroups).firstKey[slot] === key) return this.accumulateTyped(slot, joined);
      group = first !== undefined && objects?.firstKey === key ? first : objects?.others?.get(key);
      if (group === undefined) {
        const keys = aggregate.keyOf(joined);
        if (state === NONE && typed !== undefined && typed.fits(key, keys, undefined)) {
          typed.create(slot, key as number, keys, undefined, this.rowTime());
          this.touched.push(slot);
          return this.accumulateTyped(slot, joined);
        }
        group = { acc: newGroupAcc(keys, aggregate.aggs.length), before: undefined, isNew: true, touched: true, timestamp: this.rowTime() };
        this.addObject(slot, key, group, state === NONE);
        this.touched.push(group);
      }
    }
    this.accumulateObject(group, joined);
  }

  /** A group held as an object: the slot's first (no typed one) or one after it. */
  private addObject(slot: number, key: NormalizedKey, group: Group, isFirst: boolean): void {
    let objects = this.objects.get(slot);
    if (objects === undefined) this.objects.set(slot, (objects = { firstKey: undefined, first: undefined, others: undefined }));
    if (isFirst) {
      objects.firstKey = key;
      objects.first = group;
      if (this.typed !== undefined) {
        this.typed.ensure(slot);
        this.typed.state[slot] = OBJECT;
      }
    } else (objects.others ??= new Map()).set(key, group);
  }

  private accumulateObject(group: Group, joined: Row): void {
    if (!group.touched) {
      const acc = group.acc;
      const before = (group.before ??= new Array(acc.length));
      for (let i = 0; i < acc.length; i++) before[i] = acc[i];
      group.isNew = false;
      group.touched = true;
      this.touched.push(group);
    }
    applyRowInPlace(group.acc, this.spec.aggregate.aggs, joined, false, NO_VALUES);
    group.timestamp = this.rowTime();
    if (this.trigger === undefined) this.flush();
    else this.pending++;
  }

  private accumulateTyped(slot: number, joined: Row): void {
    const typed = this.typed as TypedGroups;
    if (typed.touch(slot)) this.touched.push(slot);
    if (!typed.apply(slot, joined)) {
      // A value that is not a number: the group becomes an object, as touched in this batch as it was.
      const group: Group = {
        acc: typed.read(slot, typed.keyRow(slot), false),
        before: typed.isNew(slot) ? undefined : typed.read(slot, typed.keyRow(slot), true),
        isNew: typed.isNew(slot),
        touched: true,
        timestamp: Number.NaN,
      };
      typed.settled(slot);
      this.addObject(slot, typed.firstKey[slot] as number, group, true);
      return this.accumulateObject(group, joined);
    }
    typed.timestamp[slot] = this.rowTimes[this.at] as number;
    if (this.trigger === undefined) this.flush();
    else this.pending++;
  }

  private rowTime(): number {
    return this.rowTimes[this.at] as number;
  }

  /**
   * A watermark does not end the batch, as in Flink's plan of a GROUP BY over a regular join: its proctime
   * MiniBatchAssigner swallows upstream watermarks, so the GroupAggregate's batches end at allow-latency or
   * size only. Nothing after it reads event time (a regular join's output has no time attribute), so no
   * later operator can find a held change behind the watermark it forwarded. Ending a batch at every
   * watermark (about every 2 000 nexmark events) emitted a -U/+U for most touched groups per watermark:
   * nexmark q4's 2 M events made 207 000 changes for the AVG GroupAggregate to fold.
   */
  override onWatermark(): void {}

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
      const entry = touched[i] as number | Group;
      let group: Group;
      if (typeof entry === "number") {
        const typed = this.typed as TypedGroups;
        if (typed.state[entry] === TYPED) {
          this.timestamp = typed.timestamp[entry] as number;
          const isNew = typed.settled(entry);
          const keys = typed.keyRow(entry, this.keyRow);
          const acc = typed.read(entry, keys, false, this.accNow);
          try {
            settle(IN_STATE, NO_VALUES, isNew ? undefined : typed.read(entry, keys, true, this.accBefore), acc, this.collector);
          } catch (cause) {
            this.ctx.userError(cause, acc.slice(), this.timestamp);
          }
          continue;
        }
        // Moved to an object in this batch (accumulateTyped).
        group = (this.objects.get(entry) as ObjectGroups).first as Group;
      } else group = entry;
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
    const { slots, typed } = this;
    for (let slot = 0; slot < slots.size; slot++) {
      const key = slots.keys[slot] as JoinKey;
      keys.push([key, key]);
      if ((slots.leftHead[slot] as number) >= 0) left.push([key, this.left.list(slots.leftHead[slot] as number)]);
      if ((slots.rightHead[slot] as number) >= 0) right.push([key, this.right.list(slots.rightHead[slot] as number)]);
      // The accumulators themselves: they change in place after this, but the checkpoint coordinator keeps a copy (structuredClone).
      const all: [NormalizedKey, GroupAcc][] = [];
      if (typed !== undefined && typed.state[slot] === TYPED) all.push([typed.firstKey[slot] as number, typed.read(slot, typed.keyRow(slot), false)]);
      const objects = this.objects.get(slot);
      if (objects?.first !== undefined) all.push([objects.firstKey, objects.first.acc]);
      for (const [k, g] of objects?.others ?? []) all.push([k, g.acc]);
      if (all.length > 0) groups.push([key, all]);
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
    const { slots, typed } = this;
    for (const table of (state as KeyedTimersSnapshot).state.tables)
      for (const [key, value] of table.entries) {
        if (!owns(key)) continue;
        const slot = slots.slotOf(key as JoinKey);
        if (table.name === "groups")
          for (const [k, acc] of value as [NormalizedKey, GroupAcc][]) {
            const isFirst = (typed === undefined || slot >= typed.state.length || typed.state[slot] === NONE) && this.objects.get(slot)?.first === undefined;
            if (isFirst && typed !== undefined && typed.fits(k, acc[0] as Row, acc)) typed.create(slot, k as number, acc[0] as Row, acc, Number.NaN);
            // A copy: updated in place from now on, the snapshot's array stays as it was.
            else this.addObject(slot, k, { acc: acc.slice(), before: undefined, isNew: false, touched: false, timestamp: Number.NaN }, isFirst);
          }
        else if (table.name === "left-values") [slots.leftHead[slot], slots.leftTail[slot]] = this.restoreList(this.left, value as unknown[]);
        else [slots.rightHead[slot], slots.rightTail[slot]] = this.restoreList(this.right, value as unknown[]);
      }
  }
}
