/** User-facing message texts, kept together so wording stays consistent across the engine. */
import { describeValue, type ErrorContext } from "./errors.js";

export function where(ctx: ErrorContext): string {
  const parts: string[] = [];
  if (ctx.job !== undefined) parts.push(`job '${ctx.job}'`);
  if (ctx.operator !== undefined) parts.push(`operator '${ctx.operator}'${ctx.subtask !== undefined ? ` (subtask ${ctx.subtask})` : ""}`);
  if (ctx.source !== undefined) parts.push(`source ${ctx.source}${ctx.line !== undefined ? ` line ${ctx.line}` : ""}${ctx.offset !== undefined ? ` offset ${ctx.offset}` : ""}`);
  if (ctx.key !== undefined) parts.push(`key ${describeValue(ctx.key, 80)}`);
  return parts.join(", ");
}

export const messages = {
  userFunctionFailed: (ctx: ErrorContext, cause: unknown) =>
    `User function failed in ${where(ctx)}: ${cause instanceof Error ? cause.message : String(cause)}` + (ctx.record !== undefined ? `\n  record: ${describeValue(ctx.record)}` : ""),
  missingTimestamp: (ctx: ErrorContext, fix?: string) =>
    `Record has no event timestamp in ${where(ctx)}. ` +
    (fix ??
      `Use fromSource(source, WatermarkStrategy...withTimestampAssigner(...)) ` +
        `or stream.assignTimestampsAndWatermarks(...) before an event-time window, join, CEP pattern or timer, or run that operator in processing time (a CEP pattern's inProcessingTime()).`) +
    (ctx.record !== undefined ? `\n  record: ${describeValue(ctx.record)}` : ""),
  parseFailed: (ctx: ErrorContext, reason: string) => `Cannot parse record in ${where(ctx)}: ${reason}`,
  sourceFailed: (ctx: ErrorContext, cause: unknown) => `Source failed in ${where(ctx)}: ${cause instanceof Error ? cause.message : String(cause)}`,
  sinkFailed: (ctx: ErrorContext, cause: unknown) => `Sink failed in ${where(ctx)}: ${cause instanceof Error ? cause.message : String(cause)}`,
  windowNeverFires: (operator: string, what: string, sources: readonly string[], othersCarry: boolean) =>
    `'${operator}' (${what}) would never fire: ${list(sources)} ${sources.length > 1 ? "are unbounded and carry" : "is unbounded and carries"} no watermarks ` +
    `(no WatermarkStrategy in fromSource and no assignTimestampsAndWatermarks on the way)` +
    (othersCarry ? `, and an operator's watermark is the minimum over its inputs, so the inputs with watermarks cannot advance it` : "") +
    `. Give ${sources.length > 1 ? "them" : "it"} a strategy, e.g. fromSource(source, WatermarkStrategy.forBoundedOutOfOrderness(Time.seconds(5)).withTimestampAssigner((e) => e.ts)), ` +
    `or use WatermarkStrategy.noWatermarks() to fire only on job.stop({ drain: true }).`,
  windowFiresAtEndOnly: (operator: string, what: string, sources: readonly string[], othersCarry: boolean) =>
    `'${operator}' (${what}) fires only when ${list(sources)} ${sources.length > 1 ? "end" : "ends"}: ` +
    (othersCarry
      ? `${sources.length > 1 ? "they carry" : "it carries"} no watermarks and holds back the others' (an operator's watermark is the minimum over its inputs).`
      : `no input carries watermarks, so every window fires at once at the end of input.`) +
    ` Add a WatermarkStrategy to fromSource (or assignTimestampsAndWatermarks) for results as event time advances.`,
  stateOutsideKey: (name: string) => `State '${name}' was used outside a keyed context; keyed state is only available in functions applied after keyBy().`,
} as const;

/** `source 'a'`, `sources 'a' and 'b'`, `sources 'a', 'b' and 'c'`. */
function list(sources: readonly string[]): string {
  const quoted = sources.map((s) => `'${s}'`);
  if (quoted.length === 1) return `source ${quoted[0]}`;
  return `sources ${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}
