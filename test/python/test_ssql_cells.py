"""%%ssql cells (Flink SQL on the embedded engine, issue 18) through a real Jupyter client."""

from conftest import run


def _result(out):
    results = [m for m in out if m["msg_type"] == "execute_result"]
    assert results, f"no execute_result in {[m['msg_type'] for m in out]}"
    return results[-1]["content"]["data"]


def test_ddl_persists_and_a_bounded_query_shows_its_final_table(kernel, tmp_path):
    _, kc = kernel
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


def test_a_parse_error_names_the_cells_line_column_and_token(kernel):
    _, kc = kernel
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
