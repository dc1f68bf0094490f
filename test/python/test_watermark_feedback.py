"""Event time that cannot advance is said in the cell, through a real kernel (jupyter_client):
a PlanError for a window that would never fire, a warning above the status line for one that fires
only at the end of input, and the status line naming the source that holds the watermark back."""

import time

from conftest import run

WINDOW = """const env = StreamEnvironment.create();
env.fromSource(DataGen.pageViews({{ seed: 1, {source} }}), undefined, "views")
  .keyBy((v) => v.page)
  .window(TumblingEventTimeWindows.of(Time.seconds(10)))
  .count()
  .sinkTo(sinks.collect());
const job = env.execute("views per page");
"""


def test_a_window_that_would_never_fire_is_a_plan_error_in_the_cell(reused_kernel):
    _, kc = reused_kernel
    reply, out = run(kc, WINDOW.format(source="rate: 100"))
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "PlanError"
    text = reply["content"]["evalue"]
    assert "'window.count' (event-time window TumblingEventTimeWindows(10000)) would never fire" in text
    assert "source 'views' is unbounded and carries no watermarks" in text


def test_a_window_that_fires_only_at_end_of_input_warns_above_the_status_line(reused_kernel):
    _, kc = reused_kernel
    reply, out = run(kc, WINDOW.format(source="count: 200, rate: Infinity"), timeout=60)
    assert reply["content"]["status"] == "ok"
    kinds = [(m["msg_type"], m["content"].get("name")) for m in out]
    warning = next(i for i, m in enumerate(out) if m["msg_type"] == "stream" and m["content"]["name"] == "stderr")
    status = next(i for i, m in enumerate(out) if m["msg_type"] == "display_data")
    assert warning < status, kinds
    assert out[warning]["content"]["text"].startswith("Warning: 'window.count' (event-time window TumblingEventTimeWindows(10000)) fires only when source 'views' ends")


def test_the_status_line_names_the_source_without_a_watermark_strategy(kernel):
    _, kc = kernel
    # Bounded (so not a PlanError) and slow: its window waits for the end; detached, so the cell returns.
    cell = WINDOW.format(source="count: 100000, rate: 50").replace('env.execute("views per page")', 'env.execute("views per page").detach()')
    reply, out = run(kc, cell)
    assert reply["content"]["status"] == "ok"
    status_id = next(m for m in out if m["msg_type"] == "display_data")["content"]["transient"]["display_id"]
    deadline = time.time() + 30
    latest = ""
    while time.time() < deadline and "held back" not in latest:
        m = kc.get_iopub_msg(timeout=30)
        if m["msg_type"] in ("display_data", "update_display_data") and m["content"].get("transient", {}).get("display_id") == status_id:
            latest = m["content"]["data"]["text/plain"]
    assert "watermark none yet, held back by 'views' (no watermark strategy)" in latest, latest
    reply, _ = run(kc, "await job.cancel();")
    assert reply["content"]["status"] == "ok"
