"""Streaming jobs in the notebook: live charts in the starting cell, job control, errors, through jupyter_client."""

import json
import time
from pathlib import Path

import jsonschema

from conftest import run

ROOT = Path(__file__).resolve().parents[2]
VEGA_LITE = "application/vnd.vegalite.v5+json"
SCHEMA = jsonschema.Draft7Validator(json.loads((ROOT / "node_modules" / "vega-lite" / "build" / "vega-lite-schema.json").read_text()))

PIPELINE = """const env = StreamEnvironment.create();
const strategy = WatermarkStrategy.forBoundedOutOfOrderness<PageView>(1000).withTimestampAssigner((v) => v.ts);
const counts = env.fromSource(DataGen.pageViews({{ seed: 3, {source} }}), strategy)
  .keyBy((v) => v.page)
  .window(TumblingEventTimeWindows.of(Time.seconds(5)))
  .allowedLateness(Time.seconds(3))
  .aggregateWithWindow(Aggregators.count());
"""


def _displays(out, kind):
    return [m for m in out if m["msg_type"] == kind]


def _wait_iopub(kc, pred, timeout=30):
    deadline = time.time() + timeout
    seen = []
    while time.time() < deadline:
        m = kc.get_iopub_msg(timeout=max(0.1, deadline - time.time()))
        seen.append(m)
        if pred(m):
            return m, seen
    raise AssertionError("expected message did not arrive")


def _value(kc, expr):
    """The cell value of a TypeScript expression, as JSON."""
    reply, out = run(kc, f"console.log(JSON.stringify({expr}))")
    assert reply["content"]["status"] == "ok", reply["content"]
    return json.loads("".join(m["content"]["text"] for m in out if m["msg_type"] == "stream"))


def _until(kc, expr, timeout=60):
    """Waits until a TypeScript expression is true in the kernel (a condition, not a guessed sleep)."""
    deadline = time.monotonic() + timeout
    while not _value(kc, expr):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expr}"
        time.sleep(0.1)


def test_bounded_job_grows_a_chart_in_place_and_saves_the_final_state(kernel):
    _, kc = kernel
    code = PIPELINE.format(source="count: 6000, rate: 3000, eventsPerSecond: 200, maxOutOfOrderness: 3000") + (
        "const latest = sinks.latest((r: { key: string; start: number; value: number }) => JSON.stringify([r.key, r.start]));\n"
        "counts.sinkTo(latest);\n"
        'counts.sinkTo(chart.line({ x: "start:T", y: "value", color: "key" }));\n'
        'env.execute("counts");'
    )
    reply, out = run(kc, code, timeout=120)
    assert reply["content"]["status"] == "ok"
    charts = [m for m in _displays(out, "display_data") if VEGA_LITE in m["content"]["data"]]
    assert len(charts) == 1
    chart_id = charts[0]["content"]["transient"]["display_id"]
    updates = [m for m in _displays(out, "update_display_data") if m["content"]["transient"]["display_id"] == chart_id]
    assert len(updates) >= 2, "the chart should update while the job runs"
    final = updates[-1]["content"]["data"]
    assert final["image/svg+xml"].startswith("<svg")  # static fallback for viewers without Vega
    SCHEMA.validate(final[VEGA_LITE])
    points = final[VEGA_LITE]["data"]["values"]
    ids = [(p["key"], p["start"]) for p in points]
    assert len(ids) == len(set(ids)), "late firings must replace their point, not duplicate it"
    # The chart's final points equal the latest result per window from the engine itself.
    _, out2 = run(kc, "console.log(JSON.stringify(latest.values().map((r) => [r.key, r.start, r.value])))")
    streams = [m for m in out2 if m["msg_type"] == "stream"]
    assert streams, [m["content"] for m in out2]
    expected = sorted(tuple(x) for x in json.loads(streams[-1]["content"]["text"]))
    assert len(expected) > 10
    assert sorted((p["key"], p["start"], p["value"]) for p in points) == expected
    status = [m for m in _displays(out, "update_display_data") if "sluice-job" in m["content"]["transient"]["display_id"]]
    assert "finished" in status[-1]["content"]["data"]["text/plain"]


def test_updates_are_throttled_at_a_high_event_rate(kernel):
    _, kc = kernel
    code = PIPELINE.format(source="count: 300000, rate: 1e9, eventsPerSecond: 5000") + ('counts.sinkTo(chart.bar({ x: "start:T", y: "value", color: "key" }));\nenv.execute("fast");')
    started = time.time()
    reply, out = run(kc, code, timeout=120)
    elapsed = time.time() - started
    assert reply["content"]["status"] == "ok"
    updates = _displays(out, "update_display_data")
    chart_updates = [m for m in updates if VEGA_LITE in m["content"]["data"]]
    # At most 4 a second (the default), plus the first and the final one.
    assert len(chart_updates) <= 4 * elapsed + 2, (len(chart_updates), elapsed)


