"""%%ssql cells (Flink SQL on the embedded engine, issue 18) through a real Jupyter client."""

import re
import time

from conftest import run


def _result(out):
    results = [m for m in out if m["msg_type"] == "execute_result"]
    assert results, f"no execute_result in {[m['msg_type'] for m in out]}"
    return results[-1]["content"]["data"]


def test_ddl_persists_and_a_bounded_query_shows_its_final_table(reused_kernel, tmp_path):
    _, kc = reused_kernel
    csv = tmp_path / "orders.csv"
    csv.write_text("1,alice,10.5,2024-01-01 00:00:01.000\n2,bob,3.25,2024-01-01 00:00:04.000\n3,alice,7.0,2024-01-01 00:00:12.000\n")
    reply, out = run(
        kc,
        "%%ssql\nCREATE TABLE orders (id INT, name STRING, amount DOUBLE, ts TIMESTAMP(3),\n"
        "  WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)\n"
        f"WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv');\n"
        "CREATE VIEW big AS SELECT id, UPPER(name) AS n, amount * 2 AS a2 FROM orders WHERE amount > 5;",
    )
    assert reply["content"]["status"] == "ok", out
    reply, out = run(kc, "%%ssql\nSHOW TABLES;\nSELECT * FROM big")
    assert reply["content"]["status"] == "ok", out
    resource = _result(out)["application/vnd.dataresource+json"]
    assert sorted(resource["data"], key=lambda r: r["id"]) == [{"id": 1, "n": "ALICE", "a2": 21}, {"id": 3, "n": "ALICE", "a2": 14}]
    reply, out = run(kc, "%%ssql\nSELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE orders, DESCRIPTOR(ts), INTERVAL '10' SECOND))\nGROUP BY window_start, window_end")
    assert reply["content"]["status"] == "ok", out
    rows = sorted(_result(out)["application/vnd.dataresource+json"]["data"], key=lambda r: r["window_start"])
    assert rows == [{"window_start": "2024-01-01 00:00:00.000", "c": 2}, {"window_start": "2024-01-01 00:00:10.000", "c": 1}]


def test_a_parse_error_names_the_cells_line_column_and_token(reused_kernel):
    _, kc = reused_kernel
    reply, out = run(kc, "%%ssql\nCREATE TABLE t (a INT) WITH ('connector' = 'blackhole');\nSELECT a,\n  FROM t")
    content = reply["content"]
    assert content["status"] == "error"
    assert content["ename"] == "SqlError"
    assert 'at "FROM" (cell line 4, column 3)' in content["evalue"], content["evalue"]


def test_an_unbounded_query_returns_at_once_as_a_job_in_jobs(kernel):
    _, kc = kernel
    reply, out = run(
        kc,
        "%%ssql\nCREATE TABLE clicks (user_id INT, n BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20',\n"
        "  'fields.user_id.min' = '1', 'fields.user_id.max' = '5');\nSELECT user_id * 10 AS u FROM clicks WHERE user_id > 2",
        timeout=30,
    )
    assert reply["content"]["status"] == "ok", out
    reply, out = run(kc, "%jobs")
    listing = _result(out)["text/plain"]
    assert "SELECT user_id * 10" in listing and "running" in listing, listing
    reply, out = run(kc, "%jobs cancel 1")
    assert reply["content"]["status"] == "ok", out


def test_a_bounded_updating_group_by_shows_its_final_table(reused_kernel, tmp_path):
    _, kc = reused_kernel
    csv = tmp_path / "orders.csv"
    csv.write_text("1,alice,10.5\n2,bob,3.25\n3,alice,7.0\n4,carol,20.0\n5,bob,1.5\n")
    reply, out = run(
        kc,
        f"%%ssql\nCREATE TABLE o (id INT, name STRING, amount DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv');\n"
        "SELECT name, COUNT(*) AS c, SUM(amount) AS s FROM o GROUP BY name HAVING COUNT(*) > 1",
    )
    assert reply["content"]["status"] == "ok", out
    rows = sorted(_result(out)["application/vnd.dataresource+json"]["data"], key=lambda r: r["name"])
    assert rows == [{"name": "alice", "c": 2, "s": 17.5}, {"name": "bob", "c": 2, "s": 4.75}]


