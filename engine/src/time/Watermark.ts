/**
 * A watermark `w` promises that no more records with timestamp `<= w` will arrive on that stream
 * (Flink's definition). Watermarks are plain numbers; these are the two ends of the range.
 */

/** Before any watermark: nothing is known yet. */
export const MIN_WATERMARK = Number.NEGATIVE_INFINITY;

/** End of a bounded stream: every event-time timer and window fires. */
export const MAX_WATERMARK = Number.POSITIVE_INFINITY;
