/**
 * Responsiveness while a job runs flat out (issue 4): through a real Jupyter Server and the
 * client JupyterLab uses, measures (a) the reply time of a trivial cell and (b) the delay from a
 * record entering the pipeline to the chart update that contains it arriving at the client; and,
 * for comparison, trivial TypeScript and `%sql` cells with no job running.
 * Run: npm run build && node dist/bench/responsiveness.bench.js [trivialCells]
 */
import { KernelManager, ServerConnection } from "@jupyterlab/services";
import type { Kernel, KernelMessage } from "@jupyterlab/services";
import WebSocket from "ws";
import { startJupyterServer } from "../test/support/jupyterServer.js";
import { printTable } from "./table.js";

const CELLS = Number(process.argv[2] ?? 200);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

async function execute(kernel: Kernel.IKernelConnection, code: string, onIOPub?: (m: KernelMessage.IIOPubMessage) => void): Promise<KernelMessage.IExecuteReplyMsg> {
  // Like JupyterLab's output area, keep listening after the reply: live updates come later.
  const future = kernel.requestExecute({ code }, !onIOPub);
  if (onIOPub) future.onIOPub = onIOPub;
  return future.done;
}

const server = await startJupyterServer();
const serverSettings = ServerConnection.makeSettings({
  baseUrl: server.baseUrl,
  wsUrl: server.baseUrl.replace("http", "ws"),
  token: server.token,
  WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
});
const manager = new KernelManager({ serverSettings });
try {
  const kernel = await manager.startNew({ name: "sluice" });
  const trivialCells = async (code = "1 + 1"): Promise<number[]> => {
    const replies: number[] = [];
    for (let i = 0; i < CELLS; i++) {
      const t = performance.now();
      await execute(kernel, code);
      replies.push(performance.now() - t);
    }
    return replies;
  };
  const idle = await trivialCells();
  const sqlIdle = await trivialCells("%sql select 42 as answer");
  const delays: number[] = [];
  // Every 5000th record carries the wall-clock time it entered the pipeline to a point chart.
  await execute(
    kernel,
    `const env = StreamEnvironment.create();
const probe = chart.point({ x: "seq", y: "enteredAt", maxPoints: 50 });
const views = env.fromSource(DataGen.pageViews({ seed: 1, rate: Infinity }));
views.keyBy((v) => v.page).window(TumblingEventTimeWindows.of(Time.seconds(10))).aggregateWithWindow(Aggregators.count())
  .sinkTo(chart.line({ x: "start:T", y: "value", color: "key" }));
views.filter((v) => v.eventId % 5000 === 0).map((v) => ({ seq: v.eventId, enteredAt: Date.now() })).sinkTo(probe);
const job = env.execute("flat out");`,
    (m) => {
      if (m.header.msg_type !== "update_display_data") return;
      const data = (m.content as { data: Record<string, unknown> }).data["application/vnd.vegalite.v5+json"] as { data?: { values?: { enteredAt?: number }[] } } | undefined;
      const newest = Math.max(...(data?.data?.values ?? []).map((p) => p.enteredAt ?? -Infinity));
      if (Number.isFinite(newest)) delays.push(Date.now() - newest);
    },
  );
  await new Promise((r) => setTimeout(r, 2000)); // let the job reach its pace
  const replies = await trivialCells();
  let rate = NaN;
  await execute(kernel, "const m = job.metrics(); console.log(JSON.stringify({ n: m.operators.filter((o) => o.kind === 'source').reduce((a, o) => a + o.recordsIn, 0), s: (Date.now() - m.startedAt) / 1000 }))", (m) => {
    if (m.header.msg_type === "stream") {
      const { n, s } = JSON.parse((m.content as { text: string }).text) as { n: number; s: number };
      rate = n / s;
    }
  });
  await execute(kernel, "await job.cancel()");
  printTable(`Responsiveness while a job runs flat out (${CELLS} trivial cells, ${delays.length} chart updates)`, ["measure", "p50 ms", "p99 ms", "target p99"], [
    ["trivial cell reply, no job running", pct(idle, 50), pct(idle, 99), ""],
    ["trivial %sql cell reply, no job running", pct(sqlIdle, 50), pct(sqlIdle, 99), ""],
    ["trivial cell reply while the job runs", pct(replies, 50), pct(replies, 99), "< 50"],
    ["record enters → chart update at client", pct(delays, 50), pct(delays, 99), "< 250"],
  ]);
  printTable("Job throughput during the measurement", ["events/s"], [[rate]]);
  await kernel.shutdown();
} finally {
  manager.dispose();
  await server.stop();
}
