"""%%ssql result views (Zeppelin's %flink.ssql(type=…)), --chart and statement sets, through a real Jupyter client.

One kernel for the module (a kernel start costs ~10 s on a busy machine); each test names its own tables."""

import re
import time

import pytest
from conftest import run
from jupyter_client.manager import start_new_kernel


@pytest.fixture(scope="module")
def kernel():
    km, kc = start_new_kernel(kernel_name="sluice", startup_timeout=60)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def datagen(table):
    return (
        f"CREATE TABLE {table} (user_id INT, v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '200',\n"
        "  'fields.user_id.min' = '1', 'fields.user_id.max' = '4', 'fields.v.min' = '0', 'fields.v.max' = '9');\n"
    )


def _result(out):
    results = [m for m in out if m["msg_type"] == "execute_result"]
    assert results, f"no execute_result in {[m['msg_type'] for m in out]}"
    return results[-1]["content"]["data"]


def _displays(out, mime):
    return [m for m in out if m["msg_type"] == "display_data" and mime(m["content"]["data"])]


def _updates(kc, view_id, n, want=lambda data: True):
    """The next n update_display_data bundles of display view_id that satisfy want."""
    updates = []
    deadline = time.monotonic() + 60
    while len(updates) < n:
        assert time.monotonic() < deadline, f"only {len(updates)} updates of {view_id}"
        m = kc.get_iopub_msg(timeout=30)
        if m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == view_id and want(m["content"]["data"]):
            updates.append(m["content"]["data"])
    return updates


def _jobs(kc):
    _, out = run(kc, "%jobs")
    return _result(out)["text/plain"]


def _job_number(kc, fragment):
    """The # of the running job whose name contains fragment."""
    listing = _jobs(kc)
    [number] = [line.split("\t")[0] for line in listing.splitlines() if fragment in line and "running" in line]
    return number


def _cancel(kc, fragment):
    reply, out = run(kc, f"%jobs cancel {_job_number(kc, fragment)}")
    assert reply["content"]["status"] == "ok", out


def test_a_statement_set_is_one_job_and_consecutive_inserts_are_one_job_each(kernel):
    _, kc = kernel
    reply, out = run(
        kc,
        "%%ssql\n" + datagen("ticks1") + "CREATE TABLE a (u INT) WITH ('connector' = 'blackhole');\nCREATE TABLE b (v INT) WITH ('connector' = 'blackhole');\n"
        "EXECUTE STATEMENT SET BEGIN\n  INSERT INTO a SELECT user_id FROM ticks1;\n  INSERT INTO b SELECT v FROM ticks1 WHERE v > 5;\nEND;",
    )
    assert reply["content"]["status"] == "ok", out
    assert re.search(r"\[INFO\] Submitted sql-\d+: STATEMENT SET \(2 INSERTs into a, b\)", _result(out)["text/plain"]), out
    listing = _jobs(kc)
    assert listing.count("STATEMENT SET") == 1 and "running" in listing, listing
    reply, out = run(kc, "%%ssql\nINSERT INTO a SELECT user_id FROM ticks1;\nINSERT INTO b SELECT v FROM ticks1;")
    assert reply["content"]["status"] == "ok", out
    text = _result(out)["text/plain"]
    assert re.search(r"Submitted sql-\d+: INSERT INTO a .*\n.*Submitted sql-\d+: INSERT INTO b ", text), text
    listing = _jobs(kc)
    assert "INSERT INTO a SELECT user_id FROM ticks1" in listing and "INSERT INTO b SELECT v FROM ticks1" in listing, listing
    for fragment in ["STATEMENT SET", "INSERT INTO a", "INSERT INTO b"]:
        _cancel(kc, fragment)