def test_unbounded_job_returns_at_once_and_the_notebook_stays_usable(kernel):
    _, kc = kernel
    reply, out = run(kc, PIPELINE.format(source="rate: 500") + 'counts.sinkTo(chart.line({ x: "start:T", y: "value" }));\nconst job = env.execute("forever");')
    assert reply["content"]["status"] == "ok"
    reply, out = run(kc, "6 * 7")
    assert out[-1]["content"]["data"]["text/plain"] == "42"
    # Interrupting the kernel does not stop background jobs. The reply says the interrupt was
    # handled, so it cannot land in the cells below (km.interrupt_kernel() does not wait for it).
    request = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(request)
    while kc.get_control_msg(timeout=10)["parent_header"].get("msg_id") != request["header"]["msg_id"]:
        pass
    read = _value(kc, "job.metrics().operators[0].recordsOut")
    _until(kc, f"job.metrics().operators[0].recordsOut > {read}")
    _, out = run(kc, "job.status")
    assert out[-1]["content"]["data"]["text/plain"] == "'running'"
    _, out = run(kc, "%jobs")
    assert "forever" in out[-1]["content"]["data"]["text/plain"] and "running" in out[-1]["content"]["data"]["text/plain"]
    _, out = run(kc, "%jobs cancel forever")
    assert "cancelled" in out[-1]["content"]["data"]["text/plain"]


def test_background_output_lands_in_the_cell_that_started_the_job(kernel):
    _, kc = kernel
    code = (
        "const env2 = StreamEnvironment.create();\n"
        "env2.fromSource(DataGen.pageViews({ seed: 1, rate: 20, count: 40 }))\n"
        "  .map((v) => { console.log(`job saw ${v.page}`); return v; })\n"
        "  .sinkTo(sinks.collect());\n"
        "env2.execute('chatty');\n"
        "'started'"
    )
    msg_id = kc.execute(code)
    other = None
    stray = []
    deadline = time.time() + 60
    done_first = False
    while True:
        assert time.time() < deadline, f"both cells did not finish within 60 s (first done: {done_first}, other started: {other is not None})"
        m = kc.get_iopub_msg(timeout=30)
        parent = m["parent_header"].get("msg_id")
        if m["msg_type"] == "stream" and "job saw" in m["content"]["text"]:
            if parent != msg_id:
                stray.append(parent)
            if other is None:
                other = kc.execute("for (let i = 0; i < 3; i++) { console.log('other cell'); await new Promise((r) => setTimeout(r, 100)); }")
        if m["msg_type"] == "status" and parent == msg_id and m["content"]["execution_state"] == "idle":
            done_first = True
        if done_first and other and m["msg_type"] == "status" and parent == other and m["content"]["execution_state"] == "idle":
            break
    assert other is not None, "the job printed nothing"
    assert stray == [], "job output leaked into another cell"


def test_a_failing_job_reports_in_its_own_cell_with_operator_and_record(kernel):
    _, kc = kernel
    code = (
        "const env3 = StreamEnvironment.create();\n"
        "env3.fromSource(DataGen.pageViews({ seed: 2, rate: 200 }))\n"
        "  .map((v) => { if (v.action === 'purchase') throw new Error(`cannot handle ${v.action} by ${v.userId}`); return v; }).name('validate')\n"
        "  .sinkTo(sinks.collect());\n"
        "env3.execute('fragile');"
    )
    msg_id = kc.execute(code)
    err, _ = _wait_iopub(kc, lambda m: m["msg_type"] == "error", timeout=60)
    assert err["parent_header"]["msg_id"] == msg_id
    text = "\n".join(err["content"]["traceback"])
    assert err["content"]["ename"] == "UserFunctionError"
    assert "validate" in text and "purchase" in text and "userId" in text


def test_show_displays_a_running_job_again_with_the_same_display_ids(kernel):
    _, kc = kernel
    reply, first = run(kc, PIPELINE.format(source="rate: 300") + 'counts.sinkTo(chart.area({ x: "start:T", y: "value" }));\nconst shown = env.execute("shown");')
    ids = {m["content"]["transient"]["display_id"] for m in _displays(first, "display_data")}
    _, again = run(kc, "shown.show(); 'ok'")
    assert {m["content"]["transient"]["display_id"] for m in _displays(again, "display_data")} == ids
    _, again2 = run(kc, "%jobs show shown")
    assert {m["content"]["transient"]["display_id"] for m in _displays(again2, "display_data")} == ids
    run(kc, "await shown.cancel()")


