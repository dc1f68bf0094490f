/**
 * Reading @platformatic/kafka's errors, and turning them into the connector's typed errors.
 *
 * The library reports a failed request as a tree: a `ResponseError` (a `MultipleErrors`, i.e. an
 * AggregateError) whose message only names the API ("Received response with error while executing
 * API EndTxn(v4)"), with one `ProtocolError` per failed topic/partition carrying the Kafka error
 * name (`apiId`, e.g. "PRODUCER_FENCED") and `canRetry`; retries that gave up add another
 * `MultipleErrors` level ("produce failed 3 times."), and network trouble is a `NetworkError`
 * (`code` "PLT_KFK_NETWORK"). The helpers below walk that tree, so messages name the Kafka error
 * and callers can classify it.
 */
import { KafkaConnectorError, KafkaTransactionError, errorMessage, type KafkaPosition } from "../errors.js";

interface ErrorNode {
  message?: string;
  code?: string;
  apiId?: string;
  canRetry?: boolean;
  hasStaleMetadata?: boolean;
  errors?: unknown[];
  cause?: unknown;
}

/** Every error in the tree, depth first (bounded: a cyclic `cause` must not hang us). */
function* walk(error: unknown): Generator<ErrorNode> {
  const stack: unknown[] = [error];
  const seen = new Set<unknown>();
  while (stack.length > 0 && seen.size < 100) {
    const e = stack.pop();
    if (e === null || typeof e !== "object" || seen.has(e)) continue;
    seen.add(e);
    const node = e as ErrorNode;
    yield node;
    if (node.cause !== undefined) stack.push(node.cause);
    if (Array.isArray(node.errors)) for (let i = node.errors.length - 1; i >= 0; i--) stack.push(node.errors[i]);
  }
}

/** The Kafka protocol error names in the tree, e.g. ["PRODUCER_FENCED"] (first occurrence order, no duplicates). */
export function protocolErrorIds(error: unknown): string[] {
  const ids: string[] = [];
  for (const e of walk(error)) if (typeof e.apiId === "string" && !ids.includes(e.apiId)) ids.push(e.apiId);
  return ids;
}

export function hasProtocolError(error: unknown, ...ids: string[]): boolean {
  return protocolErrorIds(error).some((id) => ids.includes(id));
}

/**
 * Worth trying again later: the broker is unreachable or restarting, leadership moved, a
 * coordinator is loading. Everything else (authorization, invalid requests, fencing, ...) is final.
 */
export function isTransient(error: unknown): boolean {
  if (isAuthenticationFailure(error)) return false; // wrapped in network errors ("Cannot connect to any broker")
  let protocol = false;
  for (const e of walk(error)) {
    if (e.code === "PLT_KFK_NETWORK" || e.code === "PLT_KFK_TIMEOUT") return true;
    if (typeof e.apiId === "string") {
      protocol = true;
      if (e.canRetry !== true && e.hasStaleMetadata !== true) return false;
    }
  }
  return protocol;
}

/** The broker refused our SASL credentials (the library's AuthenticationError, anywhere in the tree). */
export function isAuthenticationFailure(error: unknown): boolean {
  for (const e of walk(error)) if (e.code === "PLT_KFK_AUTHENTICATION") return true;
  return false;
}

/** The library's message plus what it hides in the tree: "… EndTxn(v4): PRODUCER_FENCED (There is a newer producer …)". */
export function describe(error: unknown): string {
  const top = errorMessage(error);
  const details: string[] = [];
  for (const e of walk(error)) {
    if (e === error) continue;
    const text = typeof e.apiId === "string" ? `${e.apiId} (${e.message ?? ""})` : e.message;
    if (text !== undefined && text !== "" && text !== top && !details.includes(text)) details.push(text);
    if (details.length >= 4) break;
  }
  return details.length === 0 ? top : `${top}: ${details.join("; ")}`;
}

/**
 * A connector error caused by @platformatic/kafka. `type` is the first Kafka protocol error name
 * in the cause (like kafkajs's `KafkaJSProtocolError.type`), which `TransactionalKafkaWriter`
 * reads to tell a fenced producer from a coordinator that is still loading.
 */
export class PlatformaticKafkaError extends KafkaConnectorError {
  readonly type: string | undefined;
  constructor(message: string, kafka: KafkaPosition, cause: unknown, retriable = isTransient(cause)) {
    super(`${message}: ${describe(cause)}`, kafka, { cause, retriable });
    this.type = protocolErrorIds(cause)[0];
  }
}

/** A transaction could not be committed or aborted (its records may or may not be visible); never retriable. */
export class PlatformaticTransactionError extends KafkaTransactionError {
  readonly type: string | undefined;
  constructor(message: string, kafka: KafkaPosition, cause: unknown) {
    super(`${message}: ${describe(cause)}`, kafka, { cause });
    this.type = protocolErrorIds(cause)[0];
  }
}

/** Kafka's answers meaning "a newer producer with this transactional id exists". */
export const FENCED = ["PRODUCER_FENCED", "INVALID_PRODUCER_EPOCH", "TRANSACTION_COORDINATOR_FENCED"] as const;
