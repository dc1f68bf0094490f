import type { MessagePort } from "node:worker_threads";
import type { BatchCodec, BatchDecoder, BatchEncoder, EncodedBatch } from "../../exchange/BatchCodec.js";
import { edgeDecoder, edgeEncoder, edgeRowType } from "../../exchange/edgeCodec.js";
import type { PlanEdge } from "../../graph/JobPlan.js";
import { Channel, type RouteTargets } from "../Channel.js";
import type { RecordBatch, StreamElement } from "../StreamElement.js";
import { cutBatch } from "../../exchange/cutBatch.js";
import { placeRuns, type Run, recordRuns } from "./coalescedRuns.js";
import { RunGatherer } from "./runGatherer.js";
import type { DataMessage, WireElement } from "./protocol.js";

/**
 * Records a remote channel's producer gathers before it posts them as one message (Flink's network
 * buffer); what is gathered goes anyway when the thread's current run of work ends (a microtask: before
 * it yields or sleeps), and at a barrier or the end. Measured against posting each element as pushed:
 * bench/nexmark/RESULTS.md "Session 10 (parx)".
 */
const EXCHANGE_BATCH = 4096;

/** How an edge is named in errors and `workerStats().edges`. */
export function edgeName(edge: PlanEdge): string {
  return `${edge.from.name} -> ${edge.to.name} (${edge.partitioning.kind})`;
}

/** Which way `edge`'s batches cross threads: the job's codec with the row type its producer declared, or with the type its records show (`inferred`; a side output, a TypeScript job), or by clone. */
export function edgeCodecKind(edge: PlanEdge, codec: BatchCodec): "columnar" | "inferred" | "clone" {
  return edgeEncoder(codec, edge.tag === undefined ? edgeRowType(edge.from.node, edge.to.node) : undefined, edge.from.name, edgeName(edge)).codec;
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
    const schema = edge.tag === undefined ? edgeRowType(edge.from.node, edge.to.node) : undefined;
    const { encoder } = edgeEncoder(this.codec, schema, edge.from.name, `${edgeName(edge)} channel ${key}`);
    const channel = new RemoteOutChannel(remoteCapacity(capacity), maxElements, key, this.port(location), encoder, this.fail);
    this.outbound.set(key, channel);
    return channel;
  }

  /** The consumer's end of channel `key` from the thread at `location`. */
  inFrom(location: number, key: string, capacity: number, maxElements: number): Channel {
    const channel = new RemoteInChannel(remoteCapacity(capacity), maxElements, key, this.port(location), edgeDecoder(this.codec));
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
      if ("runs" in message) this.inbound.get(message.c)!.deliverRuns(message);
      else if ("c" in message) this.inbound.get(message.c)!.deliver(message.e);
      else this.outbound.get(message.k)!.credit(message.records, message.elements, message.buffers);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.notify();
  }
}

/** Room for a channel's gathered records on top of the batch in flight: a producer waiting for credit cannot fill a message. */
function remoteCapacity(capacity: number): number {
  return Math.max(capacity, 2 * EXCHANGE_BATCH);
}

/**
 * The producer's end: what is pushed is gathered and posted as one message (record batches merged and
 * encoded once, their buffer transferred) once EXCHANGE_BATCH records are gathered, at a barrier or
 * the end, or when the thread's current run of work ends. It has room while the consumer has not been
 * sent more than `capacity` records (or `maxElements` elements) it has not yet taken, gathered ones
 * included: credit-based back-pressure, as Flink's network stack. A keyed exchange's router writes the
 * records straight into the merged batch (`beginRecords`), so they are not first split into a batch per
 * consumer and then copied into it (bench/nexmark/RESULTS.md "Session 18: q5route").
 */
class RemoteOutChannel extends Channel {
  private inFlightRecords = 0;
  private inFlightElements = 0;
  private readonly gathered: RunGatherer;

  constructor(
    capacity: number,
    maxElements: number,
    private readonly key: string,
    private readonly port: MessagePort,
    private readonly encoder: BatchEncoder,
    /** A flush after the producer's run of work failed (its batch could not be encoded): fails the job. */
    private readonly fail: (error: unknown) => void,
  ) {
    super(capacity, maxElements);
    this.gathered = new RunGatherer();
  }

  override get hasRoom(): boolean {
    return this.inFlightRecords < this.capacity && this.inFlightElements < this.maxElements;
  }

  override push(element: StreamElement): void {
    // A watermark right after a gathered watermark replaces it: the two would reach the consumer in one
    // message with nothing between them, where the later one alone does all the first would (timers up to
    // it fire in order, the same rows are late). SQL's sources send two per poll at p=2 (the eager rule
    // and the poll's end), and a worker's run of work gathers ~10 polls: q7 sent ~5,800 watermarks per
    // worker per 2 M events across threads in ~440 messages, each taken through the consumer's operators.
    if (element.kind === "watermark" && this.gathered.replaceWatermark(element)) return;
    this.inFlightElements++;
    if (element.kind === "records") {
      this.inFlightRecords += element.batch.values.length;
      this.gathered.addBatch(element.batch);
    } else this.gathered.addElement(element);
    this.gatheredMore(element.kind === "barrier" || element.kind === "end");
  }

