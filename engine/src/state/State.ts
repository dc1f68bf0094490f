/**
 * Keyed state handles. A handle is obtained once (in `open()`) and always reads and writes the entry
 * of the key currently being processed, like Flink's ValueState/ListState/MapState.
 *
 * @example
 * keyed.process({
 *   count: undefined as ValueState<number> | undefined,
 *   open(rc) { this.count = rc.getState<number>("count", 0); },
 *   processElement(v, ctx, out) { const c = this.count!.value()! + 1; this.count!.update(c); out.collect(c); },
 * })
 */
export interface ValueState<T> {
  /** The value for the current key, or the default (undefined if none was given). */
  value(): T | undefined;
  update(value: T): void;
  clear(): void;
}

export interface ListState<T> {
  /** A copy-free view of the list for the current key (empty if none). Do not modify it. */
  get(): readonly T[];
  add(value: T): void;
  addAll(values: Iterable<T>): void;
  update(values: Iterable<T>): void;
  clear(): void;
}

export interface MapState<K, V> {
  get(key: K): V | undefined;
  put(key: K, value: V): void;
  has(key: K): boolean;
  remove(key: K): void;
  entries(): IterableIterator<[K, V]>;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  isEmpty(): boolean;
  clear(): void;
}

/** Where keyed state is declared: passed to `open()` of keyed process functions. */
export interface KeyedStateAccess {
  getState<T>(name: string, defaultValue?: T): ValueState<T>;
  getListState<T>(name: string): ListState<T>;
  getMapState<K, V>(name: string): MapState<K, V>;
}
