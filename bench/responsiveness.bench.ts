/**
 * Responsiveness while a job runs flat out (issue 4), through a real Jupyter Server and the client
 * JupyterLab uses (@jupyterlab/services):
 *  - trivial-cell reply time, idle, on a stock Jupyter Server and on the server as Sluice configures
 *    it (scripts/jupyter-server-config.sh: TCP_NODELAY on kernel websockets), side by side;
 *  - trivial-cell reply time while a job runs flat out, and the part of it spent in the kernel
 *    (from the reply's `started` metadata to its header date);
 *  - the delay from a record entering the pipeline to the chart update that contains it;
 *  - the job's events/s with its two live charts attached vs the same job into no-op sinks.
 * Run: npm run build && node dist/bench/responsiveness.bench.js [trivialCells]
 */
import { KernelManager, ServerConnection } from "@jupyterlab/services";
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import WebSocket from "ws";
import { startJupyterServer } from "../test/support/jupyterServer.js";
import { printTable } from "./table.js";

const CELLS = Number(process.argv[2] ?? 200);
const WARM_UP_CELLS = 5; // the first cells load tslab's compiler and the engine
const RATE_SECONDS = 3;

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

interface Timed {
  total: number[];
  inKernel: number[];
}

async function execute(kernel: Kernel.IKernelConnection, code: string, onIOPub?: (m: KernelMessage.IIOPubMessage) => void): Promise<KernelMessage.IExecuteReplyMsg> {
  // Like JupyterLab's output area, keep listening after the reply: live updates come later.
  const future = kernel.requestExecute({ code }, !onIOPub);
  if (onIOPub) future.onIOPub = onIOPub;
  const reply = await future.done;
  if (reply.content.status !== "ok") throw new Error(`cell failed: ${code}\n${JSON.stringify(reply.content)}`);
  return reply;
}

async function trivialCells(kernel: Kernel.IKernelConnection, code = "1 + 1"): Promise<Timed> {
  const timed: Timed = { total: [], inKernel: [] };
  for (let i = 0; i < WARM_UP_CELLS + CELLS; i++) {
    const t = performance.now();
    const reply = await execute(kernel, code);
    if (i < WARM_UP_CELLS) continue;
    timed.total.push(performance.now() - t);
    const started = Date.parse(String((reply.metadata as { started?: string }).started));
    timed.inKernel.push(Date.parse(reply.header.date) - started);
  }
  return timed;
}

