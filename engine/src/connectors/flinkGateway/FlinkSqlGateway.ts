/**
 * A typed client of Flink's SQL Gateway REST endpoint (API v3, Flink 2.x: `flink-sql-gateway`'s
 * `rest_v3_sql_gateway.yml`): open a session, submit statements in it, fetch their results as a
 * changelog of `{ kind, fields }` rows, close them.
 *
 * Result fetching follows the gateway's token protocol: each page names the next token in
 * `nextResultUri`; the gateway keeps only the current and the previous page, so the pages of one
 * operation are read strictly in order by one reader (`pages()`), and a NOT_READY page is
 * re-asked with the same token. A reader that stops reading back-pressures the Flink job (the
 * gateway buffers a bounded number of rows).
 *
 * Stopping a job (seen on Flink 2.2.0): a statement's operation is FINISHED as soon as its job is
 * submitted, so `cancel()` fails for a running query or INSERT. Closing a SELECT's operation (or
 * its session) cancels the job that feeds it; an INSERT's job runs on after its operation is
 * closed. `FlinkRestClient.cancelJob(operation.jobId)` stops either, through the JobManager.
 */
import { FlinkGatewayError } from "./errors.js";
import { callJson, type HttpOptions } from "./http.js";

/** Flink's RowKind names. */
export type RowKind = "INSERT" | "UPDATE_BEFORE" | "UPDATE_AFTER" | "DELETE";

export interface ChangelogRow {
  kind: RowKind;
  /** Values in column order, as the gateway's JSON row format renders them (timestamps are strings). */
  fields: unknown[];
}

export interface ColumnInfo {
  name: string;
  logicalType: { type: string; nullable: boolean; [key: string]: unknown };
  comment?: string | null;
}

export type ResultType = "NOT_READY" | "PAYLOAD" | "EOS";

export interface ResultPage {
  resultType: ResultType;
  /** SUCCESS (DDL, SET…) or SUCCESS_WITH_CONTENT (a query, SHOW…, the job id row of an INSERT). */
  resultKind: string | undefined;
  isQueryResult: boolean | undefined;
  /** The Flink job behind the statement, once there is one. */
  jobID: string | undefined;
  columns: ColumnInfo[];
  rows: ChangelogRow[];
  /** The token of the next page; undefined after EOS. */
  nextToken: number | undefined;
}

/** The raw shape of `GET …/result/{token}` (only the fields used). */
interface FetchResultsResponse {
  resultType: ResultType;
  resultKind?: string;
  isQueryResult?: boolean;
  jobID?: string;
  nextResultUri?: string;
  results?: { columns?: ColumnInfo[]; data?: ChangelogRow[] };
}

export interface GatewayOptions extends HttpOptions {
  /** Pause between two NOT_READY polls of one operation. */
  pollIntervalMs?: number;
}

/** Waits `ms`, or less when `signal` aborts (the caller then checks it). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    signal?.addEventListener("abort", done, { once: true });
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
  });

export class FlinkSqlGateway {
  readonly url: string;
  readonly options: GatewayOptions;
  constructor(url: string, options: GatewayOptions = {}) {
    this.url = url.replace(/\/+$/, "");
    this.options = options;
  }

  /** `{ productName, version }` of the gateway (a cheap liveness check). */
  info(): Promise<{ productName: string; version: string }> {
    return callJson(this.url, "GET", "/v3/info", this.options, undefined, "gateway info");
  }

  /** A session: its catalog, tables and `SET`s persist across statements until closed. */
  async openSession(options: { properties?: Record<string, string>; sessionName?: string } = {}): Promise<FlinkSession> {
    const { sessionHandle } = await callJson<{ sessionHandle: string }>(this.url, "POST", "/v3/sessions", this.options, options, "open session");
    return new FlinkSession(this, sessionHandle);
  }
}

