import { ApiUsageError } from "../../errors/errors.js";
import type { Duration } from "../../time/Time.js";

/**
 * What a job does when it fails, as Flink's restart strategies (`restart-strategy.type`): restart
 * from its latest completed checkpoint after a delay, or give up. Build one with `RestartStrategies`.
 */
export type RestartStrategyConfiguration =
  | { type: "none" }
  | { type: "fixed-delay"; attempts: number; delay: Duration }
  | {
      type: "exponential-delay";
      initialBackoff: Duration;
      maxBackoff: Duration;
      backoffMultiplier: number;
      /** Running this long without a failure resets the backoff (and the attempt count) to the start. */
      resetBackoffThreshold: Duration;
      /** Each delay is moved by up to ± this fraction of itself at random, so jobs do not restart in lockstep. */
      jitterFactor: number;
      /** Restarts before the job fails, counted since the last reset. */
      attemptsBeforeResetBackoff: number;
    }
  | { type: "failure-rate"; maxFailuresPerInterval: number; failureRateInterval: Duration; delay: Duration };

type ExponentialDelay = Extract<RestartStrategyConfiguration, { type: "exponential-delay" }>;

/** Flink ≥ 1.19's defaults for `exponential-delay` (FLIP-364), the default strategy when checkpointing is on. */
export const EXPONENTIAL_DELAY_DEFAULTS: Omit<ExponentialDelay, "type"> = {
  initialBackoff: 1_000,
  maxBackoff: 60_000,
  backoffMultiplier: 1.5,
  resetBackoffThreshold: 3_600_000,
  jitterFactor: 0.1,
  attemptsBeforeResetBackoff: Number.POSITIVE_INFINITY,
};

/**
 * The strategy of a job that sets none: none without checkpointing; with it, exponential-delay with
 * Flink's delays but at most 10 restarts in a row (Flink: unlimited), so a job with a bug in a
 * notebook fails with its error after about two minutes of retries instead of restarting forever
 * while its cell waits. Ten in a row: an hour of running without a failure starts the count over.
 */
export function defaultRestartStrategy(checkpointing: boolean): RestartStrategyConfiguration {
  return checkpointing ? RestartStrategies.exponentialDelayRestart({ attemptsBeforeResetBackoff: DEFAULT_RESTART_ATTEMPTS }) : RestartStrategies.noRestart();
}

export const DEFAULT_RESTART_ATTEMPTS = 10;

/**
 * Flink's restart strategies by their Flink names. Without one, see `defaultRestartStrategy`.
 *
 * @example
 * env.setRestartStrategy(RestartStrategies.fixedDelayRestart(3, Time.seconds(10)));
 * env.setRestartStrategy(RestartStrategies.exponentialDelayRestart({ maxBackoff: Time.seconds(30) }));
 * env.setRestartStrategy(RestartStrategies.failureRateRestart(3, Time.minutes(5), Time.seconds(10)));
 * env.setRestartStrategy(RestartStrategies.noRestart());
 */
export const RestartStrategies = {
  noRestart: (): RestartStrategyConfiguration => ({ type: "none" }),

  /** Up to `attempts` restarts in the job's life, `delay` ms apart; then the job fails. */
  fixedDelayRestart(attempts: number, delay: Duration): RestartStrategyConfiguration {
    nonNegativeInteger("fixed-delay attempts", attempts);
    nonNegative("fixed-delay delay", delay);
    return { type: "fixed-delay", attempts, delay };
  },

  /**
   * Restarts after `initialBackoff`, multiplying the delay by `backoffMultiplier` after each failure
   * up to `maxBackoff`; after `resetBackoffThreshold` without a failure the delay starts over.
   */
  exponentialDelayRestart(options: Partial<Omit<ExponentialDelay, "type">> = {}): RestartStrategyConfiguration {
    const c: ExponentialDelay = { type: "exponential-delay", ...EXPONENTIAL_DELAY_DEFAULTS, ...options };
    nonNegative("exponential-delay initialBackoff", c.initialBackoff);
    if (!(c.maxBackoff >= c.initialBackoff)) throw new ApiUsageError(`exponential-delay maxBackoff must be >= initialBackoff (${c.initialBackoff}), got ${c.maxBackoff}`);
    if (!(c.backoffMultiplier >= 1)) throw new ApiUsageError(`exponential-delay backoffMultiplier must be >= 1, got ${c.backoffMultiplier}`);
    if (!(c.resetBackoffThreshold > 0)) throw new ApiUsageError(`exponential-delay resetBackoffThreshold must be > 0, got ${c.resetBackoffThreshold}`);
    if (!(c.jitterFactor >= 0 && c.jitterFactor <= 1)) throw new ApiUsageError(`exponential-delay jitterFactor must be in [0, 1], got ${c.jitterFactor}`);
    if (!(c.attemptsBeforeResetBackoff >= 1)) throw new ApiUsageError(`exponential-delay attemptsBeforeResetBackoff must be >= 1, got ${c.attemptsBeforeResetBackoff}`);
    return c;
  },

  /** Restarts `delay` ms after a failure, unless more than `maxFailuresPerInterval` failures fell within the last `failureRateInterval`. */
  failureRateRestart(maxFailuresPerInterval: number, failureRateInterval: Duration, delay: Duration): RestartStrategyConfiguration {
    nonNegativeInteger("failure-rate maxFailuresPerInterval", maxFailuresPerInterval);
    if (!(failureRateInterval > 0)) throw new ApiUsageError(`failure-rate failureRateInterval must be > 0, got ${failureRateInterval}`);
    nonNegative("failure-rate delay", delay);
    return { type: "failure-rate", maxFailuresPerInterval, failureRateInterval, delay };
  },
} as const;

