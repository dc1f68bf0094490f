"""A notebook made from live data re-executes from its recording to the same outputs (nbclient).

The notebook tails a file that a timer in the kernel keeps appending random readings to (a live
feed: every execution sees different data), counts readings per sensor in event-time windows, draws
a chart, loads DuckDB and queries it. The first execution records what the tail read into
recordings/feed.jsonl beside the notebook; the second replays it: chart data, SQL results and the
job's counts are identical, although the feed wrote other data. A third execution with mode
"record" reads the live feed again and differs, so the equality is not an accident of the data.
"""

import json
import re

from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

VEGA_LITE = "application/vnd.vegalite.v5+json"
ROWS = "application/vnd.dataresource+json"

FEED = """\
import { appendFileSync, writeFileSync } from "node:fs";
writeFileSync("feed.jsonl", "");
let feedTs = 1_700_000_000_000 + Math.floor(Math.random() * 1e6);
const feeder = setInterval(() => {
  let text = "";
  for (let k = 0; k < 40; k++) {
    feedTs += Math.floor(Math.random() * 400);
    const reading = { sensor: `s${Math.floor(Math.random() * 3)}`, ts: feedTs - Math.floor(Math.random() * 1_500), value: Math.random() };
    text += JSON.stringify(reading) + "\\n";
  }
  appendFileSync("feed.jsonl", text);
}, 20);
"""

JOB = """\
type Reading = { sensor: string; ts: number; value: number };
const env = StreamEnvironment.create();
const feed = recorded(FileSource.tail<Reading>("feed.jsonl", { format: "jsonl", pollInterval: 20 }), "recordings/feed.jsonl", { maxRecords: 1_200, mode: MODE });
const perSensor = env
  .fromSource(feed, WatermarkStrategy.forBoundedOutOfOrderness<Reading>(Time.seconds(1)).withTimestampAssigner((r) => r.ts))
  .keyBy((r) => r.sensor)
  .window(TumblingEventTimeWindows.of(Time.seconds(5)))
  .allowedLateness(Time.millis(500))
  .aggregateWithWindow(Aggregators.count());
perSensor.sinkTo(chart.line({ x: "start:T", y: "value", color: "key", title: "readings per 5 s" }));
perSensor
  .map((r) => ({ window_start: r.start, sensor: r.key, readings: r.value }))
  .sinkTo(duckdb.table("readings", { mode: "upsert", key: ["window_start", "sensor"] }));
env.execute("sensors");
"""

SQL = """\
%%sql
select sensor, sum(readings)::INT as readings, count(*)::INT as windows from readings group by sensor order by sensor
"""

RUN_INFO = "clearInterval(feeder); feed.lastRun()"


def notebook(mode):
    nb = new_notebook(cells=[new_code_cell(FEED), new_code_cell(JOB.replace("MODE", json.dumps(mode))), new_code_cell(SQL), new_code_cell(RUN_INFO)])
    nb.metadata["kernelspec"] = {"name": "sluice", "display_name": "Sluice (TypeScript)", "language": "typescript"}
    return nb


def execute(tmp_path, mode="auto"):
    nb = notebook(mode)
    NotebookClient(nb, kernel_name="sluice", timeout=120, resources={"metadata": {"path": str(tmp_path)}}).execute()
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert not errors, errors
    return nb


def observed(nb):
    """What a reader of the saved notebook sees, minus the job's wall-clock duration."""
    job, sql, info = nb.cells[1], nb.cells[2], nb.cells[3]
    charts = [o.data[VEGA_LITE] for o in job.outputs if o.output_type == "display_data" and VEGA_LITE in o.data]
    assert len(charts) == 1
    statuses = [o.data["text/plain"] for o in job.outputs if o.output_type == "display_data" and 'job "' in o.data.get("text/plain", "")]
    (rows,) = [o.data[ROWS]["data"] for o in sql.outputs if o.output_type == "execute_result"]
    (run,) = [o.data["text/plain"] for o in info.outputs if o.output_type == "execute_result"]
    return {
        "chart": charts[0]["datasets"] if "datasets" in charts[0] else charts[0]["data"],
        "status": re.sub(r" · took [\d.]+ s", "", statuses[-1]),
        "rows": rows,
        "run": run,
    }


def test_reexecuting_from_the_recording_gives_identical_outputs(tmp_path):
    recorded_run = observed(execute(tmp_path))
    recording = tmp_path / "recordings" / "feed.jsonl"
    assert recording.exists()
    assert "mode: 'record'" in recorded_run["run"], recorded_run["run"]
    assert "1,200 in" in recorded_run["status"] and "finished" in recorded_run["status"], recorded_run["status"]
    assert sum(r["readings"] for r in recorded_run["rows"]) > 0
    header, *records, footer = recording.read_text().splitlines()
    assert json.loads(header)["source"] == "tail:feed.jsonl"
    assert len(records) == 1_200 and json.loads(footer)["end"]["reason"] == "maxRecords"

    replayed = observed(execute(tmp_path))
    assert "mode: 'replay'" in replayed["run"], replayed["run"]
    assert {k: v for k, v in replayed.items() if k != "run"} == {k: v for k, v in recorded_run.items() if k != "run"}

    live_again = observed(execute(tmp_path, mode="record"))
    assert live_again["chart"] != recorded_run["chart"], "a new recording of the live feed differs"