  override beginRecords(into: RouteTargets, slot: number, records: number): void {
    this.gathered.beginRecords(into, slot, records);
  }

  override endRecords(from: RouteTargets, slot: number): void {
    const added = this.gathered.endRecords(from, slot);
    if (added === 0) return;
    this.inFlightElements++;
    this.inFlightRecords += added;
    this.gatheredMore(false);
  }

  private gatheredMore(now: boolean): void {
    if (now || this.gathered.records >= EXCHANGE_BATCH) this.flush();
    else if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(this.flushLater);
    }
  }

  private flushQueued = false;
  private readonly flushLater = (): void => {
    this.flushQueued = false;
    try {
      this.flush();
    } catch (error) {
      this.fail(error);
    }
  };

  /** Posts what was gathered as one message (one element alone as before). */
  private flush(): void {
    const taken = this.gathered.take();
    if (taken === undefined) return;
    const { batch, runs } = taken;
    if (runs.length === 1) {
      const only = runs[0] as Run;
      if (typeof only !== "number") this.port.postMessage({ c: this.key, e: only } satisfies DataMessage);
      else {
        const encoded = this.encoder.encode(batch ?? { values: [], timestamps: [] });
        this.port.postMessage({ c: this.key, e: { kind: "records", encoded } } satisfies DataMessage, encoded.buffers);
      }
      return;
    }
    const encoded = batch === undefined ? undefined : this.encoder.encode(batch);
    this.port.postMessage({ c: this.key, b: encoded, runs } satisfies DataMessage, encoded?.buffers ?? []);
  }

  credit(records: number, elements: number, buffers: readonly ArrayBuffer[] | undefined): void {
    this.inFlightRecords -= records;
    this.inFlightElements -= elements;
    if (buffers !== undefined && this.encoder.recycle !== undefined) for (const buffer of buffers) this.encoder.recycle(buffer);
  }
}

/**
 * The consumer's end: a local queue filled from the port; what the consumer takes goes back as credit,
 * and with it the buffers of the batches decoded meanwhile (when the codec copies everything out of
 * them), for the producer's encoder to write its next batches in.
 */
class RemoteInChannel extends Channel {
  private takenRecords = 0;
  private takenElements = 0;
  private spent: ArrayBuffer[] = [];

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
    super.push(wire.kind === "records" ? { kind: "records", batch: this.decode(wire.encoded) } : wire);
  }

  /**
   * A producer's gathered elements, in the order pushed: the merged batch decoded straight into the batches
   * pushed (not decoded whole and then copied into them: RESULTS.md "Session 18: q5consume").
   */
  deliverRuns(message: Extract<DataMessage, { runs: unknown }>): void {
    const lengths = recordRuns(message.runs);
    placeRuns(message.b === undefined ? cutBatch(undefined, lengths) : this.decodeRuns(message.b, lengths), message.runs, this.take);
  }

  private decode(encoded: EncodedBatch): RecordBatch {
    const batch = this.decoder.decode(encoded);
    this.spend(encoded);
    return batch;
  }

  private decodeRuns(encoded: EncodedBatch, lengths: readonly number[]): RecordBatch[] {
    const decoder = this.decoder;
    const batches = decoder.decodeRuns !== undefined ? decoder.decodeRuns(encoded, lengths) : cutBatch(decoder.decode(encoded), lengths);
    this.spend(encoded);
    return batches;
  }

  private spend(encoded: EncodedBatch): void {
    if (this.decoder.freesBuffers === true) for (const buffer of encoded.buffers) this.spent.push(buffer);
  }

  private readonly take = (element: StreamElement): void => super.push(element);

  override shift(): StreamElement | undefined {
    const element = super.shift();
    if (element === undefined) return undefined;
    this.takenElements++;
    if (element.kind === "records") this.takenRecords += element.batch.values.length;
    // Credit in bulk while the queue is long, at once when the consumer caught up (the producer may be waiting).
    if (this.isEmpty || this.takenElements * 2 >= this.maxElements || this.takenRecords * 2 >= this.capacity) {
      const buffers = this.spent;
      if (buffers.length === 0) this.port.postMessage({ k: this.key, records: this.takenRecords, elements: this.takenElements } satisfies DataMessage);
      else {
        this.spent = [];
        this.port.postMessage({ k: this.key, records: this.takenRecords, elements: this.takenElements, buffers } satisfies DataMessage, buffers);
      }
      this.takenRecords = 0;
      this.takenElements = 0;
    }
    return element;
  }
}
