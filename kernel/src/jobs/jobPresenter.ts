import type { JobHandle, JobMetrics, LiveView } from "../../../engine/src/index.js";
import { isLiveView } from "../../../engine/src/host.js";
import type { MimeBundle } from "../display/mimeBundle.js";
import { log } from "../log.js";
import type { IopubPublisher } from "../session/outbox.js";
import type { OutputTarget } from "../session/outputContext.js";
import type { Header } from "../wire/messages.js";
import { JobCard } from "./jobCard.js";
import { jobError, type FrameMapper } from "./jobError.js";
import { liveUpdateIntervalMs } from "./liveSettings.js";
import { PolledDisplays } from "./polledDisplay.js";
import { RateMeter, restartCount, statusBundle } from "./statusLine.js";
import { renderSvg } from "./svgRender.js";
import { Throttle } from "./throttle.js";

const VEGA_LITE = "application/vnd.vegalite.v5+json";

/** What the kernel keeps per job: where it was started and the displays that show it. */
export interface JobView {
  job: JobHandle;
  /** Resolves once the job is over and its final state (with SVGs) has been published. */
  settled: Promise<void>;
  /** The execute_request that started the job: its output area is the job's home. */
  origin: Header;
  statusId: string;
  views: LiveView[];
  /** Set when the kernel stopped the job (shutdown, restart): its final status line says so. */
  stoppedBy?: string;
  /** The job card (`job.show({ details: true })`, `%jobs show JOB --graph`), once asked for: updated with the status line. */
  card?: { id: string; card: JobCard; parent: Header };
}

/** How `job.show()` / `%jobs show` shows a job again: `details` adds the job card (graph, checkpoints, …). */
export interface ShowOptions {
  details?: boolean;
}

/**
 * Shows each job in the output area of the cell that started it: a status line, then every live
 * view among its sinks (charts, tables). Both update in place via display_id, throttled to a few
 * per second, and the final state (with a static SVG of each chart) is what the notebook keeps.
 */
export class JobPresenter {
  private readonly jobs = new Map<JobHandle, JobView>();
  /** Cards of jobs that run elsewhere (a Flink cluster), refreshed on a timer. */
  readonly polled = new PolledDisplays((bundle, id, parent, update) => this.display(bundle, id, parent, update));

  /**
   * @param executingRequest the header of the cell executing now, if any. Every display update
   *   goes to the job's own cell (its parent header and display id). While another cell executes,
   *   the update is also sent as that cell's message: clients that only listen to the cell they
   *   execute (nbclient, papermill) then apply it too, by display_id, to the job's cell, so an
   *   executed notebook saves a detached job's latest state, not the state when its cell ended.
   *   IPython's `DisplayHandle.update()` from a later cell sends the same; JupyterLab applies
   *   either copy to the one display.
   */
  constructor(
    private readonly outbox: IopubPublisher,
    private readonly flushStreams: () => void,
    private readonly executingRequest: () => Header | undefined = () => undefined,
    private readonly mapFrames?: FrameMapper,
    /** The jobs the engine's registry still keeps (HostAttachment.jobs); by default all shown here. */
    private readonly kept: () => readonly JobHandle[] = () => [...this.jobs.keys()],
  ) {}

  list(): JobView[] {
    return [...this.jobs.values()];
  }

  /** Called as the job starts, inside the cell that started it. */
  attach(job: JobHandle, target: OutputTarget): JobView {
    const view: JobView = {
      job,
      settled: Promise.resolve(),
      origin: target.parent,
      statusId: `sluice-job-${randomId()}`,
      views: job.sinks.flatMap((s) => (isLiveView(s) ? [s] : [])),
    };
    this.jobs.set(job, view);
    this.forgetDropped();
    const meter = new RateMeter();
    let restartsLogged = 0;
    const publishStatus = (update: boolean) => {
      const m = job.metrics();
      restartsLogged = logRestart(job.name, m, restartsLogged);
      meter.sample(m.operators.filter((o) => o.kind === "source").reduce((a, o) => a + o.recordsIn, 0));
      this.display(statusBundle(job, m, meter.rate, view.stoppedBy), view.statusId, view.origin, update);
      if (view.card) this.display(view.card.card.bundle(m, view.stoppedBy), view.card.id, view.card.parent, true);
    };
    this.flushStreams();
    // Plan warnings (e.g. windows that fire only at end of input) go above the status line, as stderr.
    for (const warning of job.warnings) void this.outbox.publish("stream", { name: "stderr", text: `Warning: ${warning}\n` }, view.origin);
    publishStatus(false);
    const stops: (() => void)[] = [];
    for (const live of view.views) {
      this.display(live.bundle(), live.viewId, view.origin, false);
      const t = new Throttle(() => this.display(live.bundle(), live.viewId, view.origin, true), liveUpdateIntervalMs);
      const unsubscribe = live.subscribe(() => t.call());
      stops.push(() => {
        unsubscribe();
        t.cancel();
      });
    }
    const poll = setInterval(() => publishStatus(true), Math.max(100, liveUpdateIntervalMs()));
    poll.unref();
    view.settled = job.done.then(async (result) => {
      clearInterval(poll);
      for (const stop of stops) stop();
      publishStatus(true);
      for (const live of view.views) this.display(await finalBundle(live), live.viewId, view.origin, true);
      if (result.status === "failed" && result.error) await this.outbox.publish("error", jobError(job.name, result.error, this.mapFrames), view.origin);
    });
    return view;
  }

