"""%%sql cells on the kernel-wide DuckDB database, through a real Jupyter client."""

import json
import threading
import time
from pathlib import Path

import jsonschema

from conftest import run

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "notebooks" / "data"
VEGA_LITE_SCHEMA = json.loads((ROOT / "node_modules" / "vega-lite" / "build" / "vega-lite-schema.json").read_text())


def _result(out):
    results = [m for m in out if m["msg_type"] == "execute_result"]
    assert results, f"no execute_result in {[m['msg_type'] for m in out]}"
    return results[-1]["content"]["data"]


def test_csv_json_and_parquet_give_the_exact_rows(reused_kernel):
    _, kc = reused_kernel
    expected = [
        {"page": "/docs", "views": 3, "total_ms": 11400},
        {"page": "/home", "views": 3, "total_ms": 2650},
        {"page": "/pricing", "views": 2, "total_ms": 6600},
    ]
    for path in (DATA / "page_views.csv", DATA / "page_views.parquet", DATA / "page_views.json"):
        reply, out = run(kc, f"%%sql\nselect page, count(*)::INT as views, sum(duration_ms)::BIGINT as total_ms\nfrom '{path}' group by page order by page")
        assert reply["content"]["status"] == "ok"
        data = _result(out)
        resource = data["application/vnd.dataresource+json"]
        assert resource["data"] == expected
        assert [f["type"] for f in resource["schema"]["fields"]] == ["string", "integer", "integer"]
        assert "<table" in data["text/html"] and "3 rows" in data["text/html"]
        assert "/pricing" in data["text/plain"]


def test_types_are_shown_faithfully(reused_kernel):
    _, kc = reused_kernel
    _, out = run(
        kc,
        "%%sql\nselect TIMESTAMP '2024-01-02 03:04:05.123' as ts, 3.25::DECIMAL(10,2) as price,\n  12345678901234567890::HUGEINT as big, [1, 2] as xs, {'a': 1, 'b': 'z'} as st, NULL::INT as nothing",
    )
    row = _result(out)["application/vnd.dataresource+json"]["data"][0]
    assert row == {"ts": "2024-01-02 03:04:05.123", "price": "3.25", "big": "12345678901234567890", "xs": [1, 2], "st": {"a": 1, "b": "z"}, "nothing": None}
    fields = _result(out)["application/vnd.dataresource+json"]["schema"]["fields"]
    assert [f["type"] for f in fields] == ["datetime", "number", "integer", "array", "object", "integer"]


def test_large_results_are_truncated_with_a_count(reused_kernel):
    _, kc = reused_kernel
    _, out = run(kc, "%%sql --limit 10\nselect range as i from range(1000)")
    data = _result(out)
    assert "showing 10 of 1,000 rows" in data["text/html"]
    assert data["text/html"].count("<tr>") == 11  # header + 10 rows
    assert len(data["application/vnd.dataresource+json"]["data"]) == 10  # a notebook saves every output


def test_hostile_parameter_is_bound_not_pasted(reused_kernel):
    _, kc = reused_kernel
    run(kc, 'const evil = "\'; drop table victims; --";')
    reply, _ = run(kc, "%%sql\ncreate table victims(name varchar);\ninsert into victims values ({evil}), ($evil);")
    assert reply["content"]["status"] == "ok"
    _, out = run(kc, "%sql select name, count(*)::INT as n from victims group by name")
    assert _result(out)["application/vnd.dataresource+json"]["data"] == [{"name": "'; drop table victims; --", "n": 2}]


def test_output_variable_is_typed_rows(reused_kernel):
    _, kc = reused_kernel
    run(kc, f"%%sql -o pages\nselect page, count(*) as views from '{DATA / 'page_views.csv'}' group by page order by page")
    _, out = run(kc, "pages.map((p) => `${p.page}=${p.views + 0}`).join(',')")
    assert _result(out)["text/plain"] == "'/docs=3,/home=3,/pricing=2'"
    reply, _ = run(kc, "pages[0].nosuchcolumn")
    assert reply["content"]["ename"] == "TSError"  # later cells are type-checked against the columns


def test_sql_template_in_typescript(reused_kernel):
    _, kc = reused_kernel
    _, out = run(kc, "const limit = 2;\nconst r = await sql<{ n: number }>`select count(*) as n from range(10) where range < ${limit}`;\nr[0].n + 1")
    assert _result(out)["text/plain"] == "3"


def test_chart_is_valid_vega_lite(reused_kernel):
    _, kc = reused_kernel
    reply, out = run(kc, f"%%sql --chart bar x=page y=views color=page\nselect page, count(*) as views from '{DATA / 'page_views.parquet'}' group by page")
    assert reply["content"]["status"] == "ok"
    spec = _result(out)["application/vnd.vegalite.v5+json"]
    # The Vega-Lite schema uses $refs that jsonschema's meta-schema check rejects; validate data only.
    jsonschema.Draft7Validator(VEGA_LITE_SCHEMA).validate(spec)
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"] == {"field": "views", "type": "quantitative"}
    assert sorted(v["views"] for v in spec["data"]["values"]) == [2, 3, 3]


