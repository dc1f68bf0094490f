"""nbclient executes each example notebook in notebooks/ with the Sluice kernel; the saved outputs are checked.

Every notebook is self-contained on the seeded generator, so the asserted numbers are exact for the fixed
seeds (only the checkpoints notebook's stop point depends on timing, and its assertions allow for that).
Each also has one setting, `kafka` (a `parameters` cell), that reads the same events from a Kafka topic; the
`*_on_kafka` tests run every notebook that way against a real broker and check the same numbers, then (all
but checkpoints, which reads the topic directly) re-execute it with `sluice report` and a broker address
nothing listens on, which replays the recording the Kafka run made, to the same outputs.
"""

import copy
import json
import os
import re
import subprocess
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import jsonschema
import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
VEGA_LITE = "application/vnd.vegalite.v5+json"
ROWS = "application/vnd.dataresource+json"
BUDGET_S = 60  # each notebook must execute in under a minute


@pytest.fixture(scope="module")
def vega_lite_schema():
    return json.loads((ROOT / "node_modules" / "vega-lite" / "build" / "vega-lite-schema.json").read_text())


def execute(name, tmp_path, nb=None, cwd=ROOT / "notebooks"):
    """Runs notebooks/<name>.ipynb (or `nb`, an edited copy of it) with nbclient in `cwd`, as CI does."""
    nb = nb if nb is not None else nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    assert nb.metadata.kernelspec.name == "sluice"
    started = time.monotonic()
    NotebookClient(nb, kernel_name="sluice", timeout=120, resources={"metadata": {"path": str(cwd)}}).execute()
    elapsed = time.monotonic() - started
    assert elapsed < BUDGET_S, f"{name} took {elapsed:.1f} s"
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [(c.source, o) for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    out = tmp_path / f"{name}.executed.ipynb"
    nbformat.write(nb, out)  # what a user saves: the outputs survive a round trip
    nbformat.validate(nbformat.read(out, as_version=4))
    return nb


def cell(nb, marker):
    """The one code cell whose source contains `marker`."""
    found = [c for c in nb.cells if c.cell_type == "code" and marker in c.source]
    assert len(found) == 1, (marker, len(found))
    return found[0]


def outputs(c, output_type):
    return [o for o in c.outputs if o.output_type == output_type]


def sql_rows(c):
    (result,) = outputs(c, "execute_result")
    return result.data[ROWS]["data"]


def text_result(c):
    (result,) = outputs(c, "execute_result")
    return result.data["text/plain"]


def status_line(c):
    lines = [o.data["text/plain"] for o in outputs(c, "display_data") if 'job "' in o.data.get("text/plain", "")]
    assert lines, [o.data for o in c.outputs]
    return lines[-1]


def charts(c, schema):
    specs = [o.data for o in outputs(c, "display_data") if VEGA_LITE in o.data]
    for d in specs:
        jsonschema.Draft7Validator(schema).validate(d[VEGA_LITE])
        assert d["image/svg+xml"].startswith("<svg")  # a static rendering for viewers without Vega
    return [d[VEGA_LITE] for d in specs]


def assert_event_time(nb, schema):
    """The event-time notebook's outputs (exact for the seed); returns what a replay must reproduce."""
    job = cell(nb, "sideOutputLateData(tooLate)")
    status = status_line(job)
    assert "finished" in status and "3,000 in" in status

    (spec,) = charts(job, schema)
    points = spec["data"]["values"]
    ids = [(p["key"], p["start"]) for p in points]
    assert len(ids) == len(set(ids)) == 30  # a late firing replaced its point instead of adding one
    assert {p["key"] for p in points} == {"/", "/products", "/blog", "/cart"}
    assert all(p["start"] % 5000 == 0 for p in points)

    # The late records, side by side with the chart: a table of the records the side output received.
    (late_table,) = [o for o in outputs(job, "display_data") if "Too late" in o.data.get("text/html", "")]
    header, *late_lines = late_table.data["text/plain"].splitlines()
    assert header.split("\t") == ["event_id", "event_time", "page", "window_start"]
    assert len(late_lines) == 10  # maxRows: the most recent ten

    accounting = sql_rows(cell(nb, "counted_in_windows"))
    assert accounting == [{"counted_in_windows": 2829, "too_late": 171, "total_events": 3000}]
    assert sum(p["value"] for p in points) == 2829  # the chart shows the final on-time counts

    firings = sql_rows(cell(nb, "updated_by_late_firings"))
    assert firings == [{"windows": 30, "updated_by_late_firings": 24, "most_firings": 58}]

    by_window = sql_rows(cell(nb, "from late_views group by window_start"))
    assert [(r["window_start"], r["too_late"]) for r in by_window] == [
        ("2023-11-14T22:13:15.000Z", 23),
        ("2023-11-14T22:13:20.000Z", 35),
        ("2023-11-14T22:13:25.000Z", 27),
        ("2023-11-14T22:13:30.000Z", 32),
        ("2023-11-14T22:13:35.000Z", 31),
        ("2023-11-14T22:13:40.000Z", 23),
    ]
    assert sum(r["too_late"] for r in by_window) == 171
    return {"points": points, "late_table": late_lines, "late_by_window": by_window, "firings": firings}


@pytest.fixture(scope="module")
def event_time_nb(tmp_path_factory):
    """event_time run once on the generator, for its own test and as what its Kafka run must reproduce."""
    return execute("event_time", tmp_path_factory.mktemp("event_time"))


def test_event_time(event_time_nb, vega_lite_schema):
    assert_event_time(event_time_nb, vega_lite_schema)


def assert_realtime_dashboard(nb, schema, source="pageViews"):
    job = cell(nb, 'env.execute("dashboard")')
    status = status_line(job)
    assert "finished" in status and "6,000 in" in status

    traffic, top, latency = charts(job, schema)
    assert traffic["title"] == "Views per page, 10 s windows"
    t = traffic["data"]["values"]
    assert len({(p["key"], p["start"]) for p in t}) == len(t) == 104
    assert sum(p["value"] for p in t) == 6000  # every view in exactly one window
    windows = sorted({p["start"] for p in t})
    assert len(windows) == 13 and all(b - a == 10_000 for a, b in zip(windows, windows[1:]))

    # Top 3 per window agrees with the per-page counts of the same job.
    tops = top["data"]["values"]
    assert len({(p["start"], p["page"]) for p in tops}) == len(tops) == 39
    per_window = defaultdict(dict)
    for p in t:
        per_window[p["start"]][p["key"]] = p["value"]
    for start, counts in per_window.items():
        expected = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        got = sorted(((p["page"], p["views"]) for p in tops if p["start"] == start), key=lambda kv: (-kv[1], kv[0]))
        assert got == expected, start
    assert [(p["page"], p["views"]) for p in tops if p["start"] == 1_700_000_000_000] == [("/", 184), ("/products", 97), ("/cart", 63)]

    # Percentiles: three ordered points per window.
    lat = latency["data"]["values"]
    assert Counter(p["percentile"] for p in lat) == {"p50": 13, "p90": 13, "p99": 13}
    by_start = defaultdict(dict)
    for p in lat:
        by_start[p["start"]][p["percentile"]] = p["seconds"]
    assert all(v["p50"] <= v["p90"] <= v["p99"] for v in by_start.values())
    assert by_start[1_700_000_000_000] == {"p50": 15.662, "p90": 50.345, "p99": 105.78}

    metrics = text_result(cell(nb, "job.metrics()"))
    assert f"operator: '{source}', in: 6000, out: 6000" in metrics
    assert metrics.count("in: 6000") == 4  # the source and each of the three window operators
    return {"traffic": sorted_points(t), "top": sorted_points(tops), "latency": sorted_points(lat)}


def sorted_points(points):
    return sorted(points, key=lambda p: json.dumps(p, sort_keys=True))


@pytest.fixture(scope="module")
def realtime_dashboard_nb(tmp_path_factory):
    """realtime_dashboard run once on the generator, for its own test and as what its Kafka run must reproduce."""
    return execute("realtime_dashboard", tmp_path_factory.mktemp("realtime_dashboard"))


def test_realtime_dashboard(realtime_dashboard_nb, vega_lite_schema):
    assert_realtime_dashboard(realtime_dashboard_nb, vega_lite_schema)


def assert_etl_tables(nb, records_in):
    status = status_line(cell(nb, 'env.execute("etl")'))
    assert "finished" in status and f"{records_in:,} in" in status and "dead letters 171" in status

    assert sql_rows(cell(nb, "distinct_ids")) == [{"events": 3830, "distinct_ids": 3830, "pages": 10, "countries": 10}]
    top_pages = sql_rows(cell(nb, "avg_seconds"))
    assert [(r["page"], r["views"]) for r in top_pages] == [("/", 1466), ("/products", 644), ("/blog", 458), ("/cart", 299), ("/checkout", 241)]

    kinds = sql_rows(cell(nb, "reason_kind"))
    assert [(r["operator"], r["error_type"], r["records"]) for r in kinds] == [
        ("parse+validate", "UserFunctionError", 74),
        ("parse+validate", "UserFunctionError", 57),
        ("parse+validate", "UserFunctionError", 40),
    ]
    assert kinds[0]["reason_kind"] == "invalid duration_ms: N"
    assert kinds[1]["reason_kind"] == "missing user id"
    assert "JSON" in kinds[2]["reason_kind"]  # V8's wording of a JSON.parse error

    samples = sql_rows(cell(nb, "select reason, record from dead_letters"))
    assert len(samples) == 5 and all(r["reason"] and r["record"].startswith('{"id":') for r in samples)

    assert "rawLineCount: 4042, duplicatesDropped: 41, deadLetters: 171, loaded: 3830" in text_result(cell(nb, "duplicatesDropped ="))
    assert sql_rows(cell(nb, "all_accounted_for")) == [{"raw_lines": 4042, "loaded": 3830, "dead_letters": 171, "duplicates_dropped": 41, "all_accounted_for": True}]


def test_streaming_etl(tmp_path):
    nb = execute("streaming_etl", tmp_path)
    assert_etl_tables(nb, 4_000)  # the generator's events; 4,042 raw lines after redelivery


def assert_inventory(nb, schema):
    job = cell(nb, 'env.execute("inventory")')
    status = status_line(job)
    assert "finished" in status and "3,000 in" in status

    inventory = cell(nb, "from inventory order by item")
    (result,) = outputs(inventory, "execute_result")
    columns = [f["name"] for f in result.data[ROWS]["schema"]["fields"]]
    assert columns == ["item", "on_hand", "sold", "restocked", "returned", "rejected_sales"]
    rows = sql_rows(inventory)
    assert [tuple(r[c] for c in columns) for r in rows] == [
        ("apple", 802, 1597, 2304, 95, 10),
        ("banana", 142, 951, 1035, 58, 6),
        ("cherry", 226, 727, 909, 44, 11),
        ("kiwi", 376, 781, 1115, 42, 0),
        ("mango", 65, 696, 720, 41, 5),
        ("pear", 121, 645, 727, 39, 21),
    ]
    (stock,) = charts(job, schema)
    assert {p["item"]: p["on_hand"] for p in stock["data"]["values"]} == {r["item"]: r["on_hand"] for r in rows}

    assert sql_rows(cell(nb, "balanced")) == [{"items": 6, "balanced": True, "never_negative": True}]
    alerts = sql_rows(cell(nb, "low_stock_alerts"))
    assert [(r["item"], r["low_stock_alerts"], r["rejected"]) for r in alerts] == [
        ("pear", 5, 21),
        ("mango", 3, 5),
        ("apple", 1, 10),
        ("cherry", 1, 11),
        ("banana", 0, 6),
        ("kiwi", 0, 0),
    ]
    assert all(r["matches_state"] for r in alerts)
    return {"inventory": rows, "stock": sorted_points(stock["data"]["values"]), "alerts": alerts}


def test_inventory(tmp_path, vega_lite_schema):
    assert_inventory(execute("inventory", tmp_path), vega_lite_schema)


def assert_checkpoints(nb):
    """Stopped part of the way with a savepoint, resumed from it: the same totals as an uninterrupted run.
    Returns the source's position in the savepoint and the number of records read after the restore."""
    stop = text_result(cell(nb, "%jobs stop page-totals half-way"))
    assert 'stopped job "page-totals"' in stop and "savepoint-half-way.json" in stop and "finished" in stop
    assert 'restoreFrom: "half-way"' in stop  # the table says how to resume

    stopped = text_result(cell(nb, "readBeforeStop ="))
    assert "status: 'finished'" in stopped and "'savepoint-half-way.json'" in stopped
    read_before = int(re.search(r"readBeforeStop: (\d+)", stopped).group(1))
    assert 0 < read_before < 5000  # stopped part of the way through

    (so_far,) = sql_rows(cell(nb, "counted_so_far"))
    assert 0 < so_far["counted_so_far"] < 5000

    resumed_status = status_line(cell(nb, 'restoreFrom: "half-way"'))
    assert "finished" in resumed_status
    resumed = text_result(cell(nb, "readAfterRestore ="))
    assert "status: 'finished'" in resumed and "restoredFromCheckpoint: true" in resumed
    read_after = int(re.search(r"readAfterRestore: (\d+)", resumed).group(1))
    assert 0 < read_after < 5000  # continued from the savepoint, not from the beginning
    assert read_after >= 5000 - read_before  # records read after the savepoint are replayed, none skipped

    compare = sql_rows(cell(nb, "stopped_and_resumed"))
    assert [(r["page"], r["uninterrupted"], r["stopped_and_resumed"], r["same"]) for r in compare] == [
        ("/", 2181, 2181, True),
        ("/products", 1072, 1072, True),
        ("/blog", 602, 602, True),
        ("/cart", 473, 473, True),
        ("/checkout", 370, 370, True),
        ("/search", 302, 302, True),
    ]
    assert sum(r["uninterrupted"] for r in compare) == 5000
    return json.loads(text_result(cell(nb, "savedPosition")).strip("'")), read_after


def test_checkpoints(tmp_path):
    position, read_after = assert_checkpoints(execute("checkpoints", tmp_path))
    # The generator's position in the savepoint: how many events it had produced. The resumed run read the rest.
    assert position["produced"] == position["next"] and position["produced"] + read_after == 5000


def test_cep_alerts(tmp_path):
    """Flink CEP's Pattern API in a notebook (issue 22): fraud patterns over the page-view generator's purchases
    with a live table of matches, and the Flink training's long-ride alert as timed-out partial matches."""
    nb = execute("cep-alerts", tmp_path)
    fraud = cell(nb, 'env.execute("fraud alerts")')
    assert "finished" in status_line(fraud) and "30,000 in" in status_line(fraud)
    (table,) = [o for o in outputs(fraud, "display_data") if "Fraud alerts" in o.data.get("text/html", "")]
    header, *rows = table.data["text/plain"].splitlines()
    assert header.split("\t") == ["time", "alert", "account", "purchases"] and len(rows) == 12  # the latest twelve
    summary = sql_rows(cell(nb, "count(distinct account)"))
    assert [(r["alert"], r["alerts"], r["accounts"]) for r in summary] == [("card testing", 10, 7), ("impossible travel", 39, 15)]
    top = sql_rows(cell(nb, "group by account order by alerts desc"))
    assert [(r["account"], r["alerts"]) for r in top][:3] == [("u0000", 16), ("u0001", 6), ("u0003", 5)]

    rides = cell(nb, 'rideEnv.execute("long rides")')
    assert "finished" in status_line(rides) and "5,985 in" in status_line(rides)
    (alerts,) = [o for o in outputs(rides, "display_data") if "Long ride alerts" in o.data.get("text/html", "")]
    assert len(alerts.data["text/plain"].splitlines()) == 1 + 10
    # The alerts are exactly the rides without an END or with one two hours or more after the START, each
    # raised at START + 2 h; every ride is either completed or alerted.
    assert sql_rows(cell(nb, "disagreements")) == [{"rides": 3000, "completed": 2976, "alerts": 24, "without_end": 15, "should_alert": 24, "disagreements": 0, "alerts_not_at_two_hours": 0}]
    assert text_result(cell(nb, "endsBeforeTheirStart })")) == "{ lateEvents: 0, endsBeforeTheirStart: 1 }"
    assert max(int(r["minutes"]) for r in sql_rows(cell(nb, "from completed_rides order by minutes desc"))) < 120


# --- The same notebooks on Kafka ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kafka_bootstrap():
    """A broker from scripts/kafka.sh (started by scripts/test.sh in CI); one started here is stopped after these tests."""
    if os.environ.get("SLUICE_KAFKA_TESTS") == "off":
        pytest.skip("SLUICE_KAFKA_TESTS=off")
    script = str(ROOT / "scripts" / "kafka.sh")
    was_running = subprocess.run(["bash", script, "status"], capture_output=True).returncode == 0
    started = subprocess.run(["bash", script, "start"], capture_output=True, text=True, timeout=300)
    assert started.returncode == 0, started.stderr
    yield started.stdout.strip().splitlines()[-1]
    if not was_running:
        subprocess.run(["bash", script, "stop"], capture_output=True, timeout=60)


def publish_snippet(nb, topic):
    """The code the notebook tells a user to run once to fill the topic from the generator."""
    (md,) = [c for c in nb.cells if c.cell_type == "markdown" and f"publish {topic}" in c.source]
    return re.search(r"```ts\n(.*?)```", md.source, re.S).group(1)


def run_on_kafka(name, tmp_path, bootstrap, topic, limits):
    """Runs notebooks/<name>.ipynb with its one setting `kafka` set to a real broker, reading a fresh topic
    filled (in another kernel) by the snippet the notebook's markdown gives. With `limits`, the notebook records
    the topic to recordings/<topic>.jsonl beside itself (here: in tmp_path, never in the repo), and it is then
    re-executed by `sluice report` with a broker address nothing listens on, which must replay that recording.
    Returns (the executed notebook, the replayed notebook or None)."""
    fresh = f"{topic}_{uuid.uuid4().hex[:8]}"  # a fresh topic per run: exactly the events published here
    # The sink does not create topics (the notebooks say so); create it as an operator would. Without time
    # retention: the generator's records carry 2023 timestamps, so a broker's retention (24 h in
    # scripts/kafka.sh, 7 days by default) deletes them at its next check (every 5 min), which emptied the
    # topic under a running notebook now and then (a job with nothing to read; a restore that hung).
    create = (
        f"import {{ KafkajsClient }} from {json.dumps(str(ROOT / 'dist/engine/src/connectors/kafka/index.js'))};"
        f"const c = KafkajsClient.create({{ brokers: [{json.dumps(bootstrap)}] }});"
        f"await c.createTopics([{{ topic: {json.dumps(fresh)}, partitions: 1, config: {{ 'retention.ms': '-1' }} }}]); await c.close();"
    )
    done = subprocess.run(["node", "--input-type=module", "-e", create], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr

    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    (params,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    params.source = f"const kafka: string = {json.dumps(bootstrap)};"  # as a user edits the setting
    (feed,) = [c for c in nb.cells if c.cell_type == "code" and f'topics: ["{topic}"]' in c.source]
    feed.source = feed.source.replace(f'topics: ["{topic}"]', f"topics: [{json.dumps(fresh)}]")
    nbformat.write(nb, tmp_path / f"{name}.ipynb")  # the notebook as the user saved it, for the report below

    # Publish once, as the notebook says: its cells up to the source, then the snippet, in a kernel of their own.
    snippet = publish_snippet(nb, topic)
    assert f'topic: "{topic}"' in snippet
    publisher = nbformat.v4.new_notebook(metadata=nb.metadata)
    publisher.cells = [copy.deepcopy(c) for c in nb.cells[: nb.cells.index(feed) + 1] if c.cell_type == "code"]
    publisher.cells.append(nbformat.v4.new_code_cell(snippet.replace(f'topic: "{topic}"', f"topic: {json.dumps(fresh)}")))
    (tmp_path / "publisher").mkdir()
    execute(name, tmp_path / "publisher", nb=publisher, cwd=tmp_path / "publisher")
    assert not (tmp_path / "publisher" / "recordings").exists()  # publishing does not touch the recording

    live = execute(name, tmp_path, nb=nb, cwd=tmp_path)
    if limits is None:
        return live, None
    header = json.loads((tmp_path / "recordings" / f"{topic}.jsonl").read_text().split("\n", 1)[0])
    assert header["source"] == f"kafka:{fresh}" and header["limits"] == limits

    out = tmp_path / "replayed.ipynb"
    done = subprocess.run(
        ["node", str(ROOT / "bin" / "sluice.js"), "report", str(tmp_path / f"{name}.ipynb"), "-r", "kafka=127.0.0.1:9", "--notebook-out", str(out), "-o", str(tmp_path / "replayed.html")],
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    replayed = nbformat.read(out, as_version=4)
    (injected,) = [c for c in replayed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert '"127.0.0.1:9"' in injected.source  # the injected setting: nothing listens there
    return live, replayed


def test_streaming_etl_on_kafka_records_then_replays_without_the_broker(tmp_path, kafka_bootstrap):
    """The one setting switches the feed to Kafka; the run records the topic beside the notebook, and
    `sluice report` re-executes it from that recording with a broker address nothing listens on."""
    live, replayed = run_on_kafka("streaming_etl", tmp_path, kafka_bootstrap, "raw_events", {"maxRecords": 4042, "maxDuration": 30000})
    assert_etl_tables(live, 4_042)  # the same tables as from the simulation; the source now reads the raw lines
    assert_etl_tables(replayed, 4_042)
    for marker in ("distinct_ids", "avg_seconds", "reason_kind", "select reason, record from dead_letters", "all_accounted_for"):
        assert sql_rows(cell(replayed, marker)) == sql_rows(cell(live, marker)), marker


def test_quickstart_on_kafka_records_then_replays_without_the_broker(tmp_path, kafka_bootstrap, quickstart_nb):
    from test_quickstart_notebook import assert_quickstart_outputs

    assert quickstart_nb.seconds < BUDGET_S, f"quickstart took {quickstart_nb.seconds:.1f} s"
    generated = assert_quickstart_outputs(quickstart_nb.nb)
    live, replayed = run_on_kafka("quickstart", tmp_path, kafka_bootstrap, "page_views", {"maxRecords": 6000, "maxDuration": 30000})
    for nb in (live, replayed):
        points, rows = assert_quickstart_outputs(nb)
        assert (sorted_points(points), rows) == (sorted_points(generated[0]), generated[1])


def test_event_time_on_kafka_records_then_replays_without_the_broker(tmp_path, kafka_bootstrap, vega_lite_schema, event_time_nb):
    """Which events are late depends on where the watermark advances (after each poll of up to 100 records):
    the Kafka run gives the generator's late records, and the replay the same polls, so the same ones again."""
    generated = assert_event_time(event_time_nb, vega_lite_schema)
    live, replayed = run_on_kafka("event_time", tmp_path, kafka_bootstrap, "late_page_views", {"maxRecords": 3000, "maxDuration": 30000})
    # The same chart, firings, late records per window and the same last ten late records in the side output's table.
    assert assert_event_time(live, vega_lite_schema) == generated
    assert assert_event_time(replayed, vega_lite_schema) == generated


def test_realtime_dashboard_on_kafka_records_then_replays_without_the_broker(tmp_path, kafka_bootstrap, vega_lite_schema, realtime_dashboard_nb):
    generated = assert_realtime_dashboard(realtime_dashboard_nb, vega_lite_schema)
    live, replayed = run_on_kafka("realtime_dashboard", tmp_path, kafka_bootstrap, "dashboard_page_views", {"maxRecords": 6000, "maxDuration": 30000})
    source = "recorded:kafka:" + re.search(r'topics: \["([^"]+)"\]', cell(live, "Kafka.source").source).group(1)
    assert assert_realtime_dashboard(live, vega_lite_schema, source) == generated
    assert assert_realtime_dashboard(replayed, vega_lite_schema, source) == generated


def test_inventory_on_kafka_records_then_replays_without_the_broker(tmp_path, kafka_bootstrap, vega_lite_schema):
    live, replayed = run_on_kafka("inventory", tmp_path, kafka_bootstrap, "transactions", {"maxRecords": 3000, "maxDuration": 30000})
    assert assert_inventory(replayed, vega_lite_schema) == assert_inventory(live, vega_lite_schema)


def test_checkpoints_on_kafka_resumes_from_the_offsets_in_the_savepoint(tmp_path, kafka_bootstrap):
    """No recording here: the job reads the topic directly, and the savepoint holds its Kafka offsets."""
    live, _ = run_on_kafka("checkpoints", tmp_path, kafka_bootstrap, "checkpoint_page_views", None)
    position, read_after = assert_checkpoints(live)
    topic = re.search(r'topics: \["([^"]+)"\]', cell(live, "Kafka.source").source).group(1)
    (offset,) = position["offsets"][topic].values()  # the topic's one partition: the next offset to read
    assert 0 < offset < 5000 and offset + read_after == 5000  # the resumed run read exactly from there to the end
