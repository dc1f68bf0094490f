// Recording and replay of live sources (re-exports only).
export { recorded, type RecordedSource, type RecordingOptions, type RecordingMode, type RecordingCodec, type RecordingRun } from "./recorded.js";
export { RecordingError } from "./errors.js";
export type { RecordingHeader, RecordingFooter, RecordingLimits, EndReason } from "./format.js";