  /**
   * Keeps only the jobs the engine's registry keeps (running ones and the most recent finished
   * ones): one list, one retention rule, so a finished job's runner and operator state are not
   * held here after the registry let them go.
   */
  private forgetDropped(): void {
    const kept = new Set(this.kept());
    for (const job of this.jobs.keys()) if (!kept.has(job)) this.jobs.delete(job);
  }

  /**
   * Cancels every running job for a kernel shutdown or restart and gives each of its displays a
   * final state ("■ stopped: kernel restarted" and the charts' last data), so no notebook is left
   * saying "running" for a kernel that is gone. A job that does not stop within `timeoutMs` still
   * gets the final status line; the process is about to end either way.
   */
  async stopAll(reason: string, timeoutMs: number): Promise<void> {
    this.polled.stopAll();
    const live = this.list().filter((v) => v.job.result === undefined);
    for (const v of live) v.stoppedBy = reason;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    await Promise.race([Promise.all(live.map((v) => v.job.cancel().then(() => v.settled))), timeout]);
    clearTimeout(timer);
    for (const v of live.filter((v) => v.job.result === undefined)) {
      this.display(statusBundle(v.job, { ...v.job.metrics(), status: "cancelled" }, 0, `${reason} (the job did not stop in time)`), v.statusId, v.origin, true);
    }
  }

  /**
   * Settles once every bounded job shown here is over and its final state published; rejects with
   * the first failed job's error (`%jobs wait`, which `sluice report` runs before writing).
   */
  async waitBounded(): Promise<void> {
    const views = this.list().filter((v) => v.job.bounded);
    await Promise.all(views.map((v) => v.settled));
    const failed = views.find((v) => v.job.result?.status === "failed");
    if (failed?.job.result?.error) throw failed.job.result.error;
  }

  /**
   * Shows a job again in another cell (e.g. after a browser reload): same display ids, current data.
   * With `details`, the job card too, updated in place from then on (until the job ends).
   */
  show(job: JobHandle, target: OutputTarget, options: ShowOptions = {}): void {
    const view = this.jobs.get(job) ?? this.attach(job, target);
    const m = job.metrics();
    if (options.details) {
      view.card ??= { id: `sluice-card-${randomId()}`, card: new JobCard(job, view.statusId), parent: target.parent };
      view.card.parent = target.parent;
      this.display(view.card.card.bundle(m, view.stoppedBy), view.card.id, target.parent, false);
      return;
    }
    this.display(statusBundle(job, m, 0, view.stoppedBy), view.statusId, target.parent, false);
    for (const live of view.views) this.display(live.bundle(), live.viewId, target.parent, false);
  }

  private display(bundle: MimeBundle, displayId: string, parent: Header, update: boolean): void {
    const content = { data: bundle, metadata: {}, transient: { display_id: displayId } };
    void this.outbox.publish(update ? "update_display_data" : "display_data", content, parent);
    const executing = update ? this.executingRequest() : undefined;
    if (executing !== undefined && executing.msg_id !== parent.msg_id) void this.outbox.publish("update_display_data", content, executing);
  }
}

/**
 * Logs each restart seen since `logged` once (the server's log is where an operator looks for a job
 * failing in a loop); returns the count now logged. Polled, so restarts closer together than the
 * poll are logged as one line with the latest count and cause.
 */
function logRestart(jobName: string, m: JobMetrics, logged: number): number {
  const r = m.restarts;
  if (r === undefined || r.count <= logged) return logged;
  log("warn", "job restarting", { job: jobName, restart: restartCount(r), restoringFrom: r.restoringFrom ?? "start", failure: r.lastFailure });
  return r.count;
}

async function finalBundle(live: LiveView): Promise<MimeBundle> {
  const bundle = live.bundle();
  const spec = bundle[VEGA_LITE] as Record<string, unknown> | undefined;
  if (!spec) return bundle;
  const svg = await renderSvg(spec);
  return svg ? { ...bundle, "image/svg+xml": svg } : bundle;
}

function randomId(): string {
  return Math.random().toString(36).slice(2, 10);
}
