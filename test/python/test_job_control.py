"""Job control a user can trust, through a real kernel (jupyter_client over ZeroMQ): a restart or
shutdown leaves every running job's display in a final state, and an exception thrown inside a
job's function points at the cell's own line, as a cell's own errors do."""

import time

from conftest import run

UNBOUNDED = """const env = StreamEnvironment.create();
const views = env.fromSource(DataGen.pageViews({ seed: 5, rate: 300 }));
views.sinkTo(chart.line({ x: "ts:T", y: "eventId" }));
const job = env.execute("pv");
"""


def _status_id(out):
    ids = [m["content"]["transient"]["display_id"] for m in out if m["msg_type"] == "display_data"]
    status = [i for i in ids if i.startswith("sluice-job-")]
    assert status, out
    return status[0]


def _running_update(kc, display_id, timeout=60):
    """Waits for an update of display_id saying "running" (the job's first one after the cell)."""
    deadline = time.monotonic() + timeout
    while True:
        assert time.monotonic() < deadline, f"no running update of {display_id} within {timeout} s"
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        if m["msg_type"] == "update_display_data" and m["content"]["transient"].get("display_id") == display_id and "running" in m["content"]["data"]["text/plain"]:
            return


def _final_status(kc, display_id, timeout=60):
    """The last status-line text the kernel published for display_id before the deadline passes quietly."""
    deadline = time.time() + timeout
    last = None
    while time.time() < deadline:
        try:
            m = kc.get_iopub_msg(timeout=1)
        except Exception:  # queue.Empty: nothing more for now
            if last is not None and "running" not in last:
                return last
            continue
        if m["msg_type"] == "update_display_data" and m["content"]["transient"].get("display_id") == display_id:
            last = m["content"]["data"]["text/plain"]
    return last


def test_a_restart_gives_running_jobs_a_final_state(kernel):
    km, kc = kernel
    reply, out = run(kc, UNBOUNDED)
    assert reply["content"]["status"] == "ok", out
    status_id = _status_id(out)
    _running_update(kc, status_id)  # the job is running when the kernel restarts
    km.restart_kernel(now=False)
    final = _final_status(kc, status_id)
    assert final is not None and final.startswith('■ stopped: kernel restarted · job "pv"'), final
    kc.wait_for_ready(timeout=60)


def test_a_shutdown_gives_running_jobs_a_final_state(kernel):
    km, kc = kernel
    reply, out = run(kc, UNBOUNDED)
    assert reply["content"]["status"] == "ok", out
    status_id = _status_id(out)
    kc.shutdown()
    final = _final_status(kc, status_id)
    assert final is not None and final.startswith('■ stopped: kernel shut down · job "pv"'), final


FAILING = """const env = StreamEnvironment.create();
const out = sinks.collect<number>();
env.fromArray([1, 2, 3])
  .map((x) => { if (x === 2) throw new Error("boom at " + x); return x; })
  .sinkTo(out);
env.execute("bad");"""


def test_a_job_error_points_at_the_cells_line_without_engine_frames(kernel):
    _, kc = kernel
    run(kc, "1")
    reply, out = run(kc, FAILING, timeout=60)
    errors = [m["content"] for m in out if m["msg_type"] == "error"]
    assert errors, out
    tb = "\n".join(errors[-1]["traceback"])
    assert "Cell In[2], line 4" in tb, tb
    assert '.map((x) => { if (x === 2) throw new Error("boom at " + x); return x; })' in tb, tb
    assert "cell-" not in tb and "engine/src" not in tb and "kernel/src" not in tb and "node:internal" not in tb, tb
