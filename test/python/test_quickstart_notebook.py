"""nbclient executes notebooks/quickstart.ipynb with the Sluice kernel; the saved outputs are checked."""
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]


def _outputs(cell, output_type):
    return [o for o in cell.outputs if o.output_type == output_type]


def test_quickstart_executes_and_saves_its_outputs(tmp_path):
    nb = nbformat.read(ROOT / "notebooks" / "quickstart.ipynb", as_version=4)
    NotebookClient(nb, kernel_name="sluice", timeout=120, resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(not _outputs(c, "error") for c in code)
    assert _outputs(code[0], "stream")[0].text == "4 page views\n"
    assert _outputs(code[1], "execute_result")[0].data["text/plain"] == "{ '/home': 2, '/docs': 2 }"
    chart = _outputs(code[2], "display_data")[0].data["application/vnd.vegalite.v5+json"]
    assert chart["mark"] == "bar"
    assert {"page": "/docs", "views": 2} in chart["data"]["values"]
    assert [c.execution_count for c in code] == [1, 2, 3]
    out = tmp_path / "quickstart.ipynb"
    nbformat.write(nb, out)  # what a user saves: the outputs survive a round trip
    saved = nbformat.read(out, as_version=4)
    nbformat.validate(saved)
