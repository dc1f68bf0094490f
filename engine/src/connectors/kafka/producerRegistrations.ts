/**
 * InitProducerId calls under way in this process, by transactional id. Registering bumps the epoch
 * of the id, which aborts the open transaction of whoever held it. A writer of an ended job attempt
 * may still have one in flight: its `close()` waits for it, but the runner stops waiting after
 * `taskCancellationTimeout`. The restored writer lets it land before it commits or registers with
 * that id; landing later, it would fence the restored writer, and the restore after that would read
 * the fenced transaction as committed (see `TransactionalKafkaWriter`).
 */
const registrations = new Map<string, Promise<void>>();

/** Notes `registering` (an InitProducerId for `transactionalId`) until it settles. */
export function noteRegistration(transactionalId: string, registering: Promise<void>): void {
  registrations.set(transactionalId, registering);
  const forget = () => void (registrations.get(transactionalId) === registering && registrations.delete(transactionalId));
  registering.then(forget, forget);
}

/** Resolves once no registration noted for `transactionalId` is under way (its failure is its caller's to report). */
export function earlierRegistration(transactionalId: string): Promise<void> {
  return registrations.get(transactionalId)?.catch(() => undefined) ?? Promise.resolve();
}
