"""nbclient executes notebooks/quickstart.ipynb with the Sluice kernel; the saved outputs are checked."""
import json
from pathlib import Path

import jsonschema
import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
VEGA_LITE = "application/vnd.vegalite.v5+json"


def _outputs(cell, output_type):
    return [o for o in cell.outputs if o.output_type == output_type]


def test_quickstart_executes_and_saves_its_final_outputs(tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / "quickstart.ipynb", as_version=4)
    NotebookClient(nb, kernel_name="sluice", timeout=180, resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not _outputs(c, "error") for c in code)
    assert [c.execution_count for c in code] == [1, 2, 3]

    status, chart = _outputs(code[1], "display_data")
    assert "finished" in status.data["text/plain"] and "6,000 in" in status.data["text/plain"]
    spec = chart.data[VEGA_LITE]  # the saved chart is the final state, not the first frame
    schema = json.loads((ROOT / "node_modules" / "vega-lite" / "build" / "vega-lite-schema.json").read_text())
    jsonschema.Draft7Validator(schema).validate(spec)
    assert chart.data["image/svg+xml"].startswith("<svg")
    points = spec["data"]["values"]
    assert sum(p["value"] for p in points) == 6000  # every page view is in exactly one window

    rows = _outputs(code[2], "execute_result")[0].data["application/vnd.dataresource+json"]["data"]
    assert [r["page"] for r in rows][:3] == ["/", "/products", "/blog"]
    # SQL over the DuckDB sink agrees with the chart fed by the same stream.
    assert rows[0]["views"] == sum(p["value"] for p in points if p["key"] == "/")

    out = tmp_path / "quickstart.ipynb"
    nbformat.write(nb, out)  # what a user saves: the outputs survive a round trip
    nbformat.validate(nbformat.read(out, as_version=4))
