"""nbclient executes each example notebook in notebooks/ with the Sluice kernel; the saved outputs are checked.

Every notebook is self-contained on the seeded generator, so the asserted numbers are exact for the fixed
seeds (only the checkpoints notebook's stop point depends on timing, and its assertions allow for that).
"""
import json
import re
import time
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


def execute(name, tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    assert nb.metadata.kernelspec.name == "sluice"
    started = time.monotonic()
    NotebookClient(nb, kernel_name="sluice", timeout=120, resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    elapsed = time.monotonic() - started
    assert elapsed < BUDGET_S, f"{name} took {elapsed:.1f} s"
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [(c.source, o) for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1))
    out = tmp_path / f"{name}.ipynb"
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
    lines = [o.data["text/plain"] for o in outputs(c, "display_data") if "job \"" in o.data.get("text/plain", "")]
    assert lines, [o.data for o in c.outputs]
    return lines[-1]


def charts(c, schema):
    specs = [o.data for o in outputs(c, "display_data") if VEGA_LITE in o.data]
    for d in specs:
        jsonschema.Draft7Validator(schema).validate(d[VEGA_LITE])
        assert d["image/svg+xml"].startswith("<svg")  # a static rendering for viewers without Vega
    return [d[VEGA_LITE] for d in specs]


def test_event_time(tmp_path, vega_lite_schema):
    nb = execute("event_time", tmp_path)
    job = cell(nb, "sideOutputLateData(tooLate)")
    status = status_line(job)
    assert "finished" in status and "3,000 in" in status

    (spec,) = charts(job, vega_lite_schema)
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


def test_realtime_dashboard(tmp_path, vega_lite_schema):
    nb = execute("realtime_dashboard", tmp_path)
    job = cell(nb, 'env.execute("dashboard")')
    status = status_line(job)
    assert "finished" in status and "6,000 in" in status

    traffic, top, latency = charts(job, vega_lite_schema)
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
    assert "operator: 'pageViews', in: 6000, out: 6000" in metrics
    assert metrics.count("in: 6000") == 4  # the source and each of the three window operators


def test_streaming_etl(tmp_path):
    nb = execute("streaming_etl", tmp_path)
    status = status_line(cell(nb, 'env.execute("etl")'))
    assert "finished" in status and "4,000 in" in status and "dead letters 171" in status

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
    assert sql_rows(cell(nb, "all_accounted_for")) == [
        {"raw_lines": 4042, "loaded": 3830, "dead_letters": 171, "duplicates_dropped": 41, "all_accounted_for": True}
    ]


def test_inventory(tmp_path, vega_lite_schema):
    nb = execute("inventory", tmp_path)
    job = cell(nb, 'env.execute("inventory")')
    status = status_line(job)
    assert "finished" in status and "3,000 in" in status

    rows = sql_rows(cell(nb, "from inventory order by item"))
    assert [tuple(r.values()) for r in rows] == [
        ("apple", 802, 1597, 2304, 95, 10),
        ("banana", 142, 951, 1035, 58, 6),
        ("cherry", 226, 727, 909, 44, 11),
        ("kiwi", 376, 781, 1115, 42, 0),
        ("mango", 65, 696, 720, 41, 5),
        ("pear", 121, 645, 727, 39, 21),
    ]
    (stock,) = charts(job, vega_lite_schema)
    assert {p["item"]: p["on_hand"] for p in stock["data"]["values"]} == {r["item"]: r["on_hand"] for r in rows}

    assert sql_rows(cell(nb, "balanced")) == [{"items": 6, "balanced": True, "never_negative": True}]
    alerts = sql_rows(cell(nb, "low_stock_alerts"))
    assert [(r["item"], r["low_stock_alerts"], r["rejected"]) for r in alerts] == [
        ("pear", 5, 21), ("mango", 3, 5), ("apple", 1, 10), ("cherry", 1, 11), ("banana", 0, 6), ("kiwi", 0, 0),
    ]
    assert all(r["matches_state"] for r in alerts)


def test_checkpoints(tmp_path):
    nb = execute("checkpoints", tmp_path)
    stop = text_result(cell(nb, "%jobs stop page-totals half-way"))
    assert 'job "page-totals" stopped with savepoint "half-way"' in stop and '"kind":"savepoint"' in stop

    stopped = text_result(cell(nb, "readBeforeStop ="))
    assert "status: 'cancelled'" in stopped and "'savepoint-half-way.json'" in stopped
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
