import { ApiUsageError } from "../errors/errors.js";
import { messages } from "../errors/messages.js";
import type { NormalizedKey } from "../graph/keys.js";
import type { KeyedStateAccess, ListState, MapState, ValueState } from "./State.js";

type Kind = "value" | "list" | "map";

interface Table {
  readonly kind: Kind;
  readonly entries: Map<NormalizedKey, unknown>;
}

/** Serialized form: per state, [normalized key, value] pairs (maps as entry arrays). JSON-friendly. */
export interface KeyedStateSnapshot {
  keys: [NormalizedKey, unknown][];
  tables: { name: string; kind: Kind; entries: [NormalizedKey, unknown][] }[];
}

/**
 * Heap state of one keyed operator subtask: one table per declared state, each keyed by the normalized
 * key. The operator sets the current key before calling user code; handles read through it.
 * Checkpointed state.
 */
export class KeyedStateStore implements KeyedStateAccess {
  private readonly tables = new Map<string, Table>();
  /** Original key per normalized key where they differ (dates, composites), so snapshots restore what users saw. */
  private readonly keys = new Map<NormalizedKey, unknown>();
  private currentNorm: NormalizedKey = undefined;
  private hasCurrent = false;

  setCurrentKey(key: unknown, normKey: NormalizedKey): void {
    this.currentNorm = normKey;
    this.hasCurrent = true;
    // A primitive key is its own normalized key: only the others are remembered (a lookup per record saved).
    if (key !== normKey && !this.keys.has(normKey)) this.keys.set(normKey, key);
  }

  clearCurrentKey(): void {
    this.hasCurrent = false;
  }

  private table(name: string, kind: Kind): Table {
    let table = this.tables.get(name);
    if (table === undefined) {
      table = { kind, entries: new Map() };
      this.tables.set(name, table);
    } else if (table.kind !== kind) {
      throw new ApiUsageError(`State '${name}' was declared as ${table.kind} state and cannot also be ${kind} state`);
    }
    return table;
  }

  private key(name: string): NormalizedKey {
    if (!this.hasCurrent) throw new ApiUsageError(messages.stateOutsideKey(name));
    return this.currentNorm;
  }

  getState<T>(name: string, defaultValue?: T): ValueState<T> {
    const { entries } = this.table(name, "value");
    return {
      value: () => {
        const k = this.key(name);
        // One lookup when there is a value (a second only to tell a stored `undefined` from none).
        const v = entries.get(k);
        return v !== undefined || entries.has(k) ? (v as T) : defaultValue;
      },
      update: (value) => void entries.set(this.key(name), value),
      clear: () => void entries.delete(this.key(name)),
    };
  }

  getListState<T>(name: string): ListState<T> {
    const { entries } = this.table(name, "list");
    const list = (create: boolean): T[] | undefined => {
      const k = this.key(name);
      let l = entries.get(k) as T[] | undefined;
      if (l === undefined && create) {
        l = [];
        entries.set(k, l);
      }
      return l;
    };
    return {
      get: () => list(false) ?? [],
      add: (value) => void list(true)!.push(value),
      addAll: (values) => {
        // A loop, not push(...values): the spread copied the values into an arguments list per call
        // (~100 bytes per bid in nexmark q4's join, which appends each bid's values to its key's list).
        const l = list(true)!;
        if (Array.isArray(values)) for (let i = 0; i < values.length; i++) l.push(values[i] as T);
        else for (const v of values) l.push(v);
      },
      update: (values) => void entries.set(this.key(name), [...values]),
      clear: () => void entries.delete(this.key(name)),
    };
  }

  getMapState<K, V>(name: string): MapState<K, V> {
    const { entries } = this.table(name, "map");
    const map = (create: boolean): Map<K, V> | undefined => {
      const k = this.key(name);
      let m = entries.get(k) as Map<K, V> | undefined;
      if (m === undefined && create) {
        m = new Map();
        entries.set(k, m);
      }
      return m;
    };
    const empty = new Map<K, V>();
    return {
      get: (key) => map(false)?.get(key),
      put: (key, value) => void map(true)!.set(key, value),
      has: (key) => map(false)?.has(key) ?? false,
      remove: (key) => {
        const m = map(false);
        m?.delete(key);
        if (m !== undefined && m.size === 0) entries.delete(this.key(name));
      },
      entries: () => (map(false) ?? empty).entries(),
      keys: () => (map(false) ?? empty).keys(),
      values: () => (map(false) ?? empty).values(),
      isEmpty: () => (map(false)?.size ?? 0) === 0,
      clear: () => void entries.delete(this.key(name)),
    };
  }

  /** Number of keys with at least one non-empty state entry. */
  keyCount(): number {
    const live = new Set<NormalizedKey>();
    for (const table of this.tables.values()) for (const k of table.entries.keys()) live.add(k);
    return live.size;
  }

  snapshot(): KeyedStateSnapshot {
    const tables = [...this.tables].map(([name, table]) => ({
      name,
      kind: table.kind,
      entries: [...table.entries].map(([k, v]): [NormalizedKey, unknown] => [k, table.kind === "map" ? [...(v as Map<unknown, unknown>)] : table.kind === "list" ? [...(v as unknown[])] : v]),
    }));
    const used = new Set(tables.flatMap((t) => t.entries.map(([k]) => k)));
    return { keys: [...used].map((k): [NormalizedKey, unknown] => [k, this.keys.has(k) ? this.keys.get(k) : k]), tables };
  }

  /** Adds the entries of `snapshot` for which `accept(normalizedKey)` holds (the key groups of this subtask). */
  restore(snapshot: KeyedStateSnapshot, accept: (normKey: NormalizedKey) => boolean = () => true): void {
    for (const [k, key] of snapshot.keys) if (accept(k)) this.keys.set(k, key);
    for (const t of snapshot.tables) {
      const table = this.table(t.name, t.kind);
      for (const [k, v] of t.entries) {
        if (!accept(k)) continue;
        table.entries.set(k, t.kind === "map" ? new Map(v as [unknown, unknown][]) : t.kind === "list" ? [...(v as unknown[])] : v);
      }
    }
  }
}
