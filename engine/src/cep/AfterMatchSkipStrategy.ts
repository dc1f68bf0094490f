import { ApiUsageError } from "../errors/errors.js";

/** An event's identity inside the matcher: its timestamp and its arrival number among events of that timestamp. */
export type EventId = readonly [timestamp: number, id: number];

export function compareEventIds(a: EventId, b: EventId): number {
  return a[0] !== b[0] ? (a[0] < b[0] ? -1 : 1) : a[1] - b[1];
}

type Kind = "noSkip" | "skipToNext" | "skipPastLastEvent" | "skipToFirst" | "skipToLast";

/**
 * Where matching resumes after a match (Flink CEP's AfterMatchSkipStrategy): partial matches that
 * started at or before the returned event are dropped.
 */
export class AfterMatchSkipStrategy {
  private constructor(
    readonly kind: Kind,
    /** The pattern name of `skipToFirst` / `skipToLast`. */
    readonly patternName: string | undefined,
    private readonly throwOnMiss = false,
  ) {}

  /** Every match is emitted; nothing is dropped. */
  static noSkip(): AfterMatchSkipStrategy {
    return new AfterMatchSkipStrategy("noSkip", undefined);
  }
  /** Drops partial matches that started with the match's first event. */
  static skipToNext(): AfterMatchSkipStrategy {
    return new AfterMatchSkipStrategy("skipToNext", undefined);
  }
  /** Drops partial matches that started at or before the match's last event. */
  static skipPastLastEvent(): AfterMatchSkipStrategy {
    return new AfterMatchSkipStrategy("skipPastLastEvent", undefined);
  }
  /** Drops partial matches that started before the first event matched by `name`. */
  static skipToFirst(name: string): AfterMatchSkipStrategy {
    return new AfterMatchSkipStrategy("skipToFirst", name);
  }
  /** Drops partial matches that started before the last event matched by `name`. */
  static skipToLast(name: string): AfterMatchSkipStrategy {
    return new AfterMatchSkipStrategy("skipToLast", name);
  }

  /** For `skipToFirst`/`skipToLast`: fail the job when a match has no event for the pattern name. */
  throwExceptionOnMiss(): AfterMatchSkipStrategy {
    if (this.patternName === undefined) throw new ApiUsageError(`${this.kind} has no pattern name to miss`);
    return new AfterMatchSkipStrategy(this.kind, this.patternName, true);
  }

  /** @internal Whether matches wait for earlier partial matches (every strategy but noSkip). */
  get isSkipStrategy(): boolean {
    return this.kind !== "noSkip";
  }

  /** @internal The event before which (or up to which) partial matches are dropped, over all paths of a match. */
  pruningId(paths: readonly Map<string, EventId[]>[]): EventId | undefined {
    let id: EventId | undefined;
    const max = (a: EventId | undefined, b: EventId) => (a === undefined || compareEventIds(b, a) > 0 ? b : a);
    const min = (a: EventId | undefined, b: EventId) => (a === undefined || compareEventIds(b, a) < 0 ? b : a);
    for (const path of paths) {
      switch (this.kind) {
        case "noSkip":
          return undefined;
        case "skipToNext":
          for (const events of path.values()) id = min(id, events[0]!);
          break;
        case "skipPastLastEvent":
          for (const events of path.values()) id = max(id, events[events.length - 1]!);
          break;
        default: {
          const events = path.get(this.patternName!);
          if (events === undefined || events.length === 0) {
            if (this.throwOnMiss) throw new ApiUsageError(`could not skip to ${this.patternName}: no such element in the match`);
          } else id = max(id, events[this.kind === "skipToFirst" ? 0 : events.length - 1]!);
          if (this.throwOnMiss && id !== undefined) {
            let first: EventId | undefined;
            for (const evs of path.values()) for (const e of evs) first = min(first, e);
            if (first !== undefined && compareEventIds(first, id) === 0) throw new ApiUsageError("could not skip to the first element of a match");
          }
        }
      }
    }
    return id;
  }

  /** @internal Whether a partial match starting with `start` is dropped given the pruning event. */
  shouldPrune(start: EventId, pruningId: EventId): boolean {
    const c = compareEventIds(start, pruningId);
    return this.kind === "skipToFirst" || this.kind === "skipToLast" ? c < 0 : c <= 0;
  }

  toString(): string {
    return this.patternName === undefined ? `${this.kind}()` : `${this.kind}(${this.patternName})`;
  }
}
