"""Trivial-cell reply time over ZeroMQ with jupyter_client (no Jupyter Server in between),
idle and while a job runs flat out; the companion of bench/responsiveness.bench.ts, which
measures the same through Jupyter Server and @jupyterlab/services.
Run: JUPYTER_PATH=.venv/share/jupyter .venv/bin/python bench/cell_latency.py [cells]
With SLUICE_BENCH_JOB=sql-parallel the job is a SQL window aggregate at parallelism 2, its
subtasks on worker threads (issue 20); the kernel's CPU use during the run is printed (above 100%:
the workers ran beside the kernel's thread)."""

import os
import sys
import time
from datetime import datetime

from jupyter_client.manager import start_new_kernel

CELLS = int(sys.argv[1]) if len(sys.argv) > 1 else 200
WARM_UP = 5  # the first cells load tslab's compiler and the engine


def pct(xs, p):
    s = sorted(xs)
    return s[min(len(s) - 1, int(p / 100 * len(s)))]


def measure(kc, code):
    """Round trips and, from the reply's `started` metadata to its header date, the kernel's part."""
    total, in_kernel = [], []
    for i in range(WARM_UP + CELLS):
        t = time.perf_counter()
        reply = kc.execute_interactive(code, output_hook=lambda m: None, timeout=30)
        if i < WARM_UP:
            continue
        total.append((time.perf_counter() - t) * 1000)
        started = datetime.fromisoformat(reply["metadata"]["started"].replace("Z", "+00:00"))
        in_kernel.append((reply["header"]["date"] - started).total_seconds() * 1000)
    return total, in_kernel


km, kc = start_new_kernel(kernel_name="sluice", startup_timeout=60)
try:
    rows = [("TypeScript `1 + 1`, idle", measure(kc, "1 + 1")), ("`%sql select 42`, idle", measure(kc, "%sql select 42"))]
    parallel = os.environ.get("SLUICE_BENCH_JOB") == "sql-parallel"
    job_cell = (
        "%%ssql\n"
        "CREATE TABLE gen (k INT, v INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts) WITH ('connector' = 'datagen', 'rows-per-second' = '100000000', 'fields.k.min' = '0', 'fields.k.max' = '999');\n"
        "SET 'parallelism.default' = '2';\n"
        "SELECT window_start, k, COUNT(*) AS c, SUM(v) AS s FROM TABLE(TUMBLE(TABLE gen, DESCRIPTOR(ts), INTERVAL '10' SECOND)) GROUP BY window_start, window_end, k"
    )
    if parallel:
        kc.execute_interactive("globalThis.cpu0 = [process.cpuUsage(), Date.now()]", output_hook=lambda m: None, timeout=30)
    kc.execute_interactive(
        job_cell
        if parallel
        else "const env = StreamEnvironment.create();\n"
        "env.fromSource(DataGen.pageViews({ seed: 1, rate: Infinity })).keyBy((v) => v.page)\n"
        "  .window(TumblingEventTimeWindows.of(Time.seconds(10))).aggregateWithWindow(Aggregators.count())\n"
        "  .sinkTo(chart.line({ x: 'start:T', y: 'value', color: 'key' }));\n"
        "const job = env.execute('flat out');",
        output_hook=lambda m: None,
        timeout=60,
    )
    time.sleep(2)
    rows.append(("TypeScript `1 + 1`, job running flat out", measure(kc, "1 + 1")))
    rate = []
    if parallel:
        kc.execute_interactive(
            "{ const [u, t] = globalThis.cpu0; const d = process.cpuUsage(u); console.log(`kernel process CPU during the run: ${Math.round((d.user + d.system) / 10 / (Date.now() - t))}%`); }",
            output_hook=lambda m: print(m["content"].get("text", "").strip()) if m["msg_type"] == "stream" else None,
            timeout=30,
        )
        print(f"\nTrivial cells over ZeroMQ ({CELLS} each), jupyter_client, SQL job at parallelism 2 on worker threads")
        print(f"{'measure':>42}  {'p50 ms':>7}  {'p99 ms':>7}  {'in kernel p50':>13}  {'in kernel p99':>13}")
        for name, (xs, ks) in rows:
            print(f"{name:>42}  {pct(xs, 50):7.2f}  {pct(xs, 99):7.2f}  {pct(ks, 50):13.2f}  {pct(ks, 99):13.2f}")
        sys.exit(0)
    kc.execute_interactive(
        "const m = job.metrics(); console.log(m.operators.filter((o) => o.kind === 'source').reduce((a, o) => a + o.recordsIn, 0) / ((Date.now() - m.startedAt) / 1000))",
        output_hook=lambda m: rate.append(m["content"].get("text")) if m["msg_type"] == "stream" else None,
        timeout=30,
    )
    kc.execute_interactive("await job.cancel()", output_hook=lambda m: None, timeout=30)
    print(f"\nTrivial cells over ZeroMQ ({CELLS} each), jupyter_client")
    print(f"{'measure':>42}  {'p50 ms':>7}  {'p99 ms':>7}  {'in kernel p50':>13}  {'in kernel p99':>13}")
    for name, (xs, ks) in rows:
        print(f"{name:>42}  {pct(xs, 50):7.2f}  {pct(xs, 99):7.2f}  {pct(ks, 50):13.2f}  {pct(ks, 99):13.2f}")
    print(f"job rate during the run: {float(rate[-1]):,.0f} events/s" if rate else "")
finally:
    km.shutdown_kernel(now=True)
