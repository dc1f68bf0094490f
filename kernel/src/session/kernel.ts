import { randomUUID } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";
import { CellRunner } from "../execute/cellRunner.js";
import { preludeSource } from "../execute/prelude.js";
import { HistoryStore } from "../history/historyStore.js";
import { StreamCapture } from "../io/streamCapture.js";
import { installCellHost } from "../cell/cellHost.js";
import { log } from "../log.js";
import { readConnectionFile } from "../wire/connection.js";
import { Signer } from "../wire/signing.js";
import { ZmqTransport } from "../wire/transport.js";
import { InterruptLine } from "../wire/interruptLine.js";
import { Dispatcher } from "./dispatcher.js";
import { InputBroker } from "./inputBroker.js";
import { Outbox } from "./outbox.js";
import { OutputContext } from "./outputContext.js";
import type { KernelServices } from "./services.js";
import { reportUncaught } from "./uncaught.js";
import { watchSigint } from "./sigintWatch.js";
import { JobPresenter, type ShowOptions } from "../jobs/jobPresenter.js";
import { registerJobsMagic } from "../magics/registry.js";
import { attachHost, type HostAttachment } from "../../../engine/src/host.js";
import type { JobHandle } from "../../../engine/src/index.js";

/** Shutting down stops running jobs cleanly (sources closed, sinks flushed), within a bound; those no cell shows too. */
async function stopJobs(engine: HostAttachment): Promise<void> {
  const running = engine.jobs().filter((j) => j.result === undefined);
  if (running.length === 0) return;
  log("info", "stopping running jobs", { jobs: running.map((j) => j.name) });
  await Promise.race([Promise.all(running.map((j) => j.cancel())), new Promise((r) => setTimeout(r, 5000))]);
}

function historyFile(): string | null {
  if (process.env.SLUICE_HISTORY === "off") return null;
  const base = process.env.XDG_DATA_HOME ?? join(homedir(), ".local", "share");
  return process.env.SLUICE_HISTORY ?? join(base, "sluice", "history.jsonl");
}

/** Starts a kernel on the sockets named by a Jupyter connection file; runs until shutdown. */
export async function startKernel(connectionFile: string): Promise<void> {
  const info = await readConnectionFile(connectionFile);
  const session = randomUUID();
  const signer = new Signer(info.signature_scheme, info.key);
  let transport: ZmqTransport | undefined;
  const outbox = new Outbox({ send: (ch, frames) => transport?.send(ch, frames) ?? Promise.resolve() }, signer, session);
  const outputs = new OutputContext();
  const interrupts = new InterruptLine();
  const runner = new CellRunner(process.cwd(), interrupts);
  const streams = new StreamCapture(outputs, (name, text, parent) => void outbox.publish("stream", { name, text }, parent));
  /** Shows a job in the executing cell: for `job.show()` in a cell and for `%jobs show`. */
  const showHere = (job: JobHandle, options?: ShowOptions): void => {
    const target = outputs.current();
    if (target) jobs.show(job, target, options);
  };
  // Every job a cell starts is shown in that cell; env.execute() calls jobStarted synchronously,
  // so the async context still names the cell.
  const engine = attachHost({
    jobStarted: (job) => {
      const target = outputs.current();
      if (target) jobs.attach(job, target);
    },
    show: showHere,
  });
  const jobs = new JobPresenter(
    outbox,
    () => streams.flush(),
    () => outputs.executing()?.parent,
    (stack) => runner.userFrames(stack),
    engine.jobs,
  );
  registerJobsMagic({
    list: () => jobs.list(),
    showHere,
    showPolled: (first, refresh, what) => {
      const target = outputs.current();
      if (target) jobs.polled.start(first, target.parent, refresh, what);
    },
    waitBounded: () => jobs.waitBounded(),
  });
  const services: KernelServices = {
    outbox,
    runner,
    history: new HistoryStore(historyFile()),
    outputs,
    streams,
    input: new InputBroker(outbox, outputs),
    execution: { count: 0, active: 0, since: 0 },
    interruptHooks: new Set(),
    interrupts,
    jobs,
    payloads: [],
    shutdown: async (restart) => {
      log("info", "shutting down", { restart });
      services.input.cancel();
      await jobs.stopAll(restart ? "kernel restarted" : "kernel shut down", 5000);
      await stopJobs(engine);
      runner.close();
      await transport?.close();
      process.exit(0);
    },
  };
  const dispatcher = new Dispatcher(services);

  installCellHost({
    display: (data, { displayId, update, metadata }) => {
      const target = outputs.current();
      if (!target) return;
      streams.flush();
      const transient = displayId ? { display_id: displayId } : {};
      void outbox.publish(update ? "update_display_data" : "display_data", { data, metadata: metadata ?? {}, transient }, target.parent);
    },
    clearOutput: (wait) => {
      const target = outputs.current();
      streams.flush();
      if (target) void outbox.publish("clear_output", { wait }, target.parent);
    },
    input: (prompt, password) => {
      streams.flush();
      return services.input.request(prompt, password);
    },
    page: (bundle) => services.payloads.push({ source: "page", data: bundle, start: 0 }),
    hold: (work) => void outputs.current()?.pending?.push(work),
  });
  runner.tslabDisplayHook = (data, update) => {
    const target = outputs.current();
    if (target) void outbox.publish(update ? "update_display_data" : "display_data", data, target.parent);
  };
  streams.install();
  reportUncaught(runner, outbox, outputs);
  // A running stretch of cell code is stopped by vm (breakOnSigint); this cancels a pending await,
  // input or query. Called for the control worker's interrupt message and for a SIGINT (signal mode).
  const interrupt = (seq?: number): void => {
    // The worker's message for an interrupt that came before the running cell's request is late.
    if (seq !== undefined && services.execution.active > 0 && seq <= services.execution.since) return;
    runner.interrupt();
    services.input.cancel();
    for (const hook of services.interruptHooks) hook();
    // Not settled here when no cell executes: the request it may have overtaken settles it
    // (InterruptLine.since); SIGINT is only raised while cell code runs, so none is raised meanwhile.
  };
  watchSigint(() => interrupt());

  const prelude = await preludeSource();
  const loaded = await runner.execute(prelude, 0);
  if (loaded.status === "error") log("error", "prelude failed: engine API not pre-imported", { error: loaded.error.evalue });

  transport = await ZmqTransport.create(info, session, signer, interrupts, {
    onRequest: (channel, msg) => dispatcher.onRequest(channel, msg),
    onSubscribe: (topic) => void outbox.publish("iopub_welcome", { subscription: topic }, {}),
    onInterrupted: (header, seq) => {
      interrupt(seq);
      void outbox.publish("status", { execution_state: "busy" }, header).then(() => outbox.publish("status", { execution_state: "idle" }, header));
    },
  });
  log("info", "kernel ready", { session, connectionFile });
}