def _table(bundle):
    """The live table's text/plain: header, one line per row, a caption; as {first column: the rest}."""
    lines = bundle["text/plain"].split("\n")
    return {r.split("\t")[0]: r.split("\t")[1:] for r in lines[1:-1]}


def test_an_unbounded_updating_group_by_is_a_live_table_keyed_by_the_group(kernel):
    _, kc = kernel
    reply, out = run(
        kc,
        "%%ssql\nCREATE TABLE ticks (user_id INT, v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '200',\n"
        "  'fields.user_id.min' = '1', 'fields.user_id.max' = '4', 'fields.v.min' = '0', 'fields.v.max' = '9');\n"
        "SELECT user_id, COUNT(*) AS c, MAX(v) AS hi FROM ticks GROUP BY user_id",
        timeout=30,
    )
    assert reply["content"]["status"] == "ok", out
    tables = [m for m in out if m["msg_type"] == "display_data" and "<table>" in m["content"]["data"].get("text/html", "")]
    assert len(tables) == 1, [m["content"] for m in out]
    view_id = tables[0]["content"]["transient"]["display_id"]
    # The job runs detached: its table updates in place (display_id) while later cells execute.
    updates = []
    deadline = time.monotonic() + 60
    while len(updates) < 4:
        assert time.monotonic() < deadline, f"only {len(updates)} updates of the live table"
        m = kc.get_iopub_msg(timeout=30)
        if m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == view_id:
            updates.append(_table(m["content"]["data"]))
    reply, out = run(kc, "%jobs cancel 1")
    assert reply["content"]["status"] == "ok", out
    # One row per group; a group once shown never disappears (no rendering between a -U and its +U)
    # and its count only grows.
    for before, after in zip(updates, updates[1:]):
        assert set(before) <= set(after), (before, after)
        for user in before:
            assert int(after[user][0]) >= int(before[user][0]), (user, before, after)
    assert set(updates[-1]) <= {"1", "2", "3", "4"} and len(updates[-1]) >= 1, updates[-1]


def test_explain_shows_the_operator_graph_as_text_and_starts_no_job(reused_kernel):
    _, kc = reused_kernel
    reply, out = run(
        kc,
        "%%ssql\nCREATE TABLE ev (id INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts - INTERVAL '1' SECOND)\n"
        "  WITH ('connector' = 'datagen', 'rows-per-second' = '5');\n"
        "EXPLAIN SELECT window_start, COUNT(*) AS c FROM TABLE(TUMBLE(TABLE ev, DESCRIPTOR(ts), INTERVAL '10' SECOND))\n"
        "GROUP BY window_start, window_end",
    )
    assert reply["content"]["status"] == "ok", out
    text = _result(out)["text/plain"]
    lines = text.split("\n")
    scan = next(i for i, line in enumerate(lines) if "ev[datagen]" in line)
    window = next(i for i, line in enumerate(lines) if "window aggregate" in line)
    sink = next(i for i, line in enumerate(lines) if "Sink: collect" in line)
    assert scan < window < sink, text
    svg = _result(out)["image/svg+xml"]
    assert svg.startswith("<svg") and svg.count('<g class="operator"') == sum(1 for line in lines if re.match(r"\[\d+\] ", line)), svg
    reply, out = run(kc, "%jobs")
    # A job's name quotes its statement's first 60 characters.
    assert "EXPLAIN" not in str(out) and "TUMBLE(TABLE e" not in str(out), out


