/**
 * Durations are plain milliseconds (`number`) everywhere in the engine; `Time` only makes them readable.
 *
 * @example
 * TumblingEventTimeWindows.of(Time.seconds(10))
 * WatermarkStrategy.forBoundedOutOfOrderness(Time.millis(500))
 */
export type Duration = number;

export const Time = {
  millis: (n: number): Duration => n,
  milliseconds: (n: number): Duration => n,
  seconds: (n: number): Duration => n * 1000,
  minutes: (n: number): Duration => n * 60_000,
  hours: (n: number): Duration => n * 3_600_000,
  days: (n: number): Duration => n * 86_400_000,
} as const;
