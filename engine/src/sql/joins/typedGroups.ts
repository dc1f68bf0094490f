import type { NormalizedKey } from "../../graph/keys.js";
import type { GroupAcc, GroupAggCall } from "../aggregates/groupAccumulator.js";
import type { Row } from "../connectors.js";
import { capacityFor, grown } from "./typedGrowth.js";

/** A slot's first group: none yet, in the typed arrays here, or an object of the operator's (joinGroupAggregate.ts). */
export const NONE = 0;
export const TYPED = 1;
export const OBJECT = 2;

const TOUCHED = 1;
const NEW = 2;
const SLOTS = 4;

/**
 * The fused join-and-GROUP-BY's first group of each join key (joinGroupAggregate.ts) in typed arrays, by
 * slot number (slotTable.ts), while its key columns, its key and its accumulator are numbers: nexmark
 * q4's one group per auction held five objects (group, accumulator, key row, its values before the batch,
 * a boxed timestamp), ~250 bytes per auction promoted by the scavenger and marked by every major GC.
 * The accumulator is groupAccumulator.ts's array without its key row: rows, then per aggregate count,
 * sum, min, max, where a count of 0 stands for min and max NULL (an append-only input never retracts,
 * so a value arrives with its count). A value that is not a number moves the group to an object.
 */
export class TypedGroups {
  state = new Uint8Array(1024);
  private flags = new Uint8Array(1024);
  firstKey = new Float64Array(1024);
  timestamp = new Float64Array(1024);
  private keys: Float64Array;
  private acc: Float64Array;
  private before: Float64Array;
  /** Accumulator values per group (the GroupAcc's length less its key row). */
  private readonly width: number;
  /** The row at hand's argument values, each read once. */
  private readonly values: (number | null | undefined)[] = [];

  constructor(
    private readonly groupWidth: number,
    private readonly calls: readonly GroupAggCall[],
  ) {
    this.width = 1 + SLOTS * calls.length;
    this.keys = new Float64Array(1024 * groupWidth);
    this.acc = new Float64Array(1024 * this.width);
    this.before = new Float64Array(1024 * this.width);
  }

  /** Room for slot `s`. */
  ensure(s: number): void {
    if (s < this.state.length) return;
    const n = capacityFor(this.state.length, s);
    this.state = grown(this.state, n);
    this.flags = grown(this.flags, n);
    this.firstKey = grown(this.firstKey, n);
    this.timestamp = grown(this.timestamp, n);
    this.keys = grown(this.keys, n * this.groupWidth);
    this.acc = grown(this.acc, n * this.width);
    this.before = grown(this.before, n * this.width);
  }

  /** Whether a group of this key, key row and accumulator fits here. */
  fits(key: NormalizedKey, keys: Row, acc: GroupAcc | undefined): boolean {
    if (typeof key !== "number" || keys.length !== this.groupWidth) return false;
    for (let i = 0; i < keys.length; i++) if (typeof keys[i] !== "number") return false;
    if (acc === undefined) return true;
    if (acc.length !== this.width + 1 || typeof acc[1] !== "number") return false;
    for (let b = 2; b < acc.length; b += SLOTS) {
      const [count, sum, min, max] = [acc[b], acc[b + 1], acc[b + 2], acc[b + 3]];
      if (typeof count !== "number" || typeof sum !== "number") return false;
      if (count === 0 ? min !== null || max !== null : typeof min !== "number" || typeof max !== "number") return false;
    }
    return true;
  }

  /** Whether the group columns `columns` of a row are all numbers (with a number for its key, the group fits here). */
  fitsRow(row: Row, columns: readonly number[]): boolean {
    for (let j = 0; j < columns.length; j++) if (typeof row[columns[j] as number] !== "number") return false;
    return true;
  }

