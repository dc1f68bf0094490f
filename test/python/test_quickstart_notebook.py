"""nbclient executes notebooks/quickstart.ipynb with the Sluice kernel; the saved outputs are checked.

Its Kafka setting is tested in test_example_notebooks.py, against a real broker, with the same checks.
"""

import json
from pathlib import Path

import jsonschema
import nbformat

ROOT = Path(__file__).resolve().parents[2]
VEGA_LITE = "application/vnd.vegalite.v5+json"


def _outputs(cell, output_type):
    return [o for o in cell.outputs if o.output_type == output_type]


def assert_quickstart_outputs(nb):
    """The executed quickstart's outputs; returns (chart points, SQL rows) for comparisons between runs."""
    # (A report re-executed with a parameter has one more cell, tagged injected-parameters, after the setting.)
    code = [c for c in nb.cells if c.cell_type == "code" and "injected-parameters" not in c.metadata.get("tags", [])]
    assert len(code) == 4 and all(not _outputs(c, "error") for c in nb.cells if c.cell_type == "code")
    assert "parameters" in code[0].metadata.get("tags", [])  # the one setting, `kafka`
    assert 'env.execute("page views")' in code[2].source and code[3].source.startswith("%%sql")

    status, chart = _outputs(code[2], "display_data")
    assert "finished" in status.data["text/plain"] and "6,000 in" in status.data["text/plain"]
    spec = chart.data[VEGA_LITE]  # the saved chart is the final state, not the first frame
    schema = json.loads((ROOT / "node_modules" / "vega-lite" / "build" / "vega-lite-schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(spec)
    assert chart.data["image/svg+xml"].startswith("<svg")
    points = spec["data"]["values"]
    assert sum(p["value"] for p in points) == 6000  # every page view is in exactly one window

    rows = _outputs(code[3], "execute_result")[0].data["application/vnd.dataresource+json"]["data"]
    assert [r["page"] for r in rows][:3] == ["/", "/products", "/blog"]
    # SQL over the DuckDB sink agrees with the chart fed by the same stream.
    assert rows[0]["views"] == sum(p["value"] for p in points if p["key"] == "/")
    return points, rows


def test_quickstart_executes_and_saves_its_final_outputs(tmp_path, quickstart_nb):
    nb = quickstart_nb.nb
    assert_quickstart_outputs(nb)
    assert [c.execution_count for c in nb.cells if c.cell_type == "code"] == [1, 2, 3, 4]

    out = tmp_path / "quickstart.ipynb"
    nbformat.write(nb, out)  # what a user saves: the outputs survive a round trip
    nbformat.validate(nbformat.read(out, as_version=4))
