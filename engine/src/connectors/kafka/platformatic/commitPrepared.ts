/**
 * Committing the open transaction of a producer that is gone, from its producer id and epoch:
 * Flink's resumeTransaction + commitTransaction, which `KafkaClient.commitPrepared` stands for.
 *
 * @platformatic/kafka has no API for it, but unlike kafkajs it exports what is needed to send the
 * request cleanly: `Admin.findCoordinator` (TRANSACTION key type) for the transaction coordinator,
 * and the `kGetConnection` / `kGetApi` symbols its clients are built on (exported from the package
 * for extensions), which give a pooled connection and the EndTxn API at the version negotiated
 * with the broker. No library internals are patched.
 *
 * Kafka's answers: success, also when the transaction is already committed (a repeated commit);
 * CONCURRENT_TRANSACTIONS while the markers of a previous EndTxn are still being written
 * (retriable); PRODUCER_FENCED / INVALID_PRODUCER_EPOCH when a newer producer with this id exists;
 * INVALID_TXN_STATE when the transaction was aborted (e.g. by the broker after its timeout).
 * TransactionalKafkaWriter.recoverOne decides from the error's `type`.
 */
import type { ProducerIdentity } from "../KafkaClient.js";
import { PlatformaticKafkaError } from "./errors.js";
import { FindCoordinatorKeyTypes, kGetApi, kGetConnection, type Admin, type Connection } from "./library.js";

interface EndTxnApi {
  async(connection: Connection, transactionalId: string, producerId: bigint, producerEpoch: number, committed: boolean): Promise<unknown>;
}

/** The library's callback style, as a promise. */
function call<T>(start: (callback: (error: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => start((error, value) => (error ? reject(error) : resolve(value as T))));
}

export async function commitPrepared(admin: Admin, transactionalId: string, identity: ProducerIdentity): Promise<void> {
  const position = { transactionalId };
  try {
    const coordinators = await admin.findCoordinator({ keyType: FindCoordinatorKeyTypes.TRANSACTION, keys: [transactionalId] });
    const coordinator = coordinators.find((c) => c.key === transactionalId) ?? coordinators[0];
    if (coordinator === undefined) throw new Error(`no transaction coordinator for ${transactionalId}`);
    const connection = await call<Connection>((cb) => admin[kGetConnection]({ host: coordinator.host, port: coordinator.port }, cb));
    const endTxn = await call<EndTxnApi>((cb) => admin[kGetApi]("EndTxn", cb as never));
    await endTxn.async(connection, transactionalId, BigInt(identity.producerId), identity.producerEpoch, true);
  } catch (error) {
    throw new PlatformaticKafkaError(`Kafka could not commit the prepared transaction of producer ${identity.producerId} epoch ${identity.producerEpoch}`, position, error);
  }
}
