"""notebooks/streaming-sql.ipynb executed with nbclient as CI does (issue 18): the quickstart's analytics in
%%ssql cells, on the seeded generator through a DataStream view and, with its `kafka` setting, on a real
broker through Flink's kafka SQL connector: both give the same tables."""

import json
import subprocess
import uuid

import nbformat
import pytest
from test_example_notebooks import ROOT, cell, execute, kafka_bootstrap, sql_rows  # noqa: F401 (a fixture)

# The generator's page views per page: 6,000 in all (no view is late: out-of-orderness 1 s < watermark delay 2 s).
TOTAL = 6_000


def assert_tables(nb):
    windows = sql_rows(cell(nb, "SELECT window_start, page, COUNT(*) AS views"))
    assert sum(r["views"] for r in windows) == TOTAL
    assert len({r["page"] for r in windows}) == 6
    per_page = {}
    for r in windows:
        per_page[r["page"]] = per_page.get(r["page"], 0) + r["views"]
    top = sql_rows(cell(nb, "from top_pages order by"))
    # The updating GROUP BY (upserted into DuckDB) and the window counts (appended) agree, and both with
    # the window cell's own result.
    assert [(r["page"], r["views"]) for r in top] == sorted(per_page.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    assert sql_rows(cell(nb, "from window_counts group by page")) == top
    assert [r["page"] for r in top][:3] == ["/", "/products", "/blog"]  # as the quickstart's DataStream windows rank them
    # Window Top-N: per window, the two largest counts of the window cell's own result.
    ranked = sql_rows(cell(nb, "ROW_NUMBER() OVER (PARTITION BY window_start, window_end"))
    by_window = {}
    for r in windows:
        by_window.setdefault(r["window_start"], []).append(r["views"])
    assert {w: sorted(v, reverse=True)[:2] for w, v in by_window.items()} == {
        w: [r["views"] for r in sorted((r for r in ranked if r["window_start"] == w), key=lambda r: r["rownum"])] for w in by_window
    }
    assert all(per_page.get(r["page"]) is not None for r in ranked)
    # Interval join: views followed by a purchase, per page; a page's pairs are at least its buyers, at most its views times purchases.
    joined = sql_rows(cell(nb, "views_then_purchase"))
    assert {r["page"] for r in joined} <= set(per_page) and sum(r["views_then_purchase"] for r in joined) > 0
    assert all(0 < r["buyers"] <= r["views_then_purchase"] for r in joined)
    return top, sorted((r["page"], r["views_then_purchase"], r["buyers"]) for r in joined)


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    return assert_tables(execute("streaming-sql", tmp_path_factory.mktemp("generated")))


def test_streaming_sql(generated):
    top, joined = generated
    assert len(top) == 5 and len(joined) == 6


def test_streaming_sql_on_kafka_reads_the_same_tables(tmp_path, kafka_bootstrap, generated):  # noqa: F811 (the imported fixture)
    topic = f"sql_page_views_{uuid.uuid4().hex[:8]}"
    engine = json.dumps(str(ROOT / "dist/engine/src/index.js"))
    kafka = json.dumps(str(ROOT / "dist/engine/src/connectors/kafka/index.js"))
    # The notebook's publish snippet, run by node against a fresh topic.
    nb = nbformat.read(ROOT / "notebooks" / "streaming-sql.ipynb", as_version=4)
    (md,) = [c for c in nb.cells if c.cell_type == "markdown" and "publish sql_page_views" in c.source]
    gen = md.source.split("publisher.fromSource(", 1)[1].split(").sinkTo(", 1)[0]
    publish = (
        f"import {{ StreamEnvironment, DataGen, Kafka }} from {engine}; import {{ KafkajsClient }} from {kafka};"
        f"const c = KafkajsClient.create({{ brokers: [{json.dumps(kafka_bootstrap)}] }});"
        f"await c.createTopics([{{ topic: {json.dumps(topic)}, partitions: 1 }}]); await c.close();"
        "const publisher = StreamEnvironment.create();"
        f"publisher.fromSource({gen}).sinkTo(Kafka.sink({{ brokers: [{json.dumps(kafka_bootstrap)}], topic: {json.dumps(topic)} }}));"
        "await publisher.execute('publish').wait();"
    )
    done = subprocess.run(["node", "--input-type=module", "-e", publish], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    (params,) = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    params.source = f"const kafka: string = {json.dumps(kafka_bootstrap)};"
    (ddl,) = [c for c in nb.cells if c.cell_type == "code" and "'topic' = 'sql_page_views'" in c.source]
    ddl.source = ddl.source.replace("'topic' = 'sql_page_views'", f"'topic' = '{topic}'")
    assert assert_tables(execute("streaming-sql", tmp_path, nb=nb, cwd=tmp_path)) == generated
