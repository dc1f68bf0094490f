"""A notebook developed locally, re-run on a Flink cluster by one report parameter (issue 19).

The notebook's parameters cell declares `target = "local"` and its next cell is `%flink target
{target}`, so `sluice report -p target=flink` sends its `%%ssql` cells through the SQL Gateway of
scripts/flink.sh's cluster (given to the kernel by SLUICE_FLINK_GATEWAY, set for both runs). The
two reports must show the same tables and charts: a bounded aggregate, a chart of one, and a
`%%sql` table of the kernel's DuckDB filled by an INSERT (on Flink: its rows come back through the
gateway). Gated like the other cluster tests:

    SLUICE_FLINK_TESTS=on .venv/bin/python -m pytest -q test/python/test_flink_report.py
"""

import json
import os
import subprocess
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
FLINK = ["bash", str(ROOT / "scripts" / "flink.sh")]
SLUICE = ["node", str(ROOT / "bin" / "sluice.js"), "report"]

pytestmark = pytest.mark.skipif(os.environ.get("SLUICE_FLINK_TESTS") == "off", reason="SLUICE_FLINK_TESTS=off")


@pytest.fixture(scope="module")
def gateway():
    running = subprocess.run([*FLINK, "status"], capture_output=True).returncode == 0
    url = subprocess.run([*FLINK, "start"], capture_output=True, text=True, check=True, timeout=600).stdout.split()[-2]
    yield url
    if not running and os.environ.get("SLUICE_FLINK_KEEP") != "1":
        subprocess.run([*FLINK, "stop"], check=True, timeout=120)


def notebook(csv):
    code = nbformat.v4.new_code_cell
    return nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "sluice", "display_name": "Sluice (TypeScript)", "language": "typescript"}},
        cells=[
            code('const target: string = "local";  // "flink": the %%ssql cells run on the Flink cluster of SLUICE_FLINK_GATEWAY', metadata={"tags": ["parameters"]}),
            code("%flink target {target}"),
            code(f"%%ssql\nCREATE TABLE orders (id INT, name STRING, amount DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv')"),
            code("%%ssql\nSELECT name, COUNT(*) AS n, SUM(amount) AS total FROM orders GROUP BY name"),
            code("%%ssql --chart bar x=name y=total\nSELECT name, SUM(amount) AS total FROM orders GROUP BY name"),
            code(
                "%%ssql\nCREATE TABLE big_orders (id INT, name STRING, amount DOUBLE) WITH ('connector' = 'duckdb', 'table-name' = 'big_orders');\n"
                "INSERT INTO big_orders SELECT id, UPPER(name), amount FROM orders WHERE amount > 5"
            ),
            code("%%sql\nSELECT * FROM big_orders ORDER BY id"),
        ],
    )


def report(tmp_path, source, target, gateway):
    out = tmp_path / f"{target}.ipynb"
    env = {**os.environ, "SLUICE_FLINK_GATEWAY": gateway, "JUPYTER_PATH": str(ROOT / ".venv" / "share" / "jupyter")}
    done = subprocess.run([*SLUICE, str(source), "-p", "target", target, "--notebook-out", str(out), "-o", str(tmp_path / f"{target}.html")], capture_output=True, text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return nbformat.read(out, as_version=4)


def shown(nb):
    """Per code cell: its tables (rows in a stable order: a streaming GROUP BY has none) and charts."""
    cells = []
    for cell in nb.cells[1:]:
        items = []
        for output in cell.outputs:
            data = output.get("data", {})
            if "application/vnd.dataresource+json" in data:
                table = data["application/vnd.dataresource+json"]
                items.append(("table", [f["name"] for f in table["schema"]["fields"]], sorted(json.dumps(r, sort_keys=True) for r in table["data"])))
            if "application/vnd.vegalite.v5+json" in data:
                spec = json.loads(json.dumps(data["application/vnd.vegalite.v5+json"]))
                spec["data"]["values"].sort(key=lambda r: json.dumps(r, sort_keys=True))
                items.append(("chart", spec))
        cells.append(items)
    return cells


def test_a_notebook_developed_locally_gives_the_same_tables_and_charts_on_flink_by_one_parameter(tmp_path, gateway):
    csv = tmp_path / "orders.csv"
    csv.write_text("1,alice,10.5\n2,bob,3.25\n3,alice,7.0\n4,carol,20.0\n5,bob,1.5\n6,alice,2.0\n")
    source = tmp_path / "orders.ipynb"
    nbformat.write(notebook(csv), source)
    local = report(tmp_path, source, "local", gateway)
    flink = report(tmp_path, source, "flink", gateway)
    assert "embedded engine" in local.cells[2].outputs[0]["data"]["text/plain"], local.cells[2].outputs
    assert f"run on Flink at {gateway}" in flink.cells[2].outputs[0]["data"]["text/plain"], flink.cells[2].outputs
    assert "finished; its rows are in duckdb table big_orders" in json.dumps(flink.cells[6].outputs)  # the INSERT ran on Flink
    on_local, on_flink = shown(local), shown(flink)
    assert [kinds[0] for items in on_local for kinds in items] == ["table", "chart", "table"], on_local
    assert on_flink == on_local