def test_single_view_with_a_template_bounded_and_live(kernel, tmp_path):
    _, kc = kernel
    csv = tmp_path / "o.csv"
    csv.write_text("1,alice,10.5\n2,bob,3.25\n3,alice,7.0\n")
    reply, out = run(
        kc,
        f"%%ssql --view single --template \"Total: {{0}} from {{1}} orders\"\nCREATE TABLE o1 (id INT, name STRING, amount DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv');\n"
        "SELECT SUM(amount), COUNT(*) FROM o1",
    )
    assert reply["content"]["status"] == "ok", out
    assert _result(out)["text/plain"] == "Total: 20.75 from 3 orders", _result(out)
    reply, out = run(kc, '%%ssql --view single --template "<b>{0}</b> ticks"\n' + datagen("ticks2") + "SELECT COUNT(*) FROM ticks2", timeout=30)
    assert reply["content"]["status"] == "ok", out
    singles = _displays(out, lambda d: "sluice-single" in d.get("text/html", ""))
    assert len(singles) == 1, [m["content"] for m in out]
    updates = _updates(kc, singles[0]["content"]["transient"]["display_id"], 4, lambda d: d["text/plain"] != " ticks")
    counts = [int(re.fullmatch(r"(\d+) ticks", u["text/plain"]).group(1)) for u in updates]  # never torn: always one whole count
    assert counts == sorted(counts) and counts[-1] > counts[0], counts
    assert all("<b>" in u["text/html"] for u in updates)
    _cancel(kc, "SELECT COUNT(*) FROM ticks2")


def test_a_live_append_view_keeps_the_newest_rows_and_says_how_many_were_dropped(kernel):
    _, kc = kernel
    reply, out = run(kc, "%%ssql --limit 5\n" + datagen("ticks3") + "SELECT user_id, v FROM ticks3", timeout=30)
    assert reply["content"]["status"] == "ok", out
    tables = _displays(out, lambda d: "<table>" in d.get("text/html", ""))
    assert len(tables) == 1, [m["content"] for m in out]
    [late] = _updates(kc, tables[0]["content"]["transient"]["display_id"], 1, lambda d: "older rows dropped" in d["text/plain"])
    lines = late["text/plain"].split("\n")
    assert len(lines) == 1 + 5 + 1, late  # header, the newest 5 rows, caption
    assert re.match(r"newest 5 of [\d,]+ rows \([\d,]+ older rows dropped; the view keeps 5\)", lines[-1]), lines[-1]
    _cancel(kc, "SELECT user_id, v FROM ticks3")
    reply, out = run(kc, "%%ssql --view append\nSELECT user_id, COUNT(*) FROM ticks3 GROUP BY user_id")
    assert reply["content"]["status"] == "error" and "append view needs an append-only result" in reply["content"]["evalue"], reply["content"]


def test_chart_of_a_bounded_result_and_of_a_live_updating_table(kernel, tmp_path):
    _, kc = kernel
    csv = tmp_path / "o.csv"
    csv.write_text("1,alice,10.5\n2,bob,3.25\n3,alice,7.0\n")
    reply, out = run(
        kc,
        f"%%ssql --chart bar x=name y=total\nCREATE TABLE o4 (id INT, name STRING, amount DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv');\n"
        "SELECT name, SUM(amount) AS total FROM o4 GROUP BY name",
    )
    assert reply["content"]["status"] == "ok", out
    data = _result(out)
    spec = data["application/vnd.vegalite.v5+json"]
    assert sorted((p["name"], p["total"]) for p in spec["data"]["values"]) == [("alice", 17.5), ("bob", 3.25)], spec
    assert spec["mark"]["type"] == "bar" and spec["encoding"]["x"]["field"] == "name"
    assert data["image/svg+xml"].startswith("<svg"), "the static fallback a saved notebook shows"
    reply, out = run(kc, "%%ssql --chart line x=user_id y=c\n" + datagen("ticks4") + "SELECT user_id, COUNT(*) AS c FROM ticks4 GROUP BY user_id", timeout=30)
    assert reply["content"]["status"] == "ok", out
    charts = _displays(out, lambda d: "application/vnd.vegalite.v5+json" in d)
    assert len(charts) == 1, [m["content"] for m in out]
    view_id = charts[0]["content"]["transient"]["display_id"]
    updates = _updates(kc, view_id, 3)
    for u in updates:  # the current table: one point per group, never a group twice
        users = [p["user_id"] for p in u["application/vnd.vegalite.v5+json"]["data"]["values"]]
        assert len(users) == len(set(users)) and set(users) <= {1, 2, 3, 4}, users
    # Read iopub ourselves: the final state is sent to the job's own cell, perhaps while the cancelling cell runs.
    kc.execute(f"%jobs cancel {_job_number(kc, 'FROM ticks4')}")
    [final] = _updates(kc, view_id, 1, lambda d: "image/svg+xml" in d)
    assert final["image/svg+xml"].startswith("<svg"), "the final state keeps a static SVG"