  /**
   * Slot `s`'s first group, new (touched, no values before), or as `acc` (restored, untouched); its key
   * columns `keys`, or `keys`'s columns `columns` (a joined row's group columns).
   */
  create(s: number, key: number, keys: Row, acc: GroupAcc | undefined, timestamp: number, columns?: readonly number[]): void {
    this.ensure(s);
    this.state[s] = TYPED;
    this.flags[s] = acc === undefined ? TOUCHED | NEW : 0;
    this.firstKey[s] = key;
    this.timestamp[s] = timestamp;
    for (let i = 0; i < this.groupWidth; i++) this.keys[s * this.groupWidth + i] = keys[columns === undefined ? i : (columns[i] as number)] as number;
    const o = s * this.width;
    for (let i = 0; i < this.width; i++) this.acc[o + i] = acc === undefined ? 0 : ((acc[i + 1] ?? 0) as number);
  }

  /** Whether the joined row's group columns hold slot `s`'s key values (false says nothing: the key then decides). */
  holds(s: number, joined: Row, columns: readonly number[]): boolean {
    const o = s * this.groupWidth;
    for (let j = 0; j < columns.length; j++) if (joined[columns[j] as number] !== this.keys[o + j]) return false;
    return true;
  }

  /** At the group's first row in a batch: its values before it are kept; true if the batch had not touched it yet. */
  touch(s: number): boolean {
    if ((this.flags[s] as number) & TOUCHED) return false;
    this.flags[s] = TOUCHED;
    const [acc, before] = [this.acc, this.before];
    for (let i = s * this.width, end = i + this.width; i < end; i++) before[i] = acc[i] as number;
    return true;
  }

  /**
   * The joined row into slot `s`'s accumulator, as applyRowInPlace (no retraction); false, with nothing
   * changed, if an argument's value is not a number (the group must then move to an object).
   */
  apply(s: number, joined: Row): boolean {
    const calls = this.calls;
    const values = this.values;
    for (let j = 0; j < calls.length; j++) {
      const arg = (calls[j] as GroupAggCall).arg;
      const v = arg === undefined ? 1 : arg(joined);
      if (v !== null && v !== undefined && typeof v !== "number") return false;
      values[j] = v as number | null | undefined;
    }
    const acc = this.acc;
    const o = s * this.width;
    acc[o] = (acc[o] as number) + 1;
    for (let j = 0, b = o + 1; j < calls.length; j++, b += SLOTS) {
      const v = values[j];
      if (v === null || v === undefined) continue;
      const first = acc[b] === 0;
      acc[b] = (acc[b] as number) + 1;
      acc[b + 1] = (acc[b + 1] as number) + v;
      if (first || v < (acc[b + 2] as number)) acc[b + 2] = v;
      if (first || v > (acc[b + 3] as number)) acc[b + 3] = v;
    }
    return true;
  }

  /** Whether the group was new in this batch (no values before it); clears its batch flags. */
  settled(s: number): boolean {
    const isNew = ((this.flags[s] as number) & NEW) !== 0;
    this.flags[s] = 0;
    return isNew;
  }

  isTouched(s: number): boolean {
    return ((this.flags[s] as number) & TOUCHED) !== 0;
  }

  isNew(s: number): boolean {
    return ((this.flags[s] as number) & NEW) !== 0;
  }

  /** Slot `s`'s key row, into `into` (or a new row). */
  keyRow(s: number, into: Row = new Array(this.groupWidth)): Row {
    for (let i = 0; i < this.groupWidth; i++) into[i] = this.keys[s * this.groupWidth + i];
    return into;
  }

  /** Slot `s`'s accumulator (or its values before the batch) as a GroupAcc over `keys`, into `into` (or a new array). */
  read(s: number, keys: Row, before: boolean, into: GroupAcc = new Array(this.width + 1)): GroupAcc {
    const from = before ? this.before : this.acc;
    const o = s * this.width;
    into[0] = keys;
    into[1] = from[o];
    for (let b = 1; b < this.width; b += SLOTS) {
      const count = from[o + b] as number;
      into[b + 1] = count;
      into[b + 2] = from[o + b + 1];
      into[b + 3] = count === 0 ? null : from[o + b + 2];
      into[b + 4] = count === 0 ? null : from[o + b + 3];
    }
    return into;
  }
}