async function withKernel<T>(serverArgs: string[], work: (kernel: Kernel.IKernelConnection) => Promise<T>): Promise<T> {
  const server = await startJupyterServer(undefined, serverArgs);
  const serverSettings = ServerConnection.makeSettings({
    baseUrl: server.baseUrl,
    wsUrl: server.baseUrl.replace("http", "ws"),
    token: server.token,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  const manager = new KernelManager({ serverSettings });
  try {
    const kernel = await manager.startNew({ name: "sluice" });
    try {
      return await work(kernel);
    } finally {
      await kernel.shutdown();
    }
  } finally {
    manager.dispose();
    await server.stop();
  }
}

/** The measured pipeline; `charts` false swaps both chart sinks for no-op sinks. */
function jobCell(name: string, charts: boolean): string {
  const counts = charts ? `chart.line({ x: "start:T", y: "value", color: "key" })` : `sinks.forEach(() => {})`;
  const probe = charts ? `chart.point({ x: "seq", y: "enteredAt", maxPoints: 50 })` : `sinks.forEach(() => {})`;
  return `{
const env = StreamEnvironment.create();
const views = env.fromSource(DataGen.pageViews({ seed: 1, rate: Infinity }));
views.keyBy((v) => v.page).window(TumblingEventTimeWindows.of(Time.seconds(10))).aggregateWithWindow(Aggregators.count()).sinkTo(${counts});
// Every 5000th record carries the wall-clock time it entered the pipeline.
views.filter((v) => v.eventId % 5000 === 0).map((v) => ({ seq: v.eventId, enteredAt: Date.now() })).sinkTo(${probe});
(globalThis as any).benchJob = env.execute(${JSON.stringify(name)});
}`;
}

async function eventsPerSecond(kernel: Kernel.IKernelConnection): Promise<number> {
  const count = "(globalThis as any).benchJob.metrics().operators.filter((o) => o.kind === 'source').reduce((a, o) => a + o.recordsIn, 0)";
  let rate = NaN;
  await execute(
    kernel,
    `{ const n0 = ${count}; const t0 = performance.now(); await new Promise((r) => setTimeout(r, ${RATE_SECONDS * 1000})); console.log((${count} - n0) / ((performance.now() - t0) / 1000)); }`,
    (m) => {
      if (m.header.msg_type === "stream") rate = Number((m.content as { text: string }).text);
    },
  );
  return rate;
}

const stockServer = ["--ServerApp.jpserver_extensions=sluice_jupyter=False"];
const stock = await withKernel(stockServer, async (kernel) => ({ ts: await trivialCells(kernel), sql: await trivialCells(kernel, "%sql select 42 as answer") }));

const tuned = await withKernel([], async (kernel) => {
  const ts = await trivialCells(kernel);
  const sql = await trivialCells(kernel, "%sql select 42 as answer");
  const delays: number[] = [];
  let live = true; // the final update after cancel carries the static SVG render: not a live update
  await execute(kernel, jobCell("flat out with charts", true), (m) => {
    if (!live || m.header.msg_type !== "update_display_data") return;
    const data = (m.content as { data: Record<string, unknown> }).data["application/vnd.vegalite.v5+json"] as { data?: { values?: { enteredAt?: number }[] } } | undefined;
    const newest = Math.max(...(data?.data?.values ?? []).map((p) => p.enteredAt ?? -Infinity));
    if (Number.isFinite(newest)) delays.push(Date.now() - newest);
  });
  await new Promise((r) => setTimeout(r, 2000)); // let the job reach its pace
  const duringJob = await trivialCells(kernel);
  const withCharts = [await eventsPerSecond(kernel)];
  live = false;
  await execute(kernel, "await (globalThis as any).benchJob.cancel()");
  // Alternate the two variants so a noisy neighbour hurts both alike.
  const withoutCharts: number[] = [];
  for (const charts of [false, true, false]) {
    await execute(kernel, jobCell(charts ? "flat out with charts" : "flat out, no-op sinks", charts));
    await new Promise((r) => setTimeout(r, 1000));
    (charts ? withCharts : withoutCharts).push(await eventsPerSecond(kernel));
    await execute(kernel, "await (globalThis as any).benchJob.cancel()");
  }
  return { ts, sql, duringJob, delays, withCharts, withoutCharts };
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
printTable(
  `Cell reply through Jupyter Server + @jupyterlab/services (${CELLS} cells each, after ${WARM_UP_CELLS} warm-up cells)`,
  ["measure", "p50 ms", "p99 ms", "in kernel p50", "in kernel p99", "target p99"],
  [
    ["trivial cell, stock Jupyter Server", pct(stock.ts.total, 50), pct(stock.ts.total, 99), pct(stock.ts.inKernel, 50), pct(stock.ts.inKernel, 99), ""],
    ["trivial %sql cell, stock Jupyter Server", pct(stock.sql.total, 50), pct(stock.sql.total, 99), pct(stock.sql.inKernel, 50), pct(stock.sql.inKernel, 99), ""],
    ["trivial cell, Sluice's server config", pct(tuned.ts.total, 50), pct(tuned.ts.total, 99), pct(tuned.ts.inKernel, 50), pct(tuned.ts.inKernel, 99), ""],
    ["trivial %sql cell, Sluice's server config", pct(tuned.sql.total, 50), pct(tuned.sql.total, 99), pct(tuned.sql.inKernel, 50), pct(tuned.sql.inKernel, 99), ""],
    ["trivial cell while a job runs flat out", pct(tuned.duringJob.total, 50), pct(tuned.duringJob.total, 99), pct(tuned.duringJob.inKernel, 50), pct(tuned.duringJob.inKernel, 99), "< 50"],
  ],
);
printTable(
  `Live chart latency (${tuned.delays.length} chart updates)`,
  ["measure", "p50 ms", "p99 ms", "target p99"],
  [["record enters → chart update at client", pct(tuned.delays, 50), pct(tuned.delays, 99), "< 250 + 250 throttle"]],
);
printTable(
  `Job throughput, ${RATE_SECONDS} s windows, variants alternated`,
  ["job", "events/s (mean)", "runs"],
  [
    ["two live charts", mean(tuned.withCharts), tuned.withCharts.map((r) => Math.round(r).toLocaleString("en-US")).join(" / ")],
    ["same job, no-op sinks", mean(tuned.withoutCharts), tuned.withoutCharts.map((r) => Math.round(r).toLocaleString("en-US")).join(" / ")],
    ["ratio charts / no-op (target ≥ 0.80)", (mean(tuned.withCharts) / mean(tuned.withoutCharts)).toFixed(2), ""],
  ],
);