def test_shutdown_stops_running_jobs_cleanly(kernel, tmp_path):
    km, kc = kernel
    out_file = tmp_path / "out.jsonl"
    run(
        kc,
        f"const env4 = StreamEnvironment.create();\nenv4.fromSource(DataGen.pageViews({{ seed: 5, rate: 2000 }})).sinkTo(sinks.jsonLines({str(out_file)!r}));\nconst toFile = env4.execute('to-file');",
    )
    _until(kc, "toFile.metrics().operators.at(-1).recordsIn >= 100")  # the sink holds records when the kernel is asked to stop
    km.shutdown_kernel(now=False)
    lines = out_file.read_text().splitlines()
    assert len(lines) >= 100  # at least what the sink had received: closed and flushed, not dropped
    assert all(json.loads(line)["page"] for line in lines)  # every line complete: the sink was closed, not killed


COUNTER = """const env = StreamEnvironment.create();
env.enableCheckpointing({{ directory: {dir!r} }});
const totals = sinks.latest((r: {{ page: string; n: number }}) => r.page);
env.fromSource(DataGen.pageViews({{ seed: 9, rate: 500 }})).uid("views")
  .map((v) => ({{ page: v.page, n: 1 }})).uid("ones")
  .keyBy((r) => r.page)
  .reduce((a, b) => ({{ page: a.page, n: a.n + b.n }})).uid("running-count")
  .sinkTo(totals);
const sum = () => totals.values().reduce((a, r) => a + r.n, 0);
"""


def test_stop_with_savepoint_then_resume_after_a_kernel_restart(kernel, tmp_path):
    km, kc = kernel
    run(kc, COUNTER.format(dir=str(tmp_path)) + 'const job = env.execute("counter");')
    _until(kc, "sum() > 100")
    _, out = run(kc, "%jobs stop counter before-restart")
    stopped = out[-1]["content"]["data"]
    assert "savepoint-before-restart.json" in stopped["text/plain"] and "<table>" in stopped["text/html"]
    _, out = run(kc, "sum()")
    before = int(out[-1]["content"]["data"]["text/plain"])
    assert before > 100
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    run(kc, COUNTER.format(dir=str(tmp_path)) + 'const job = env.execute("counter", { restoreFrom: "before-restart" });')
    _until(kc, f"sum() > {before}")  # the restored job counts on
    _, out = run(
        kc,
        "await job.cancel(); console.log(JSON.stringify({ sum: sum(), restoredFrom: job.metrics().checkpoints.restoredFrom, m: job.metrics().operators.map((o) => [o.name, o.recordsIn, o.recordsOut]) }))",
    )
    after = json.loads([m for m in out if m["msg_type"] == "stream"][-1]["content"]["text"])
    assert after["restoredFrom"] is not None
    # Counts continue from the savepoint: the running totals include what was counted before it.
    assert after["sum"] > before, after
    # More than this run read: the count started from the savepoint's, not from zero.
    read = after["m"][0][2]
    assert after["sum"] > read, after


def test_restore_latest_without_checkpoint_says_so_in_the_cell_and_stop_drain(kernel, tmp_path):
    _, kc = kernel
    reply, out = run(kc, COUNTER.format(dir=str(tmp_path / "none-yet")) + 'const job = env.execute("counter", { restoreFrom: "latest" });')
    assert reply["content"]["status"] == "ok"
    streams = [m for m in out if m["msg_type"] == "stream"]
    if not any("starts from scratch" in m["content"]["text"] for m in streams):
        # The job checks the directory after the cell returned: its warning still lands in that cell.
        m, _ = _wait_iopub(kc, lambda m: m["msg_type"] == "stream" and "starts from scratch" in m["content"]["text"])
        streams.append(m)
        assert m["parent_header"]["msg_id"] == reply["parent_header"]["msg_id"]
    notice = next(m for m in streams if "starts from scratch" in m["content"]["text"])
    assert notice["content"]["name"] == "stderr" and 'restoreFrom: "latest"' in notice["content"]["text"]
    _until(kc, "sum() > 0")  # the job is running and has counted, not a guessed second
    _, out = run(kc, "%jobs stop counter --drain")
    text = out[-1]["content"]["data"]["text/plain"]
    lines = text.splitlines()
    assert lines[0] == 'stopped job "counter"', text
    assert lines[2].split()[:3][1] == "finished" and lines[2].split()[2].startswith("counter-"), text
    _, out = run(kc, "job.status")
    assert out[-1]["content"]["data"]["text/plain"] == "'finished'"
