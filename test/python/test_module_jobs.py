"""Parallel TypeScript jobs from a notebook, through a real kernel (jupyter_client) whose working
directory is the notebook's folder: a job declared in `wordcount.ts` beside it runs at parallelism 2
on worker threads (the status line says so) with the counts of parallelism 1, and a job declared in
a cell at parallelism 2 runs on one thread with a warning above its status line saying why."""

import re

from conftest import KERNEL, run
from jupyter_client.manager import start_new_kernel

WORDCOUNT = """import { sinks, type StreamEnvironment } from "sluice";

export function wordCount(env: StreamEnvironment, args: { n: number }) {
  const words: string[] = [];
  for (let i = 0; i < args.n; i++) words.push(`w${(i * 7919) % 13}`);
  const counts = sinks.collect<[string, number]>();
  env.fromArray(words).setParallelism(1).map((w): [string, number] => [w, 1]).keyBy((t) => t[0]).sum(1).sinkTo(counts).setParallelism(1);
  return { counts };
}
"""

COUNT = """const {{ job: job{p}, declared: d{p} }} = await executeModule<{{ counts: CollectSink<[string, number]> }}>("./wordcount.ts", "wordCount", {{ parallelism: {p}, args: {{ n: 2000 }} }});
await job{p}.wait();
const final{p} = [...new Map(d{p}.counts.values)].sort();
"""


def status_text(out):
    return [m["content"]["data"]["text/plain"] for m in out if m["msg_type"] in ("display_data", "update_display_data") and "sluice-job" in m["content"].get("transient", {}).get("display_id", "")]


def test_a_module_job_runs_on_worker_threads_and_a_cell_job_says_why_it_does_not(tmp_path):
    (tmp_path / "wordcount.ts").write_text(WORDCOUNT)
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=60, cwd=str(tmp_path))
    try:
        # One cell for both runs and the comparison: each cell costs a type check on a loaded machine.
        reply, out = run(kc, COUNT.format(p=1) + COUNT.format(p=2) + "JSON.stringify(final2) === JSON.stringify(final1) && final1.reduce((a, [, c]) => a + c, 0)", timeout=60)
        assert reply["content"]["status"] == "ok", reply["content"]
        assert next(m for m in out if m["msg_type"] == "execute_result")["content"]["data"]["text/plain"] == "2000", out
        lines = [line for line in status_text(out) if "wordCount" in line and "p=2" in line]
        assert lines and all(re.search(r"job \"wordCount\" · p=2 on [12] worker threads? · ", line) for line in lines), status_text(out)
        assert not [m for m in out if m["msg_type"] == "stream" and m["content"]["name"] == "stderr"]

        cell = 'const env = StreamEnvironment.create({ parallelism: 2 });\nenv.fromArray([1, 2, 3]).map((x) => x * 2).sinkTo(sinks.collect<number>());\nawait env.execute("in a cell").wait();'
        reply, out = run(kc, cell, timeout=60)
        assert reply["content"]["status"] == "ok", reply["content"]
        warning = next(i for i, m in enumerate(out) if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
        status = next(i for i, m in enumerate(out) if m["msg_type"] == "display_data")
        assert warning < status
        assert out[warning]["content"]["text"].startswith("Warning: parallelism 2 runs on one thread: a job declared in a cell cannot move to worker threads")
        assert 'job "in a cell" · p=2 on one thread (defined in a cell) · ' in status_text(out)[-1]

        reply, out = run(kc, "%jobs")
        listing = next(m for m in out if m["msg_type"] == "execute_result")["content"]["data"]["text/plain"]
        rows = {r.split("\t")[1]: r.split("\t")[3] for r in listing.splitlines()[1:]}  # the p=2 "wordCount", listed after p=1
        assert rows["in a cell"] == "p=2 on one thread", listing
        assert re.fullmatch(r"p=2 on [12] worker threads?", rows["wordCount"]), listing
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
