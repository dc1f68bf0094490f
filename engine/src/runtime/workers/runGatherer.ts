/**
 * The producer's half of coalescedRuns.ts, kept as the elements come: what a remote channel is pushed
 * between two posts, as one batch of all their records and the runs that put them back in order. A
 * keyed exchange's router writes its records straight into that batch (`beginRecords`/`endRecords`),
 * so a record crossing threads is copied once before encoding, not pushed to a batch per consumer and
 * then copied into a merged one (bench/nexmark/RESULTS.md "Session 18: q5route"). A batch pushed whole
 * is kept as it is while it is the only one, so a lone batch crosses without a copy, as before.
 */
import type { OutgoingBatch } from "../../exchange/BatchCodec.js";
import { MAX_PRESIZED, type RouteTargets } from "../Channel.js";
import type { RecordBatch, StreamElement } from "../StreamElement.js";
import type { NonRecord, Run } from "./coalescedRuns.js";

/** The values array of the next message is sized as the last message's records (writes past it grow it), within these bounds. */
const MIN_EXPECTED = 64;

export class RunGatherer {
  private runs: Run[] = [];
  /** The only non-empty batch gathered so far, as pushed; copied into `values` once another comes. */
  private lone: RecordBatch | undefined;
  /** Fresh per message (what a router writes is young, and no reference outlives the post). */
  private values: unknown[] = new Array<unknown>(MIN_EXPECTED);
  /** Reused (numbers hold no references): the encoder copies its part out before the message is posted. */
  private timestamps = new Float64Array(1024);
  /** Records written to `values`/`timestamps` (a router's writes past it were never ended: a failed batch). */
  private count = 0;
  /** Records gathered, the lone batch's included. */
  records = 0;

  /** Whether `watermark` replaced a watermark that was the last element gathered (see RemoteOutChannel.push). */
  replaceWatermark(watermark: Extract<StreamElement, { kind: "watermark" }>): boolean {
    const last = this.runs.length > 0 ? this.runs[this.runs.length - 1] : undefined;
    if (typeof last !== "object" || last.kind !== "watermark") return false;
    if (watermark.timestamp > last.timestamp) this.runs[this.runs.length - 1] = watermark;
    return true;
  }

  addElement(element: NonRecord): void {
    this.runs.push(element);
  }

  addBatch(batch: RecordBatch): void {
    const n = batch.values.length;
    this.runs.push(n); // an empty batch too: the consumer's credit counts every element pushed
    if (n === 0) return;
    if (this.records === 0) this.lone = batch;
    else {
      this.unlone();
      this.append(batch);
    }
    this.records += n;
  }

  /** Gives a router slot `slot` of `into` for up to `records` records: it writes from `count` on in the gathered arrays. */
  beginRecords(into: RouteTargets, slot: number, records: number): void {
    this.unlone();
    this.reserve(records);
    into.values[slot] = this.values;
    into.timestamps[slot] = this.timestamps;
    into.at[slot] = this.count;
  }

  /** What the router wrote since `beginRecords`: one more run (none if it wrote nothing). Returns how many records. */
  endRecords(from: RouteTargets, slot: number): number {
    const added = (from.at[slot] as number) - this.count;
    if (added <= 0) return 0;
    this.runs.push(added);
    this.count += added;
    this.records += added;
    return added;
  }

  /** Everything gathered since the last take (undefined if nothing), the gatherer empty again. */
  take(): { batch: OutgoingBatch | undefined; runs: Run[] } | undefined {
    const runs = this.runs;
    if (runs.length === 0) return undefined;
    let batch: OutgoingBatch | undefined = this.lone;
    if (this.count > 0) {
      const values = this.values;
      // Writes past `count` (a batch whose routing failed) are cut off with the allocated slack.
      values.length = this.count;
      batch = { values, timestamps: this.timestamps.subarray(0, this.count) };
      this.values = new Array<unknown>(Math.min(MAX_PRESIZED, Math.max(MIN_EXPECTED, this.count)));
    }
    this.runs = [];
    this.lone = undefined;
    this.count = 0;
    this.records = 0;
    return { batch, runs };
  }

  /** The lone batch, copied into the arrays: records are about to be added after it. */
  private unlone(): void {
    const lone = this.lone;
    if (lone === undefined) return;
    this.lone = undefined;
    this.append(lone);
  }

  /** Room for `records` more: `values` long enough (a router writes only within its length, see keyRouteLoop.ts), `timestamps` large enough. */
  private reserve(records: number): void {
    const need = this.count + records;
    if (this.values.length < need) this.values.length = need;
    if (need <= this.timestamps.length) return;
    const grown = new Float64Array(Math.max(need, 2 * this.timestamps.length));
    grown.set(this.timestamps.subarray(0, this.count));
    this.timestamps = grown;
  }

  private append(batch: RecordBatch): void {
    const { values: v, timestamps: t } = batch;
    this.reserve(v.length);
    const values = this.values;
    const timestamps = this.timestamps;
    let at = this.count;
    for (let i = 0; i < v.length; i++, at++) {
      values[at] = v[i];
      timestamps[at] = t[i] as number;
    }
    this.count = at;
  }
}
