"""A TypeScript cell and a %%ssql cell see the same tables (StreamTableEnvironment, issue 18), through a real Jupyter client."""

from conftest import run


def _result(out):
    results = [m for m in out if m["msg_type"] == "execute_result"]
    assert results, f"no execute_result in {[m['msg_type'] for m in out]}"
    return results[-1]["content"]["data"]


def test_ssql_tables_reach_typescript_and_datastream_views_reach_ssql(kernel):
    _, kc = kernel
    reply, out = run(
        kc,
        "%%ssql\nCREATE TABLE gen (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '4',\n  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '4');",
    )
    assert reply["content"]["status"] == "ok", out
    code = (
        'import { StreamEnvironment, StreamTableEnvironment, Schema } from "sluice";\n'
        "const e = StreamEnvironment.create();\n"
        "const tEnv = StreamTableEnvironment.create(e);\n"
        "const got = sinks.collect<unknown>();\n"
        'tEnv.toDataStream(tEnv.sqlQuery("SELECT id * 2 AS twice FROM gen")).map((r) => r.getField("twice")).sinkTo(got);\n'
        'await e.execute("from sql").wait();\n'
        'tEnv.createTemporaryView("words", e.fromArray([{ w: "a" }, { w: "b" }, { w: "a" }]), Schema.newBuilder().column("w", "STRING").build());\n'
        "JSON.stringify(got.values)"
    )
    reply, out = run(kc, code, timeout=60)
    assert reply["content"]["status"] == "ok", out
    assert _result(out)["text/plain"].strip("'\"") == "[2,4,6,8]", out
    reply, out = run(kc, "%%ssql\nSELECT w, COUNT(*) AS n FROM words GROUP BY w")
    assert reply["content"]["status"] == "ok", out
    rows = sorted(_result(out)["application/vnd.dataresource+json"]["data"], key=lambda r: r["w"])
    assert rows == [{"w": "a", "n": 2}, {"w": "b", "n": 1}], rows


def test_a_function_registered_in_a_typescript_cell_is_called_by_ssql(kernel):
    """README's example: a UDF from a TypeScript cell, and a class name CREATE FUNCTION resolves."""
    _, kc = kernel
    code = (
        'import { StreamEnvironment, StreamTableEnvironment, registerFunctionClass } from "sluice";\n'
        'registerFunctionClass("com.acme.Clamp", { resultType: "DOUBLE", eval: (x: number | null, hi: number) => (x === null ? null : Math.min(x, hi)) });\n'
        'StreamTableEnvironment.create(StreamEnvironment.create()).createTemporarySystemFunction("shout", { resultType: "STRING", eval: (s: string | null) => (s === null ? null : `${s.toUpperCase()}!`) });\n'
    )
    reply, out = run(kc, code, timeout=60)
    assert reply["content"]["status"] == "ok", out
    reply, out = run(
        kc,
        "%%ssql\nCREATE FUNCTION clamp AS 'com.acme.Clamp';\nCREATE TABLE nums (id INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3',\n  'fields.id.kind' = 'sequence', 'fields.id.start' = '1', 'fields.id.end' = '3');\nSELECT shout(CAST(id AS STRING)) AS s, clamp(id * 1.5, 3.0) AS c FROM nums",
    )
    assert reply["content"]["status"] == "ok", out
    rows = sorted(_result(out)["application/vnd.dataresource+json"]["data"], key=lambda r: r["s"])
    assert rows == [{"s": "1!", "c": 1.5}, {"s": "2!", "c": 3.0}, {"s": "3!", "c": 3.0}], rows
