/**
 * The nexmark repository's `nexmark` table connector (nexmark-flink `NexmarkTableSourceFactory`, option
 * keys of `NexmarkSourceOptions`), so nexmark's own ddl_gen.sql runs unchanged: the physical columns
 * `event_type INT` and the ROW columns `person`, `auction`, `bid` (only the one `event_type` names is
 * non-null), over the engine's Nexmark generator — the same events as `Nexmark.source()` (same seed),
 * and as the Java twin bench/nexmark/flink feeds Flink with.
 */
import { Nexmark, type NexmarkConfig, type NexmarkEvent } from "../../connectors/nexmark/index.js";
import type { Column, TableEntry } from "../catalog.js";
import { StreamSqlError } from "../errors.js";
import type { RecordSource } from "../scan/recordScan.js";
import { isNexmarkEventTime } from "./nexmarkRowtime.js";

/** NexmarkSourceOptions' keys (all optional there too). */
export const NEXMARK_OPTIONS =
  /^(connector|rate\.shape|rate\.period|rate\.limited|first-event\.rate|next-event\.rate|(person|auction|bid)\.avg-size|(person|auction|bid)\.proportion|bid\.hot-ratio\.(auctions|bidders)|auction\.hot-ratio\.sellers|events\.num|keep-alive|stop-at|max-emit-speed)$/;

/** Fields of each ROW column, as nexmark's model (and ddl_gen.sql) names them. */
const MODEL_FIELDS: Record<string, { tag: NexmarkEvent["type"]; fields: string[] }> = {
  person: { tag: "person", fields: ["id", "name", "emailAddress", "creditCard", "city", "state", "dateTime", "extra"] },
  auction: { tag: "auction", fields: ["id", "itemName", "description", "initialBid", "reserve", "dateTime", "expires", "seller", "category", "extra"] },
  bid: { tag: "bid", fields: ["auction", "bidder", "price", "channel", "url", "dateTime", "extra"] },
};
const EVENT_TYPE: Record<NexmarkEvent["type"], number> = { person: 0, auction: 1, bid: 2 };

/**
 * The table's records: nexmark's events as the generator makes them (the planner reads the columns it
 * needs straight from them, scan/recordScan.ts, instead of a row of all columns per event).
 */
export function nexmarkRecords(table: TableEntry): RecordSource {
  const { config, count, rate } = nexmarkConfig(table);
  return {
    source: Nexmark.source({ ...config, count, rate }),
    bounded: Number.isFinite(count),
    columnCode: (c) => columnCode(table.name, c),
    // The source stamps each event with its own time (Nexmark.source's timestamps): ddl_gen.sql's rowtime is that.
    isOwnTimestamp: (expr) => isNexmarkEventTime(table, expr),
  };
}

/** The generator settings, event count and processing-time rate the options ask for, with NexmarkSourceOptions' defaults. */
export function nexmarkConfig(table: TableEntry): { config: Partial<NexmarkConfig>; count: number; rate: number } {
  const o = table.options;
  const int = (key: string, fallback: number): number => {
    const v = o[key];
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n)) throw new StreamSqlError("validation", `Could not parse value '${v}' for key '${key}' (an integer) of table ${table.name}`, undefined, key);
    return n;
  };
  const bool = (key: string): boolean => {
    const v = (o[key] ?? "false").toLowerCase();
    if (v !== "true" && v !== "false") throw new StreamSqlError("validation", `Could not parse value '${o[key]}' for key '${key}' (true or false)`, undefined, key);
    return v === "true";
  };
  const first = int("first-event.rate", 10000);
  const next = int("next-event.rate", 10000);
  // Nexmark's rate shape only matters when the two rates differ; Sluice's generator has one rate.
  if (first !== next) throw new StreamSqlError("unsupported", `nexmark: 'next-event.rate' different from 'first-event.rate' is not supported yet (${next} vs ${first})`, undefined, "next-event.rate");
  if (bool("keep-alive")) throw new StreamSqlError("unsupported", "nexmark: 'keep-alive' = 'true' is not supported yet", undefined, "keep-alive");
  const eventsNum = int("events.num", 0);
  const stopAt = int("stop-at", -1);
  let count = eventsNum > 0 ? eventsNum : Number.POSITIVE_INFINITY;
  if (stopAt >= 0) count = Math.min(count, stopAt);
  const config: Partial<NexmarkConfig> = {
    eventsPerSecond: first,
    personProportion: int("person.proportion", 1),
    auctionProportion: int("auction.proportion", 3),
    bidProportion: int("bid.proportion", 46),
    avgPersonByteSize: bytes(o["person.avg-size"] ?? "200b", "person.avg-size"),
    avgAuctionByteSize: bytes(o["auction.avg-size"] ?? "500b", "auction.avg-size"),
    avgBidByteSize: bytes(o["bid.avg-size"] ?? "100b", "bid.avg-size"),
    hotAuctionRatio: int("bid.hot-ratio.auctions", 2),
    hotBiddersRatio: int("bid.hot-ratio.bidders", 4),
    hotSellersRatio: int("auction.hot-ratio.sellers", 4),
  };
  // Nexmark emits as fast as it can unless 'rate.limited' (then at first-event.rate per second of processing time).
  return { config, count, rate: bool("rate.limited") ? first : Number.POSITIVE_INFINITY };
}

/** Flink's MemorySize text ("200b", "1kb", "2 mb"). */
function bytes(text: string, key: string): number {
  const m = /^\s*(\d+)\s*(b|bytes?|k|kb|kibibytes?|m|mb|mebibytes?)?\s*$/i.exec(text);
  if (!m) throw new StreamSqlError("validation", `Could not parse value '${text}' for key '${key}' (a memory size such as '200b')`, undefined, key);
  const unit = (m[2] ?? "b").toLowerCase()[0];
  return Number(m[1]) * (unit === "k" ? 1024 : unit === "m" ? 1024 * 1024 : 1);
}

/**
 * Column `c` of the event `r`, as code: `event_type` by the event's type, a ROW column the event
 * itself when it is of that column's type (else NULL).
 */
function columnCode(tableName: string, c: Column): string {
  if (c.name.toLowerCase() === "event_type") return `(r.type === "bid" ? ${EVENT_TYPE.bid} : r.type === "auction" ? ${EVENT_TYPE.auction} : ${EVENT_TYPE.person})`;
  const model = MODEL_FIELDS[c.name.toLowerCase()];
  if (!model || c.type.name !== "ROW")
    throw new StreamSqlError("validation", `nexmark table ${tableName}: column ${c.name} is not one of nexmark's (event_type INT, person ROW<…>, auction ROW<…>, bid ROW<…>)`, undefined, c.name);
  const fields = (c.type.fields ?? []).map((f) => {
    const name = model.fields.find((m) => m.toLowerCase() === f.name.toLowerCase());
    if (!name) throw new StreamSqlError("validation", `nexmark table ${tableName}: ${c.name} has no field ${f.name} (${model.fields.join(", ")})`, undefined, f.name);
    return { declared: f.name, name };
  });
  // A ROW value is an object of its declared field names (rows/rowType.ts): the event itself when they are the model's.
  const value = fields.every((f) => f.declared === f.name) ? "r" : `{ ${fields.map((f) => `${JSON.stringify(f.declared)}: r.${f.name}`).join(", ")} }`;
  return `(r.type === ${JSON.stringify(model.tag)} ? ${value} : null)`;
}
