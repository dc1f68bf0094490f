"""Finished jobs do not accumulate in the kernel: one list of jobs, one retention rule.

The engine's registry keeps running jobs and the 50 most recently finished ones; `env.jobs` and the
kernel's job presenter used to keep every job they ever saw, so each finished job's runner, keyed
state and collected output stayed reachable from one long-lived `env`. Here one environment runs
200 small keyed jobs (500 keys of reduce state and 2,000 collected records each) in one kernel; the
live heap after a full GC is measured once the registry is full (after 60 jobs) and after all 200.
Retaining every job grows it by several hundred KB per job (tens of MB over 140 jobs); pruned, it
stays flat within GC noise. The figures are printed for CI's log.
"""

import json

from conftest import run

MAX_GROWTH_MB = 6
KEEP_FINISHED = 50

# getBuiltinModule rather than an import (see test_memory_plateau.py).
SETUP = """\
const v8 = process.getBuiltinModule("node:v8") as typeof import("node:v8");
const vm = process.getBuiltinModule("node:vm") as typeof import("node:vm");
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;
const liveHeap = () => { gc(); gc(); const m = process.memoryUsage(); return m.heapUsed + m.external; };
const env = StreamEnvironment.create();
async function runJobs(from: number, to: number) {
  for (let i = from; i < to; i++) {
    env.fromArray(Array.from({ length: 2000 }, (_, k) => ({ k: k % 500, v: k + i })))
      .keyBy((r) => r.k)
      .reduce((a, b) => ({ k: a.k, v: a.v + b.v }))
      .sinkTo(sinks.collect());
    await env.execute(`small ${i}`).wait();
  }
}
"""


def _printed(msgs):
    text = "".join(m["content"]["text"] for m in msgs if m["msg_type"] == "stream")
    return json.loads(text.strip().splitlines()[-1])


def test_two_hundred_finished_jobs_leave_the_heap_flat(kernel, capsys):
    _, kc = kernel
    reply, msgs = run(kc, SETUP, timeout=60)
    assert reply["content"]["status"] == "ok", msgs
    reply, msgs = run(kc, "await runJobs(0, 60); const base = liveHeap(); console.log(JSON.stringify({ heap: base }))", timeout=120)
    assert reply["content"]["status"] == "ok", msgs
    base = _printed(msgs)["heap"]
    reply, msgs = run(kc, "await runJobs(60, 200); console.log(JSON.stringify({ heap: liveHeap(), envJobs: env.jobs.length }))", timeout=240)
    assert reply["content"]["status"] == "ok", msgs
    after = _printed(msgs)
    reply, msgs = run(kc, "%jobs", timeout=60)
    listed = msgs[-1]["content"]["data"]["text/plain"].splitlines()
    growth_mb = (after["heap"] - base) / 1024 / 1024
    with capsys.disabled():
        print(
            f"\nfinished jobs: live heap after 60 jobs {base / 2**20:.1f} MB, after 200 {after['heap'] / 2**20:.1f} MB ({growth_mb:+.2f} MB); env.jobs {after['envJobs']}, %jobs rows {len(listed) - 1}"
        )
    # The registry prunes when a job starts, so the last job's finish may make it 51 until the next.
    assert KEEP_FINISHED <= after["envJobs"] <= KEEP_FINISHED + 1
    assert len(listed) - 1 == after["envJobs"]  # header + one row per kept job
    assert growth_mb < MAX_GROWTH_MB, f"live heap grew {growth_mb:.1f} MB over 140 finished jobs"
