import type { EventId } from "./AfterMatchSkipStrategy.js";
import { originalName } from "./compiler.js";

/**
 * The matcher's shared buffer for one key (the structure of Flink CEP's SharedBuffer): every event
 * taken by some partial match is stored once; partial matches are paths of nodes linked by edges
 * labelled with Dewey version numbers, so matches that share a prefix share its nodes. Nodes, edges and
 * events are reference counted and removed once no partial match needs them.
 *
 * Plain data (arrays, Maps, numbers) so it lives in keyed state and checkpoints as is.
 */

/** A Dewey number, e.g. [1, 0, 2]: identifies a run (branch) of the NFA. */
export type Dewey = number[];

/** `a` may follow an edge labelled `b`: `b` is a prefix of `a`, or same length, same stem, last digit >=. */
export function isCompatible(a: Dewey, b: Dewey): boolean {
  if (a.length > b.length) {
    for (let i = 0; i < b.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }
  if (a.length < b.length) return false;
  const last = a.length - 1;
  for (let i = 0; i < last; i++) if (a[i] !== b[i]) return false;
  return a[last]! >= b[last]!;
}

export function increase(d: Dewey, by = 1): Dewey {
  const out = d.slice();
  out[out.length - 1] = out[out.length - 1]! + by;
  return out;
}

export function addStage(d: Dewey): Dewey {
  return [...d, 0];
}

export interface Edge {
  target: string | null;
  version: Dewey;
  locks: number;
}

export interface BufferNode {
  event: EventId;
  page: string;
  edges: Edge[];
  locks: number;
}

export interface BufferState<T> {
  nodes: Map<string, BufferNode>;
  events: Map<string, { value: T; locks: number }>;
  /** Next event number per timestamp. */
  counts: Map<number, number>;
}

export function emptyBuffer<T>(): BufferState<T> {
  return { nodes: new Map(), events: new Map(), counts: new Map() };
}

const eventKey = (id: EventId) => `${id[0]}#${id[1]}`;

export class SharedBuffer<T> {
  constructor(readonly state: BufferState<T>) {}

  isEmpty(): boolean {
    return this.state.events.size === 0;
  }

  /** Stores an event about to be processed; it holds one lock until `releaseEvent`. */
  registerEvent(value: T, timestamp: number): EventId {
    const id = this.state.counts.get(timestamp) ?? 0;
    this.state.counts.set(timestamp, id + 1);
    const eid: EventId = [timestamp, id];
    this.state.events.set(eventKey(eid), { value, locks: 1 });
    return eid;
  }

  /** Event numbers of timestamps before `timestamp` are no longer needed: events arrive in time order. */
  advanceTime(timestamp: number): void {
    for (const ts of this.state.counts.keys()) if (ts < timestamp) this.state.counts.delete(ts);
  }

  event(id: EventId): T {
    const e = this.state.events.get(eventKey(id));
    if (e === undefined) throw new Error(`CEP shared buffer: event ${eventKey(id)} is missing`);
    return e.value;
  }

  releaseEvent(id: EventId): void {
    const k = eventKey(id);
    const e = this.state.events.get(k);
    if (e === undefined) return;
    if (--e.locks <= 0) this.state.events.delete(k);
  }

  /** Adds `event` under the state's pattern name, linked to `previous`; returns the node id. */
  put(stateName: string, event: EventId, previous: string | null, version: Dewey): string {
    if (previous !== null) this.lockNode(previous, version);
    const page = originalName(stateName);
    const id = `${eventKey(event)}#${page}`;
    let node = this.state.nodes.get(id);
    if (node === undefined) {
      node = { event, page, edges: [], locks: 0 };
      this.state.nodes.set(id, node);
      const e = this.state.events.get(eventKey(event));
      if (e !== undefined) e.locks++;
    }
    node.edges.push({ target: previous, version, locks: 0 });
    return id;
  }

  lockNode(id: string | null, version: Dewey): void {
    if (id === null) return;
    const node = this.state.nodes.get(id);
    if (node === undefined) return;
    node.locks++;
    for (const e of node.edges) if (isCompatible(version, e.version)) e.locks++;
  }

  /** Releases a partial match's hold on its path; nodes and events nobody holds go away. */
  releaseNode(id: string | null, version: Dewey): void {
    if (id === null) return;
    const nodes: string[] = [id];
    const versions: Dewey[] = [version];
    while (nodes.length > 0) {
      const current = nodes.pop()!;
      const node = this.state.nodes.get(current);
      if (node === undefined) break;
      const v = versions.pop()!;
      node.edges = node.edges.filter((e) => {
        if (!isCompatible(v, e.version) || --e.locks > 0) return true;
        if (e.target !== null) {
          nodes.push(e.target);
          versions.push(e.version);
        }
        return false;
      });
      if (--node.locks <= 0) {
        this.state.nodes.delete(current);
        this.releaseEvent(node.event);
      }
    }
  }

  /** Every path from `id` back to a match's first event that `version` may follow, in Flink's order. */
  extractPatterns(id: string | null, version: Dewey): Map<string, EventId[]>[] {
    const result: Map<string, EventId[]>[] = [];
    if (id === null || !this.state.nodes.has(id)) return result;
    const stack: { node: string | null; version: Dewey; path: string[] }[] = [{ node: id, version, path: [] }];
    while (stack.length > 0) {
      const { node, version: v, path } = stack.pop()!;
      if (node === null) {
        const match = new Map<string, EventId[]>();
        for (let i = path.length - 1; i >= 0; i--) {
          const n = this.state.nodes.get(path[i]!)!;
          let list = match.get(n.page);
          if (list === undefined) match.set(n.page, (list = []));
          list.push(n.event);
        }
        result.push(match);
        continue;
      }
      path.push(node);
      let first = true;
      for (const e of this.state.nodes.get(node)!.edges) {
        if (!isCompatible(v, e.version)) continue;
        const next = first ? path : path.slice();
        first = false;
        stack.push({ node: e.target !== null && this.state.nodes.has(e.target) ? e.target : null, version: e.version, path: next });
      }
    }
    return result;
  }

  materialize(match: Map<string, EventId[]> | undefined): Map<string, T[]> {
    const out = new Map<string, T[]>();
    if (match === undefined) return out;
    for (const [name, ids] of match)
      out.set(
        name,
        ids.map((i) => this.event(i)),
      );
    return out;
  }
}
