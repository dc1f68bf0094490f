"""Kernel start: from launching the kernel process to its first replies, as a Jupyter client sees
it (jupyter_client over ZeroMQ, the kernelspec Jupyter would use). A benchmark, not a test: run it
on an idle machine; a loaded one (other builds, CI) stretches every figure.
Run: JUPYTER_PATH=.venv/share/jupyter .venv/bin/python bench/kernel_start.py [starts] [kernel]
Prints, per phase, the median, min and max over the starts (default 5, kernelspec sluice):
  ready             launch -> kernel_info_reply (what "kernel ready" means to Jupyter)
  first TS reply    launch -> execute_reply of `1 + 1` (tslab's compiler loads on first use)
  first SQL reply   launch -> execute_reply of `%sql select 42` after it (DuckDB loads on first use)
and the kernel process's own CPU time (user + system, Linux /proc) at ready: on a loaded machine
the wall times grow with the load, the CPU time much less, so it bounds what an idle machine
would show (the kernel is mostly one thread while it starts)."""

import os
import statistics
import sys
import time

from jupyter_client.manager import KernelManager

STARTS = int(sys.argv[1]) if len(sys.argv) > 1 else 5
KERNEL = sys.argv[2] if len(sys.argv) > 2 else "sluice"


def cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def one_start():
    km = KernelManager(kernel_name=KERNEL)
    t0 = time.perf_counter()
    km.start_kernel()
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        ready = time.perf_counter() - t0
        cpu = cpu_seconds(km.provisioner.process.pid)
        for code in ("1 + 1", "%sql select 42"):
            reply = kc.execute_interactive(code, output_hook=lambda m: None, timeout=120)
            assert reply["content"]["status"] == "ok", reply["content"]
            if code == "1 + 1":
                first_ts = time.perf_counter() - t0
            else:
                first_sql = time.perf_counter() - t0
        return ready, first_ts, first_sql, cpu
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


rows = [one_start() for _ in range(STARTS)]
load = os.getloadavg()[0]
print(f"\nKernel start, {STARTS} starts of kernelspec {KERNEL!r} (load average at the end: {load:.1f} on {os.cpu_count()} cores)")
print(f"{'phase':>16}  {'median s':>8}  {'min s':>6}  {'max s':>6}")
for i, name in enumerate(("ready", "first TS reply", "first SQL reply", "CPU at ready")):
    xs = [r[i] for r in rows]
    print(f"{name:>16}  {statistics.median(xs):8.2f}  {min(xs):6.2f}  {max(xs):6.2f}")
