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
    `User function failed in ${where(ctx)}: ${cause instanceof Error ? cause.message : String(cause)}` +
    (ctx.record !== undefined ? `\n  record: ${describeValue(ctx.record)}` : ""),
  missingTimestamp: (ctx: ErrorContext) =>
    `Record has no event timestamp in ${where(ctx)}. Use fromSource(source, WatermarkStrategy...withTimestampAssigner(...)) ` +
    `or stream.assignTimestampsAndWatermarks(...) before an event-time window or timer.` +
    (ctx.record !== undefined ? `\n  record: ${describeValue(ctx.record)}` : ""),
  parseFailed: (ctx: ErrorContext, reason: string) => `Cannot parse record in ${where(ctx)}: ${reason}`,
  sourceFailed: (ctx: ErrorContext, cause: unknown) =>
    `Source failed in ${where(ctx)}: ${cause instanceof Error ? cause.message : String(cause)}`,
  sinkFailed: (ctx: ErrorContext, cause: unknown) =>
    `Sink failed in ${where(ctx)}: ${cause instanceof Error ? cause.message : String(cause)}`,
  stateOutsideKey: (name: string) =>
    `State '${name}' was used outside a keyed context; keyed state is only available in functions applied after keyBy().`,
} as const;
