import type { ConnectorStatus } from "./KafkaClient.js";
import { errorMessage } from "./errors.js";

export interface BackoffOptions {
  /** First wait after a failure. Default 200 ms. */
  initialMs?: number;
  /** Longest wait between attempts. Default 5 s. */
  maxMs?: number;
  /** Give up after this many consecutive failures. Default: never (a broker may come back any time). */
  maxAttempts?: number;
}

/** Wait before attempt `attempt` (1-based count of failures so far): doubling, capped. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 200;
  const max = options.maxMs ?? 5_000;
  return Math.min(max, initial * 2 ** Math.max(0, attempt - 1));
}

/**
 * Holds one connector subtask's `ConnectorStatus` and tells a listener when it changes, so a job
 * (or a notebook cell) can show "retrying: connection refused" instead of looking stuck.
 */
export class StatusTracker {
  private current: ConnectorStatus;
  constructor(
    private readonly now: () => number,
    private readonly listener?: (status: ConnectorStatus) => void,
  ) {
    this.current = { state: "connecting", attempts: 0, since: now() };
  }

  get status(): ConnectorStatus {
    return { ...this.current };
  }

  set(next: Omit<ConnectorStatus, "since">): void {
    const changed = next.state !== this.current.state || next.attempts !== this.current.attempts || next.lastError !== this.current.lastError;
    if (!changed) return;
    const since = next.state === this.current.state ? this.current.since : this.now();
    this.current = { ...next, since };
    if (next.lastError === undefined) delete this.current.lastError;
    this.listener?.(this.status);
  }
}

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs `attempt` until it succeeds, waiting with exponential backoff between failures and keeping
 * `status` (if given) up to date ("retrying" with the last error, then "running"). Errors for which
 * `isRetriable` says false, and the last one after `maxAttempts`, are rethrown (status "failed").
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: { status?: StatusTracker; backoff?: BackoffOptions; sleep?: Sleep; isRetriable?: (error: unknown) => boolean; isClosed?: () => boolean },
): Promise<T> {
  const sleep = options.sleep ?? realSleep;
  const maxAttempts = options.backoff?.maxAttempts ?? Number.POSITIVE_INFINITY;
  for (let failures = 0; ; ) {
    try {
      const result = await attempt();
      options.status?.set({ state: "running", attempts: 0 });
      return result;
    } catch (error) {
      failures++;
      const retriable = options.isRetriable?.(error) ?? true;
      if (!retriable || failures >= maxAttempts || options.isClosed?.() === true) {
        options.status?.set({ state: "failed", attempts: failures, lastError: errorMessage(error) });
        throw error;
      }
      options.status?.set({ state: "retrying", attempts: failures, lastError: errorMessage(error) });
      await sleep(backoffDelay(failures, options.backoff));
    }
  }
}
