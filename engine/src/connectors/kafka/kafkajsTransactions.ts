/**
 * What kafkajs lacks for Flink-style recovery of prepared transactions: reading a transactional
 * producer's id and epoch, and committing a transaction of a dead producer from them (EndTxn, as
 * Flink's FlinkKafkaInternalProducer.resumeTransaction + commitTransaction do).
 *
 * kafkajs 2.2.4 (pinned; no release since 2023) exposes neither, so this reaches into its internals:
 * `Broker.prototype.initProducerId` is wrapped to remember each transactional id's producer id and
 * epoch, and the Kafka instance's private cluster factory gives a connection to the transaction
 * coordinator. Tested against real brokers in test/integration/kafkaExactlyOnce.test.ts.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { createRequire } from "node:module";
import type { Kafka } from "kafkajs";

export interface ProducerIdentity {
  producerId: string;
  producerEpoch: number;
}

interface BrokerLike {
  initProducerId(args: { transactionalId?: string; transactionTimeout: number }): Promise<{ producerId: string | number; producerEpoch: number }>;
  endTxn(args: { transactionalId: string; producerId: string; producerEpoch: number; transactionResult: boolean }): Promise<unknown>;
}

interface ClusterLike {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  findGroupCoordinator(args: { groupId: string; coordinatorType: number }): Promise<BrokerLike>;
}

const require = createRequire(import.meta.url);
const identities = new Map<string, ProducerIdentity>();
/** The InitProducerId results of one caller (`registerProducer`), whatever other producers of the process do meanwhile. */
const registration = new AsyncLocalStorage<{ identity?: ProducerIdentity }>();
let patched = false;

/** Starts remembering producer ids and epochs (idempotent; call before producers initialize). */
export function trackProducerIdentities(): void {
  if (patched) return;
  patched = true;
  const Broker = require("kafkajs/src/broker/index.js") as { prototype: BrokerLike };
  const original = Broker.prototype.initProducerId;
  Broker.prototype.initProducerId = async function (this: BrokerLike, args) {
    const result = await original.call(this, args);
    if (args.transactionalId !== undefined) {
      const identity = { producerId: String(result.producerId), producerEpoch: result.producerEpoch };
      identities.set(args.transactionalId, identity);
      const slot = registration.getStore();
      if (slot !== undefined) slot.identity = identity;
    }
    return result;
  };
}

/**
 * Runs `register` (which makes kafkajs send InitProducerId) and returns the producer id and epoch the
 * broker gave that call — not `producerIdentity`'s latest for the id, which another producer of this
 * process with the same transactional id (a writer of an ended job attempt) may have registered since.
 */
export async function registerProducer(register: () => Promise<void>): Promise<ProducerIdentity | undefined> {
  const slot: { identity?: ProducerIdentity } = {};
  await registration.run(slot, register);
  return slot.identity;
}

/** The producer id and epoch the broker last gave this transactional id in this process. */
export function producerIdentity(transactionalId: string): ProducerIdentity | undefined {
  return identities.get(transactionalId);
}

/**
 * Commits the open transaction of a (dead) producer identified by id and epoch. Resolves when the
 * transaction is committed, also if it already was (Kafka answers a repeated commit with success).
 * Rejects with kafkajs's error otherwise; `PRODUCER_FENCED`/`INVALID_PRODUCER_EPOCH` mean a newer
 * producer with this transactional id exists (it aborted the transaction if it was still open, or
 * the broker aborted it after the transaction timeout).
 */
export async function commitResumed(kafka: Kafka, transactionalId: string, identity: ProducerIdentity): Promise<void> {
  const factory = Object.getOwnPropertySymbols(kafka).find((s) => s.description === "private:Kafka:createCluster");
  if (factory === undefined) throw new Error("this kafkajs version has no private cluster factory; cannot resume transactions");
  const cluster = (kafka as unknown as Record<symbol, (o: object) => ClusterLike>)[factory]!({ allowAutoTopicCreation: false });
  await cluster.connect();
  try {
    const coordinator = await cluster.findGroupCoordinator({ groupId: transactionalId, coordinatorType: 1 });
    await coordinator.endTxn({ transactionalId, producerId: identity.producerId, producerEpoch: identity.producerEpoch, transactionResult: true });
  } finally {
    await cluster.disconnect();
  }
}