export class FlinkSession {
  readonly gateway: FlinkSqlGateway;
  readonly handle: string;
  constructor(gateway: FlinkSqlGateway, handle: string) {
    this.gateway = gateway;
    this.handle = handle;
  }

  /** @internal */
  call<T>(method: "GET" | "POST" | "DELETE", path: string, body?: unknown, what?: string): Promise<T> {
    return callJson<T>(this.gateway.url, method, `/v3/sessions/${this.handle}${path}`, this.gateway.options, body, what);
  }

  /** Submits one statement; it runs asynchronously in the gateway. */
  async submit(statement: string, executionConfig?: Record<string, string>): Promise<FlinkOperation> {
    const body = executionConfig === undefined ? { statement } : { statement, executionConfig };
    const { operationHandle } = await this.call<{ operationHandle: string }>("POST", "/statements", body, "submit statement");
    return new FlinkOperation(this, operationHandle, statement);
  }

  /** Submits a statement and reads all of its result (for DDL, SET, bounded queries). */
  async execute(statement: string, executionConfig?: Record<string, string>): Promise<StatementResult> {
    const operation = await this.submit(statement, executionConfig);
    let result: StatementResult;
    try {
      result = await operation.collect();
    } catch (error) {
      // The statement's own failure is the one to report; a close failing after it is attached, not lost.
      await operation.close().catch((closeError: unknown) => {
        if (error instanceof Error) (error as Error & { closeError?: unknown }).closeError = closeError;
      });
      throw error;
    }
    // A close failing after EOS leaves the operation (and a SELECT's job) held in the gateway: say so.
    try {
      await operation.close();
    } catch (error) {
      throw operation.failure(error, "closing it failed");
    }
    return result;
  }

  /** Keeps an idle session alive (the gateway expires sessions idle for `sql-gateway.session.idle-timeout`). */
  async heartbeat(): Promise<void> {
    await this.call("POST", "/heartbeat", {}, "session heartbeat");
  }

  async close(): Promise<void> {
    await this.call("DELETE", "", undefined, "close session");
  }
}

export interface StatementResult {
  columns: ColumnInfo[];
  rows: ChangelogRow[];
  jobID: string | undefined;
  resultKind: string | undefined;
}

export class FlinkOperation {
  readonly session: FlinkSession;
  readonly handle: string;
  readonly statement: string;
  private jobIdSeen: string | undefined;
  private reading = false;
  constructor(session: FlinkSession, handle: string, statement: string) {
    this.session = session;
    this.handle = handle;
    this.statement = statement;
  }

  /** The Flink job id, known once a page carrying it was read. */
  get jobId(): string | undefined {
    return this.jobIdSeen;
  }

  /** One page at `token` (tokens start at 0). A failed statement fails here with Flink's cause. */
  async fetchPage(token: number): Promise<ResultPage> {
    let raw: FetchResultsResponse;
    try {
      raw = await this.session.call<FetchResultsResponse>("GET", `/operations/${this.handle}/result/${token}?rowFormat=JSON`, undefined, "fetch results");
    } catch (error) {
      throw this.failure(error);
    }
    if (raw.jobID !== undefined) this.jobIdSeen = raw.jobID;
    const next = raw.nextResultUri === undefined ? undefined : /\/result\/(\d+)/.exec(raw.nextResultUri)?.[1];
    return {
      resultType: raw.resultType,
      resultKind: raw.resultKind,
      isQueryResult: raw.isQueryResult,
      jobID: raw.jobID,
      columns: raw.results?.columns ?? [],
      rows: raw.results?.data ?? [],
      nextToken: next === undefined ? undefined : Number(next),
    };
  }

  /** A gateway error of this statement, as "Flink statement failed: <cause>\n  in: <statement>". */
  failure(error: unknown, what?: string): unknown {
    if (!(error instanceof FlinkGatewayError)) return error;
    const cause = error.message.replace(/^fetch results failed \(HTTP \d+\): /, "");
    return new FlinkGatewayError(
      `Flink statement ${what === undefined ? "failed" : `ran, but ${what}`}: ${cause}\n  in: ${this.statement.trim().slice(0, 300)}`,
      { url: error.url, ...(error.status === undefined ? {} : { status: error.status }), errors: error.errors, statement: this.statement },
      error,
    );
  }

