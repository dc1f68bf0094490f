/**
 * The kernel's one link to a Flink cluster: the SQL Gateway URL (http or https), extra headers
 * (a bearer token for a managed service), the JobManager's REST URL (for job state, cancel, stop,
 * the dashboard link), and ONE gateway session, opened on first use, so DDL and SETs of one cell
 * are seen by the next as they are locally. Set by `%flink connect` or, at start, from
 * SLUICE_FLINK_GATEWAY (+ SLUICE_FLINK_REST, SLUICE_FLINK_HEADERS as a JSON object).
 */
import { flinkGateway, type JobHandle } from "../../../engine/src/index.js";
import { FlinkCatalog } from "./statements.js";

export interface FlinkTargetConfig {
  gatewayUrl: string;
  /** The JobManager's REST URL; by default the session's `rest.address`/`rest.port`, with the gateway's scheme. */
  restUrl?: string;
  headers?: Record<string, string>;
}

/** A Flink job this kernel submitted, for `%jobs`. */
export interface FlinkJobRecord {
  jobId: string;
  statement: string;
  /** The local job applying a SELECT's rows to its view; undefined for an INSERT. */
  local?: JobHandle;
}

export class FlinkConnection {
  readonly gateway: flinkGateway.FlinkSqlGateway;
  readonly catalog = new FlinkCatalog();
  readonly jobs: FlinkJobRecord[] = [];
  private opened: Promise<{ session: flinkGateway.FlinkSession; rest: flinkGateway.FlinkRestClient }> | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(readonly config: FlinkTargetConfig) {
    if (!/^https?:\/\//.test(config.gatewayUrl)) throw new flinkGateway.FlinkGatewayError(`not a gateway URL: ${config.gatewayUrl} (http://host:port or https://…)`, { url: config.gatewayUrl });
    this.gateway = new flinkGateway.FlinkSqlGateway(config.gatewayUrl, { headers: config.headers ?? {}, pollIntervalMs: 100 });
  }

  /** The session (opened once; a failed open is retried on the next call) and the REST client. */
  open(): Promise<{ session: flinkGateway.FlinkSession; rest: flinkGateway.FlinkRestClient }> {
    this.opened ??= this.connect().catch((error: unknown) => {
      this.opened = undefined;
      throw error;
    });
    return this.opened;
  }

  private async connect() {
    const session = await this.gateway.openSession({ sessionName: "sluice-kernel" });
    let restUrl = this.config.restUrl;
    if (restUrl === undefined) {
      const { properties } = await session.call<{ properties: Record<string, string> }>("GET", "", undefined, "session config");
      const scheme = new URL(this.config.gatewayUrl).protocol;
      if (properties["rest.port"] === undefined)
        throw new flinkGateway.FlinkGatewayError("the gateway does not say where the JobManager's REST API is: %flink connect URL --rest REST_URL", { url: this.config.gatewayUrl });
      restUrl = `${scheme}//${properties["rest.address"] ?? new URL(this.config.gatewayUrl).hostname}:${properties["rest.port"]}`;
    }
    // The gateway closes sessions idle for sql-gateway.session.idle-timeout (10 min by default): DDL would be lost.
    this.heartbeat = setInterval(() => void session.heartbeat().catch(() => undefined), 60_000);
    this.heartbeat.unref();
    return { session, rest: new flinkGateway.FlinkRestClient(restUrl, { headers: this.config.headers ?? {} }) };
  }

  /** The dashboard page of a job. */
  async dashboardLink(jobId: string): Promise<string> {
    const { rest } = await this.open();
    return `${rest.url}/#/job/running/${jobId}/overview`;
  }

  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    const opened = this.opened;
    this.opened = undefined;
    if (opened) await (await opened).session.close();
  }
}

let current: FlinkConnection | undefined = fromEnvironment();

function fromEnvironment(): FlinkConnection | undefined {
  const url = process.env.SLUICE_FLINK_GATEWAY;
  if (!url) return undefined;
  const headers = process.env.SLUICE_FLINK_HEADERS ? (JSON.parse(process.env.SLUICE_FLINK_HEADERS) as Record<string, string>) : {};
  return new FlinkConnection({ gatewayUrl: url, headers, ...(process.env.SLUICE_FLINK_REST ? { restUrl: process.env.SLUICE_FLINK_REST } : {}) });
}

let target: "local" | "flink" | undefined;

/** Where `%%ssql` cells without `--target` run, set by `%flink target`; undefined: on Flink once connected. */
export function defaultTarget(): "local" | "flink" | undefined {
  return target;
}

export function setDefaultTarget(next: "local" | "flink" | undefined): void {
  target = next;
}

/** The kernel's Flink connection, if one was set (then `%%ssql` cells run on Flink by default). */
export function flinkConnection(): FlinkConnection | undefined {
  return current;
}

export async function connectFlink(config: FlinkTargetConfig): Promise<FlinkConnection> {
  const next = new FlinkConnection(config);
  await next.gateway.info(); // fails now, with the URL, rather than in the next cell
  await current?.close().catch(() => undefined); // the old session may be gone with its cluster; the new one is what matters
  current = next;
  return next;
}

export async function disconnectFlink(): Promise<void> {
  const old = current;
  current = undefined;
  await old?.close();
}
