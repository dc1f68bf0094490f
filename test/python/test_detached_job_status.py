"""A detached (unbounded) job's status line, saved by nbclient, shows its state at the end of the
run, not the state when its own cell ended.

nbclient applies only messages whose parent is the cell it is executing; the job's display updates
must therefore be addressed to the cell running now (they update the job's cell by display_id).
The notebook starts a detached generator job, then a later cell waits until the job has read at
least 2,000 records; the saved status line of the first cell must count at least those.
"""

import re

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

START = """\
const env = StreamEnvironment.create();
env.fromSource(DataGen.pageViews({ seed: 1, rate: 2_000 })).map((v) => v.page).sinkTo(sinks.collect<string>());
const job = env.execute("background").detach();
"""

WAIT = """\
const readSoFar = () => job.metrics().operators.filter((o) => o.kind === "source").reduce((a, o) => a + o.recordsIn, 0);
while (readSoFar() < 2_000) await new Promise((r) => setTimeout(r, 50));
await new Promise((r) => setTimeout(r, 1_000));   // a few status updates at the live-update interval
readSoFar() >= 2_000
"""


def test_saved_status_line_of_a_detached_job_is_current(tmp_path):
    nb = new_notebook(cells=[new_code_cell(START), new_code_cell(WAIT), new_code_cell("await job.cancel(); job.status")])
    nb.metadata["kernelspec"] = {"name": "sluice", "display_name": "Sluice (TypeScript)", "language": "typescript"}
    NotebookClient(nb, kernel_name="sluice", timeout=60, resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    status = [o.data["text/plain"] for o in nb.cells[0].outputs if o.output_type == "display_data" and 'job "background"' in o.data.get("text/plain", "")]
    assert len(status) == 1, nb.cells[0].outputs
    records_in = int(re.search(r"([\d,]+) in", status[0]).group(1).replace(",", ""))
    assert records_in >= 2_000, status[0]
