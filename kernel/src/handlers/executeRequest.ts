import { CellError } from "../execute/traceback.js";
import { toMimeBundle } from "../display/mimeBundle.js";
import { pagerRequest } from "../execute/pager.js";
import { parseMagic } from "../magics/magicParser.js";
import { runMagic } from "../magics/registry.js";
import type { MagicEnv } from "../magics/magic.js";
import { JobHandle } from "../../../engine/src/index.js";
import type { Handler, Reply, RequestContext } from "../session/services.js";
import type { UserExpressionResult } from "../wire/protocol.js";

type Context = RequestContext<"execute_request">;

/**
 * The wire handler; the work is CellRunner.execute. Order on iopub: execute_input, streams and
 * displays as they happen, then execute_result or error; the reply follows (then idle).
 */
export const execute_request: Handler<"execute_request"> = async (ctx) => {
  const { services } = ctx;
  // An interrupt from here on is this cell's, wherever it lands: before, during or after compiling
  // (and one the client sent after this request, if it overtook it).
  const since = services.interrupts.since(Date.parse(ctx.msg.header.date));
  services.execution.since = since;
  services.execution.active += 1;
  try {
    return await execute(ctx, since);
  } finally {
    services.execution.active -= 1;
    services.interrupts.settle();
  }
};

async function execute(ctx: Context, since: number): Promise<Reply<"execute_request">> {
  const { services, msg, publish } = ctx;
  const req = msg.content; // decoded: code is a string (protocol.ts)
  const silent = req.silent;
  const storeHistory = !silent && req.store_history;
  if (storeHistory) services.execution.count += 1;
  const count = services.execution.count;
  if (!silent) await publish("execute_input", { code: req.code, execution_count: count });

  services.payloads = [];
  const target = { parent: msg.header, identities: msg.identities, allowStdin: req.allow_stdin, pending: [] as Promise<unknown>[] };
  const paged = pagerRequest(req.code);
  const magic = parseMagic(req.code);
  const outcome = await services.outputs.run(target, async () => {
    if (paged) return pageInspection(ctx, paged);
    if (magic) return runMagic(magic, magicEnv(ctx, req.code, count, since));
    return services.runner.execute(req.code, count, since);
  });
  await awaitBoundedJobs(ctx, since);
  // nbclient and JupyterLab apply a display's update only while its cell runs.
  await Promise.allSettled(target.pending);
  services.streams.flush();

  let resultText: string | null = null;
  if (outcome.status === "ok" && outcome.result && outcome.result.value instanceof JobHandle) {
    // A job as a cell's value shows its live status and charts here, unless this very cell
    // started it and shows it already. instanceof holds: cells and kernel share one engine.
    const job = outcome.result.value;
    const startedHere = services.jobs.list().some((v) => v.job === job && v.origin.msg_id === msg.header.msg_id);
    if (!startedHere) services.jobs.show(job, target);
  } else if (outcome.status === "ok" && outcome.result && !silent) {
    const data = toMimeBundle(outcome.result.value);
    resultText = String(data["text/plain"] ?? "");
    await publish("execute_result", { execution_count: count, data, metadata: {} });
  }
  if (storeHistory) services.history.record(count, req.code, resultText);

  if (outcome.status === "error") {
    if (!silent) await publish("error", outcome.error);
    return {
      content: { status: "error", execution_count: count, ...outcome.error },
      abortQueued: req.stop_on_error,
    };
  }
  const user_expressions = await evaluateUserExpressions(ctx, req.user_expressions);
  return { content: { status: "ok", execution_count: count, payload: services.payloads, user_expressions } };
}

type Outcome = { status: "ok"; result?: { value: unknown } } | { status: "error"; error: CellError };

/** `name?` shows what inspection knows about `name` in the pager, as IPython does. */
function pageInspection(ctx: Context, expr: string): Outcome {
  const text = ctx.services.runner.inspect(expr, [...expr].length);
  if (text === undefined) {
    return { status: "error", error: { ename: "NameError", evalue: `nothing known about '${expr}'`, traceback: [`NameError: nothing known about '${expr}'`] } };
  }
  ctx.services.payloads.push({ source: "page", data: { "text/plain": text }, start: 0 });
  return { status: "ok" };
}

/**
 * A cell that starts bounded jobs (all sources end) is done when they are, so executed notebooks
 * and reports hold final results. Interrupt stops the waiting only: the jobs go on in the
 * background. Unbounded jobs, and jobs marked with `job.detach()`, never hold the cell.
 */
async function awaitBoundedJobs(ctx: Context, since: number): Promise<void> {
  const mine = ctx.services.jobs.list().filter((v) => v.origin.msg_id === ctx.msg.header.msg_id && v.job.bounded && !v.job.detached);
  if (mine.length === 0 || ctx.services.interrupts.requested() !== since) return;
  let release: () => void = () => {};
  const interrupted = new Promise<void>((r) => (release = r));
  ctx.services.interruptHooks.add(release);
  try {
    await Promise.race([Promise.all(mine.map((v) => v.settled)), interrupted]);
  } finally {
    ctx.services.interruptHooks.delete(release);
  }
}

function magicEnv(ctx: Context, source: string, executionCount: number, since: number): MagicEnv {
  const { services } = ctx;
  return {
    source,
    executionCount,
    lookup: (name) => services.runner.lookup(name),
    assign: (name, value, tsType) => services.runner.assign(name, value, tsType),
    interruptible: async (work, onInterrupt) => {
      // Asked again until the work ends: an interrupt that came while the work was starting (a
      // query not yet running in DuckDB) would otherwise be lost.
      let again: NodeJS.Timeout | undefined;
      const stop = (): void => {
        onInterrupt();
        again ??= setInterval(onInterrupt, 50);
      };
      services.interruptHooks.add(stop);
      try {
        const working = work();
        if (services.interrupts.requested() !== since) stop(); // interrupted before the work began
        return await working;
      } finally {
        services.interruptHooks.delete(stop);
        clearInterval(again);
      }
    },
  };
}

async function evaluateUserExpressions(ctx: Context, exprs: Record<string, string>): Promise<Record<string, UserExpressionResult>> {
  const out: Record<string, UserExpressionResult> = {};
  for (const [name, expr] of Object.entries(exprs)) {
    const r = await ctx.services.runner.execute(expr, 0);
    out[name] =
      r.status === "ok" ? { status: "ok", data: toMimeBundle(r.result?.value), metadata: {} } : { status: "error", ename: r.error.ename, evalue: r.error.evalue, traceback: r.error.traceback };
  }
  return out;
}