  /** Thrown when `signal` aborts a read: ending quietly would look like EOS, i.e. a complete result. */
  private aborted(rows: number): FlinkGatewayError {
    return new FlinkGatewayError(`reading the result was aborted after ${rows} rows: the result is incomplete\n  in: ${this.statement.trim().slice(0, 300)}`, {
      url: this.session.gateway.url,
      statement: this.statement,
    });
  }

  /**
   * The statement's pages with rows (PAYLOAD), in order, until EOS; NOT_READY pages are polled.
   * When `signal` aborts, throws a FlinkGatewayError (nothing is cancelled: close the operation or
   * cancel the job). One reader per operation: the gateway has already dropped a page once the one
   * after it was asked for.
   */
  async *pages(signal?: AbortSignal): AsyncGenerator<ResultPage> {
    if (this.reading)
      throw new FlinkGatewayError(`the results of this operation are already being read (the gateway keeps only the current page)`, { url: this.session.gateway.url, statement: this.statement });
    this.reading = true;
    try {
      let token: number | undefined = 0;
      let rows = 0;
      while (token !== undefined) {
        if (signal?.aborted) throw this.aborted(rows);
        const page: ResultPage = await this.fetchPage(token);
        if (page.resultType === "EOS") return;
        if (page.resultType === "NOT_READY") {
          await sleep(this.session.gateway.options.pollIntervalMs ?? 100, signal);
        } else {
          rows += page.rows.length;
          yield page;
        }
        token = page.nextToken;
      }
    } finally {
      this.reading = false;
    }
  }

  /**
   * The result's columns, once Flink planned the statement (a failed statement fails here): token
   * 0 is asked until it is no longer NOT_READY. The gateway accepts the current token again, so
   * `pages()` then still starts at token 0 and loses no rows.
   */
  async schema(signal?: AbortSignal): Promise<ColumnInfo[]> {
    for (;;) {
      if (signal?.aborted) throw this.aborted(0);
      const page = await this.fetchPage(0);
      if (page.resultType !== "NOT_READY") return page.columns;
      await sleep(this.session.gateway.options.pollIntervalMs ?? 100, signal);
    }
  }

  /** Reads every page until EOS: for statements with a bounded result. */
  async collect(signal?: AbortSignal): Promise<StatementResult> {
    let columns: ColumnInfo[] = [];
    let resultKind: string | undefined;
    const rows: ChangelogRow[] = [];
    for await (const page of this.pages(signal)) {
      if (page.columns.length > 0) columns = page.columns;
      resultKind = page.resultKind ?? resultKind;
      for (const row of page.rows) rows.push(row);
    }
    return { columns, rows, jobID: this.jobIdSeen, resultKind };
  }

  /** `RUNNING`, `FINISHED`, `ERROR`, `CANCELED`, … of the gateway operation (not of the Flink job). */
  async status(): Promise<string> {
    const { status } = await this.session.call<{ status: string }>("GET", `/operations/${this.handle}/status`, undefined, "operation status");
    return status;
  }

  /**
   * Cancels the gateway operation while it is still being planned/submitted; once its job runs the
   * operation is FINISHED and the gateway refuses (HTTP 500). Stop a job with `FlinkRestClient.cancelJob`.
   */
  async cancel(): Promise<void> {
    await this.session.call("POST", `/operations/${this.handle}/cancel`, {}, "cancel operation");
  }

  /** Frees the operation; for a SELECT this also cancels its job, an INSERT's job runs on. */
  async close(): Promise<void> {
    await this.session.call("DELETE", `/operations/${this.handle}/close`, undefined, "close operation");
  }
}