function nonNegative(name: string, value: number): void {
  if (!(value >= 0) || !Number.isFinite(value)) throw new ApiUsageError(`${name} must be a finite number >= 0, got ${value}`);
}

function nonNegativeInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) throw new ApiUsageError(`${name} must be an integer >= 0, got ${value}`);
}

/**
 * One job's restart decisions (Flink's `RestartBackoffTimeStrategy`): told of each failure with the
 * processing time it happened at, it says whether to restart and after how long.
 */
export interface RestartBackoff {
  /** Records a failure at `now` (clock ms); call before `canRestart()` and `backoffTime()`. */
  notifyFailure(now: number): void;
  canRestart(): boolean;
  /** Milliseconds to wait before the restart. */
  backoffTime(): number;
  /** Restarts in a row the strategy allows before the job fails (shown as "3/10"); undefined when no fixed count applies (failure-rate, unlimited). */
  readonly maxAttempts: number | undefined;
}

/** The decisions of `config`; `random` is for the exponential jitter (tests pass a fixed one). */
export function createRestartBackoff(config: RestartStrategyConfiguration, random: () => number = Math.random): RestartBackoff {
  switch (config.type) {
    case "none":
      return { notifyFailure: () => undefined, canRestart: () => false, backoffTime: () => 0, maxAttempts: 0 };
    case "fixed-delay":
      return new FixedDelay(config.attempts, config.delay);
    case "failure-rate":
      return new FailureRate(config.maxFailuresPerInterval, config.failureRateInterval, config.delay);
    case "exponential-delay":
      return new ExponentialDelayBackoff(config, random);
  }
}

class FixedDelay implements RestartBackoff {
  private failures = 0;
  constructor(
    private readonly attempts: number,
    private readonly delay: number,
  ) {}
  get maxAttempts(): number {
    return this.attempts;
  }
  notifyFailure(): void {
    this.failures++;
  }
  canRestart(): boolean {
    return this.failures <= this.attempts;
  }
  backoffTime(): number {
    return this.delay;
  }
}

class FailureRate implements RestartBackoff {
  readonly maxAttempts = undefined;
  private readonly failures: number[] = [];
  constructor(
    private readonly max: number,
    private readonly interval: number,
    private readonly delay: number,
  ) {}
  notifyFailure(now: number): void {
    this.failures.push(now);
    // Only the failures of the last interval matter.
    while (this.failures.length > 0 && this.failures[0]! <= now - this.interval) this.failures.shift();
  }
  canRestart(): boolean {
    return this.failures.length <= this.max;
  }
  backoffTime(): number {
    return this.delay;
  }
}

/** As Flink's ExponentialDelayRestartBackoffTimeStrategy (1.19): attempts count since the last reset. */
class ExponentialDelayBackoff implements RestartBackoff {
  private current: number;
  private lastFailureAt: number | undefined;
  private attempts = 0;
  constructor(
    private readonly c: ExponentialDelay,
    private readonly random: () => number,
  ) {
    this.current = c.initialBackoff;
  }
  get maxAttempts(): number | undefined {
    return Number.isFinite(this.c.attemptsBeforeResetBackoff) ? this.c.attemptsBeforeResetBackoff : undefined;
  }
  notifyFailure(now: number): void {
    if (this.lastFailureAt !== undefined && now - this.lastFailureAt >= this.c.resetBackoffThreshold + this.current) {
      // Ran long enough without failing: start over.
      this.current = this.c.initialBackoff;
      this.attempts = 0;
    } else if (this.lastFailureAt !== undefined) {
      this.current = Math.min(this.current * this.c.backoffMultiplier, this.c.maxBackoff);
    }
    this.lastFailureAt = now;
    this.attempts++;
  }
  canRestart(): boolean {
    return this.attempts <= this.c.attemptsBeforeResetBackoff;
  }
  backoffTime(): number {
    const jitter = this.current * this.c.jitterFactor * (this.random() * 2 - 1);
    return Math.max(0, Math.min(this.c.maxBackoff, Math.round(this.current + jitter)));
  }
}