def test_an_interrupted_query_stops_only_its_own_job(kernel):
    """Interrupting a bounded query cancels its job; a streaming job an earlier cell started runs on."""
    _, kc = kernel
    reply, out = run(
        kc,
        "%%ssql\nCREATE TABLE ticks (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20');\nSELECT k FROM ticks WHERE k > 0",
    )
    assert reply["content"]["status"] == "ok", out
    slow = "%%ssql\nCREATE TABLE slow (k INT) WITH ('connector' = 'datagen', 'number-of-rows' = '100000', 'rows-per-second' = '10');\nSELECT k FROM slow"
    msg_id = kc.execute(slow)
    while True:  # the cell is running once its input is echoed
        m = kc.get_iopub_msg(timeout=30)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
            break
    request = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(request)
    while kc.get_control_msg(timeout=10)["parent_header"].get("msg_id") != request["header"]["msg_id"]:
        pass
    reply = kc.get_shell_msg(timeout=30)
    assert reply["parent_header"]["msg_id"] == msg_id  # the cell ends (its job cancelled) instead of reading for hours
    deadline = time.time() + 20
    while True:
        _, out = run(kc, "%jobs")
        listing = _result(out)["text/plain"]
        ticks = [line for line in listing.splitlines() if "SELECT k FROM ticks" in line]
        slow_rows = [line for line in listing.splitlines() if "SELECT k FROM slow" in line]
        if not slow_rows or "running" not in slow_rows[0] or time.time() > deadline:
            break
        time.sleep(0.2)
    assert ticks and "running" in ticks[0], listing
    assert not slow_rows or "running" not in slow_rows[0], listing
    run(kc, '%jobs cancel "SELECT k FROM ticks WHERE k > 0"')


def test_a_result_with_repeated_column_names_shows_every_column(reused_kernel, tmp_path):
    # Named as Flink (Calcite) names a repeated column: id, id0.
    _, kc = reused_kernel
    csv = tmp_path / "twice.csv"
    csv.write_text("1,x\n2,y\n")
    reply, out = run(
        kc,
        f"%%ssql\nCREATE TABLE twice (id INT, tag STRING) WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv');\nSELECT id, tag, id FROM twice",
    )
    assert reply["content"]["status"] == "ok", out
    text = _result(out)["text/plain"]
    header, *lines = text.splitlines()
    assert header.split() == ["id", "│", "tag", "│", "id0"], text
    assert [line.replace("│", " ").split() for line in lines[2:4]] == [["1", "x", "1"], ["2", "y", "2"]], text


def test_an_updating_group_by_inserted_into_a_duckdb_table_is_queried_by_a_sql_cell(reused_kernel, tmp_path):
    _, kc = reused_kernel
    csv = tmp_path / "sales.csv"
    csv.write_text("1,alice,10.5\n2,bob,3.25\n3,alice,7.0\n4,carol,20.0\n5,bob,1.5\n")
    reply, out = run(
        kc,
        f"%%ssql\nCREATE TABLE s (id INT, name STRING, amount DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv');\n"
        "CREATE TABLE totals (name STRING, c BIGINT, total DOUBLE, PRIMARY KEY (name) NOT ENFORCED) WITH ('connector' = 'duckdb', 'table-name' = 'sales_totals');\n"
        "INSERT INTO totals SELECT name, COUNT(*), SUM(amount) FROM s GROUP BY name",
    )
    assert reply["content"]["status"] == "ok", out
    reply, out = run(kc, "%%sql\nselect name, c::INT as c, total from sales_totals order by name")
    assert reply["content"]["status"] == "ok", out
    rows = _result(out)["application/vnd.dataresource+json"]["data"]
    assert rows == [{"name": "alice", "c": 2, "total": 17.5}, {"name": "bob", "c": 2, "total": 4.75}, {"name": "carol", "c": 1, "total": 20.0}]


def test_a_line_skipped_under_ignore_parse_errors_is_a_dead_letter_on_the_job_card(kernel, tmp_path):
    _, kc = kernel
    csv = tmp_path / "bad.csv"
    csv.write_text("1,10\n2,abc\n3,30,extra\n")
    reply, out = run(
        kc,
        f"%%ssql\nCREATE TABLE t (id INT, v INT) WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv', 'csv.ignore-parse-errors' = 'true');\nSELECT * FROM t",
    )
    assert reply["content"]["status"] == "ok", out
    rows = sorted(_result(out)["application/vnd.dataresource+json"]["data"], key=lambda r: r["id"])
    assert rows == [{"id": 1, "v": 10}, {"id": 2, "v": None}]
    reply, out = run(kc, "%jobs show 1 --graph")
    assert reply["content"]["status"] == "ok", out
    html = "".join(m["content"]["data"].get("text/html", "") for m in out if m["msg_type"] == "display_data")
    assert "Dead letters: 2" in html, html[-3000:]
    assert "For input string: &quot;abc&quot;" in html or 'For input string: "abc"' in html, html[-3000:]
    assert "Too many entries" in html, html[-3000:]
