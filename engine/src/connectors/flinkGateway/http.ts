/**
 * The JSON-over-HTTP call both Flink clients make, with typed errors. Plain `fetch` (Node 20):
 * the gateway and the JobManager speak small JSON documents, so no HTTP library is needed.
 */
import { FlinkGatewayError, flinkRootCause } from "./errors.js";

export interface HttpOptions {
  /** Extra headers on every call (e.g. `authorization: Bearer …` for a managed Flink service). */
  headers?: Record<string, string>;
  /** Per-call timeout; Flink answers REST calls at once (results are polled), so 30 s means a hung service. */
  timeoutMs?: number;
}

export async function callJson<T>(base: string, method: "GET" | "POST" | "PATCH" | "DELETE", path: string, options: HttpOptions, body?: unknown, what?: string): Promise<T> {
  const url = `${base.replace(/\/+$/, "")}${path}`;
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...options.headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
    });
  } catch (cause) {
    // fetch says only "fetch failed"; why (refused, TLS certificate, DNS) is in its cause.
    const why = (cause as { cause?: { message?: string } }).cause?.message;
    throw new FlinkGatewayError(`${what ?? `${method} ${path}`}: cannot reach Flink at ${base}: ${(cause as Error).message}${why ? ` (${why})` : ""}`, { url }, cause);
  }
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === "" ? {} : JSON.parse(text);
  } catch (cause) {
    throw new FlinkGatewayError(`${what ?? `${method} ${path}`}: Flink answered ${response.status} with non-JSON: ${text.slice(0, 200)}`, { url, status: response.status }, cause);
  }
  if (!response.ok) {
    const errors = Array.isArray((parsed as { errors?: unknown }).errors) ? ((parsed as { errors: unknown[] }).errors.map(String) as string[]) : [text];
    throw new FlinkGatewayError(`${what ?? `${method} ${path}`} failed (HTTP ${response.status}): ${flinkRootCause(errors)}`, {
      url,
      status: response.status,
      errors,
    });
  }
  return parsed as T;
}
