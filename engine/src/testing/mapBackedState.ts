/**
 * For unit tests of a keyed function alone (one key, no runtime): `getMapState` backed by plain maps,
 * which the test then reads (`maps.get(name)`) to see what the function keeps or frees.
 */
export function mapBackedStates(): { maps: Map<string, Map<unknown, unknown>>; getMapState: (name: string) => unknown } {
  const maps = new Map<string, Map<unknown, unknown>>();
  const getMapState = (name: string) => {
    const m = maps.get(name) ?? new Map<unknown, unknown>();
    maps.set(name, m);
    return {
      get: (k: unknown) => m.get(k),
      put: (k: unknown, v: unknown) => void m.set(k, v),
      has: (k: unknown) => m.has(k),
      remove: (k: unknown) => void m.delete(k),
      entries: () => m.entries(),
      keys: () => m.keys(),
      values: () => m.values(),
      isEmpty: () => m.size === 0,
      clear: () => m.clear(),
    };
  };
  return { maps, getMapState };
}
