import type { MessagePort } from "node:worker_threads";
import type { BatchCodec, BatchDecoder, BatchEncoder } from "../../exchange/BatchCodec.js";
import { edgeDecoder, edgeEncoder, rowTypeOf } from "../../exchange/edgeCodec.js";
import type { PlanEdge } from "../../graph/JobPlan.js";
import { Channel } from "../Channel.js";
import type { StreamElement } from "../StreamElement.js";
import type { DataMessage, WireElement } from "./protocol.js";

/** How an edge is named in errors and `workerStats().edges`. */
export function edgeName(edge: PlanEdge): string {
  return `${edge.from.name} -> ${edge.to.name} (${edge.partitioning.kind})`;
}

/** Which way `edge`'s batches cross threads: the job's codec with the row type its producer declared, or with the type its records show (`inferred`; a side output, a TypeScript job), or by clone. */
export function edgeCodecKind(edge: PlanEdge, codec: BatchCodec): "columnar" | "inferred" | "clone" {
  return edgeEncoder(codec, edge.tag === undefined ? rowTypeOf(edge.from.node) : undefined, edge.from.name, edgeName(edge)).codec;
}

/**
 * This thread's ends of the data ports to the other threads of one job, and the remote channels
 * on them. A message port keeps the order of what is posted on it, so records, watermarks, idleness,
 * barriers and the end stay in order per channel, as in a local `Channel`.
 */
export class DataPorts {
  private readonly inbound = new Map<string, RemoteInChannel>();
  private readonly outbound = new Map<string, RemoteOutChannel>();

  constructor(
    private readonly ports: ReadonlyMap<number, MessagePort>,
    private readonly codec: BatchCodec,
    /** Wakes this thread's scheduler: input arrived, or credit that lets a producer run. */
    private readonly notify: () => void,
    /** A message this thread could not take (a decode failure): fails the job. */
    private readonly fail: (error: unknown) => void,
  ) {
    for (const port of ports.values()) {
      port.on("message", (message: DataMessage) => this.receive(message));
    }
  }

  /** The producer's end of channel `key` to the thread at `location`. */
  outTo(location: number, key: string, capacity: number, maxElements: number, edge: PlanEdge): Channel {
    const schema = edge.tag === undefined ? rowTypeOf(edge.from.node) : undefined;
    const { encoder } = edgeEncoder(this.codec, schema, edge.from.name, `${edgeName(edge)} channel ${key}`);
    const channel = new RemoteOutChannel(capacity, maxElements, key, this.port(location), encoder);
    this.outbound.set(key, channel);
    return channel;
  }

  /** The consumer's end of channel `key` from the thread at `location`. */
  inFrom(location: number, key: string, capacity: number, maxElements: number): Channel {
    const channel = new RemoteInChannel(capacity, maxElements, key, this.port(location), edgeDecoder(this.codec));
    this.inbound.set(key, channel);
    return channel;
  }

  close(): void {
    for (const port of this.ports.values()) port.close();
  }

  private port(location: number): MessagePort {
    const port = this.ports.get(location);
    if (port === undefined) throw new Error(`no data port to thread ${location}`);
    return port;
  }

  private receive(message: DataMessage): void {
    try {
      if ("c" in message) this.inbound.get(message.c)!.deliver(message.e);
      else this.outbound.get(message.k)!.credit(message.records, message.elements);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.notify();
  }
}

/**
 * The producer's end: what is pushed is posted at once (record batches encoded, their buffers
 * transferred). It has room while the consumer has not been sent more than `capacity` records (or
 * `maxElements` elements) it has not yet taken: credit-based back-pressure, as Flink's network stack.
 */
class RemoteOutChannel extends Channel {
  private inFlightRecords = 0;
  private inFlightElements = 0;

  constructor(
    capacity: number,
    maxElements: number,
    private readonly key: string,
    private readonly port: MessagePort,
    private readonly encoder: BatchEncoder,
  ) {
    super(capacity, maxElements);
  }

  override get hasRoom(): boolean {
    return this.inFlightRecords < this.capacity && this.inFlightElements < this.maxElements;
  }

  override push(element: StreamElement): void {
    this.inFlightElements++;
    if (element.kind !== "records") {
      this.port.postMessage({ c: this.key, e: element } satisfies DataMessage);
      return;
    }
    this.inFlightRecords += element.batch.values.length;
    const encoded = this.encoder.encode(element.batch);
    this.port.postMessage({ c: this.key, e: { kind: "records", encoded } } satisfies DataMessage, encoded.buffers);
  }

  credit(records: number, elements: number): void {
    this.inFlightRecords -= records;
    this.inFlightElements -= elements;
  }
}

/** The consumer's end: a local queue filled from the port; what the consumer takes goes back as credit. */
class RemoteInChannel extends Channel {
  private takenRecords = 0;
  private takenElements = 0;

  constructor(
    capacity: number,
    maxElements: number,
    private readonly key: string,
    private readonly port: MessagePort,
    private readonly decoder: BatchDecoder,
  ) {
    super(capacity, maxElements);
  }

  deliver(wire: WireElement): void {
    super.push(wire.kind === "records" ? { kind: "records", batch: this.decoder.decode(wire.encoded) } : wire);
  }

  override shift(): StreamElement | undefined {
    const element = super.shift();
    if (element === undefined) return undefined;
    this.takenElements++;
    if (element.kind === "records") this.takenRecords += element.batch.values.length;
    // Credit in bulk while the queue is long, at once when the consumer caught up (the producer may be waiting).
    if (this.isEmpty || this.takenElements * 2 >= this.maxElements || this.takenRecords * 2 >= this.capacity) {
      this.port.postMessage({ k: this.key, records: this.takenRecords, elements: this.takenElements } satisfies DataMessage);
      this.takenRecords = 0;
      this.takenElements = 0;
    }
    return element;
  }
}