def test_sql_error_shows_duckdb_message_at_the_cell_line(reused_kernel):
    _, kc = reused_kernel
    reply, out = run(kc, "%%sql\nselect 1;\n\nselect * fro nowhere")
    c = reply["content"]
    assert c["ename"] == "ParserError"
    assert "syntax error" in c["evalue"] and "cell line 4" in c["evalue"]
    assert any("select * fro nowhere" in line for line in c["traceback"])


def test_file_database_survives_a_kernel_restart(kernel, tmp_path):
    km, kc = kernel
    db = tmp_path / "notes.duckdb"
    run(kc, f"%sql open {db}")
    run(kc, "%%sql\ncreate table notes(t varchar); insert into notes values ('kept')")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    run(kc, f"%sql open {db}")
    _, out = run(kc, "%sql select t from notes")
    assert _result(out)["application/vnd.dataresource+json"]["data"] == [{"t": "kept"}]


def test_interrupting_a_long_query_leaves_the_kernel_responsive(kernel):
    km, kc = kernel
    threading.Timer(1.0, km.interrupt_kernel).start()
    reply, _ = run(kc, "%%sql\nselect count(*) from range(100000000) a, range(100000) b where a.range + b.range = 7", timeout=60)
    assert reply["content"]["ename"] == "Interrupted"
    _, out = run(kc, "%sql select 'alive' as s")
    assert _result(out)["application/vnd.dataresource+json"]["data"] == [{"s": "alive"}]


def test_unknown_magic_and_bad_options_are_clear_errors(reused_kernel):
    _, kc = reused_kernel
    reply, _ = run(kc, "%%nosuch\nwhatever")
    assert reply["content"]["ename"] == "UsageError" and "%sql" in reply["content"]["evalue"]
    reply, _ = run(kc, "%%sql --chart pie x=a y=b\nselect 1")
    assert reply["content"]["ename"] == "UsageError"


def test_a_running_jobs_table_is_queryable_mid_run_and_ends_equal_to_the_batch_answer(reused_kernel):
    _, kc = reused_kernel
    reply, _ = run(
        kc,
        """const env = StreamEnvironment.create();
const events = Array.from({ length: 4000 }, (_, i) => ({ id: i, page: `/p${i % 7}`, ts: i * 50 }));
env.fromArray(events)
  .map((e) => e)
  .sinkTo(duckdb.table("events", {}));
const done = env.fromAsyncIterable((async function* () {
  for (const e of events) {
    if (e.id % 500 === 0) await new Promise((r) => setTimeout(r, 150));
    yield e;
  }
})()).sinkTo(duckdb.table("slow_events", {}));
const job = env.execute("to duckdb");
job.bounded""",
    )
    assert reply["content"]["status"] == "ok"
    # The cell held until the bounded job finished; query again while a second, slower job runs.
    run(
        kc,
        """const env2 = StreamEnvironment.create();
env2.fromAsyncIterable((async function* () {
  for (let i = 0; i < 3000; i++) { if (i % 300 === 0) await new Promise((r) => setTimeout(r, 200)); yield { id: i, page: `/p${i % 7}` }; }
})()).sinkTo(duckdb.table("live_events", { mode: "append" }));
const job2 = env2.execute("live").detach();
'started'""",
    )
    seen = []
    for _ in range(40):
        _, out = run(kc, "%sql select count(*)::INT as n, count(distinct id)::INT as ids, coalesce(max(id), -1)::INT as top from live_events")
        data = [m for m in out if m["msg_type"] == "execute_result"]
        row = data[-1]["content"]["data"]["application/vnd.dataresource+json"]["data"][0] if data else {"n": 0, "ids": 0, "top": -1}
        seen.append(row)
        if row["n"] == 3000:
            break
        time.sleep(0.2)
    counts = [r["n"] for r in seen]
    assert any(0 < n < 3000 for n in counts), f"never saw a partial table mid-run: {counts}"
    # Each mid-run view holds ids 0..n-1 once each (appends land whole and in order), and only grows.
    assert all(r["ids"] == r["n"] and r["top"] == r["n"] - 1 for r in seen), seen
    assert counts == sorted(counts), counts
    _, out = run(kc, "await job2.done; 'done'")
    streamed = _result(run(kc, "%sql select page, count(*)::INT as n from live_events group by page order by page")[1])["application/vnd.dataresource+json"]["data"]
    batch = [{"page": f"/p{k}", "n": len([i for i in range(3000) if i % 7 == k])} for k in range(7)]
    assert streamed == batch


def test_duckdb_source_replays_a_query_through_a_pipeline(reused_kernel):
    _, kc = reused_kernel
    run(kc, "%%sql\ncreate table hist as select range::INT as i, 'k' || (range % 3) as k from range(30)")
    _, out = run(
        kc,
        "const sums = await StreamEnvironment.create().fromSource(duckdb.source<{ i: number; k: string }>('select * from hist where i >= ?', [10])).filter((r) => r.k === 'k1').map((r) => r.i).executeAndCollect('replay');\nsums.join(',')",
    )
    assert _result(out)["text/plain"] == "'" + ",".join(str(i) for i in range(10, 30) if i % 3 == 1) + "'"
