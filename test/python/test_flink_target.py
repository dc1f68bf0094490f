"""%%ssql --target flink through a real Jupyter client against a real Flink 2.2 cluster (issue 19).

The cluster is scripts/flink.sh's (JobManager, TaskManager, SQL Gateway from Maven Central jars):
started here if none runs, stopped afterwards unless SLUICE_FLINK_KEEP=1. Skipped when
SLUICE_FLINK_TESTS=off, which scripts/test.sh sets unless SLUICE_FLINK_TESTS=on:

    SLUICE_FLINK_TESTS=on .venv/bin/python -m pytest -q test/python/test_flink_target.py
"""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import run
from jupyter_client.manager import start_new_kernel

ROOT = Path(__file__).resolve().parents[2]
FLINK = ["bash", str(ROOT / "scripts" / "flink.sh")]

pytestmark = pytest.mark.skipif(os.environ.get("SLUICE_FLINK_TESTS") == "off", reason="SLUICE_FLINK_TESTS=off")


@pytest.fixture(scope="module")
def cluster():
    running = subprocess.run([*FLINK, "status"], capture_output=True).returncode == 0
    t0 = time.monotonic()
    gateway, rest = subprocess.run([*FLINK, "start"], capture_output=True, text=True, check=True, timeout=600).stdout.split()[-2:]
    print(f"flink cluster ready in {time.monotonic() - t0:.1f} s")
    yield gateway, rest
    if not running and os.environ.get("SLUICE_FLINK_KEEP") != "1":
        subprocess.run([*FLINK, "stop"], check=True, timeout=120)


def _result(out):
    results = [m for m in out if m["msg_type"] == "execute_result"]
    assert results, f"no execute_result in {[m['msg_type'] for m in out]}"
    return results[-1]["content"]["data"]


def _ok(kc, code, timeout=120):
    reply, out = run(kc, code, timeout=timeout)
    assert reply["content"]["status"] == "ok", (reply["content"], out)
    return out


def get_json(url):
    with urllib.request.urlopen(url) as r:
        return json.load(r)


def _job_state(rest, job_id):
    return get_json(f"{rest}/jobs/{job_id}")["state"]


def _wait_state(rest, job_id, states, timeout=60):
    deadline = time.monotonic() + timeout
    while (state := _job_state(rest, job_id)) not in states:
        assert time.monotonic() < deadline, f"Flink job {job_id} is {state}, not {states}"
        time.sleep(0.2)
    return state


def _wait_tasks_running(rest, job_id, timeout=60):
    deadline = time.monotonic() + timeout
    while True:
        with urllib.request.urlopen(f"{rest}/jobs/{job_id}") as r:
            vertices = json.load(r)["vertices"]
        if all(v["status"] == "RUNNING" for v in vertices):
            return
        assert time.monotonic() < deadline, vertices
        time.sleep(0.2)


def _next_update(kc, display_id, accept, timeout=30):
    """The next update of display `display_id` whose HTML `accept`s, read from iopub."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            msg = kc.get_iopub_msg(timeout=max(0.1, deadline - time.monotonic()))
        except Exception:
            break
        content = msg["content"]
        if msg["msg_type"] == "update_display_data" and content["transient"]["display_id"] == display_id and accept(content["data"]["text/html"]):
            return content["data"]["text/html"]
    raise AssertionError(f"no update of {display_id} in {timeout} s")


def _connect(kc, gateway):
    text = _result(_ok(kc, f"%flink connect {gateway}"))["text/plain"]
    assert "Apache Flink 2.2" in text, text


def test_a_bounded_query_on_flink_and_locally_fold_to_the_same_table(kernel, cluster, tmp_path):
    _, kc = kernel
    _connect(kc, cluster[0])
    csv = tmp_path / "orders.csv"
    csv.write_text("1,alice,10.5\n2,bob,3.25\n3,alice,7.0\n4,carol,20.0\n5,bob,1.5\n6,alice,2.0\n")
    ddl = f"CREATE TABLE orders (id INT, name STRING, amount DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv');\n"
    queries = [
        # An updating aggregate: Flink sends -U/+U pairs, folded as the local path folds its own.
        "SELECT name, COUNT(*) AS c, SUM(amount) AS total FROM orders GROUP BY name HAVING COUNT(*) > 1",
        "SELECT id, UPPER(name) AS n, amount * 2 AS a2 FROM orders WHERE amount > 5",
    ]
    # The DDL goes to the gateway session once and persists there for the next cells, as locally.
    _ok(kc, f"%%ssql --target flink\n{ddl}")
    _ok(kc, f"%%ssql --target local\n{ddl}")
    for query in queries:
        t0 = time.monotonic()
        on_flink = _result(_ok(kc, f"%%ssql --target flink\n{query}"))["application/vnd.dataresource+json"]
        print(f"on Flink in {time.monotonic() - t0:.1f} s: {query}")
        local = _result(_ok(kc, f"%%ssql --target local\n{query}"))["application/vnd.dataresource+json"]
        key = lambda r: json.dumps(r, sort_keys=True)  # noqa: E731
        assert sorted(on_flink["data"], key=key) == sorted(local["data"], key=key), (on_flink["data"], local["data"])
        assert [f["name"] for f in on_flink["schema"]["fields"]] == [f["name"] for f in local["schema"]["fields"]]
        assert len(on_flink["data"]) > 0


def test_a_streaming_insert_is_listed_in_jobs_and_cancelled_by_its_flink_job_id(kernel, cluster):
    _, kc = kernel
    gateway, rest = cluster
    _connect(kc, gateway)
    out = _ok(
        kc,
        "%%ssql --target flink\nCREATE TABLE gen (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '50');\n"
        "CREATE TABLE sink (id BIGINT) WITH ('connector' = 'blackhole');\nINSERT INTO sink SELECT id FROM gen",
        timeout=60,
    )
    text = _result(out)["text/plain"]
    assert "is running" in text, text  # an unbounded INSERT returns at once
    job_id = text.split("job ")[1].split()[0]
    assert len(job_id) == 32 and _wait_state(rest, job_id, ["RUNNING"]) == "RUNNING"
    listing = _result(_ok(kc, "%jobs"))
    assert "Flink jobs" in listing["text/plain"] and job_id in listing["text/plain"], listing["text/plain"]
    assert f"{rest}/#/job/running/{job_id}/overview" in listing["text/html"]
    row = next(line for line in listing["text/plain"].splitlines() if line.startswith(job_id))
    assert "RUNNING" in row and "INSERT INTO sink" in row, row
    shown = [m for m in _ok(kc, f"%jobs show {job_id} --graph") if m["msg_type"] == "display_data"]
    card = shown[-1]["content"]["data"]["text/html"]  # the job card, from Flink's REST API
    card_id = shown[-1]["content"]["transient"]["display_id"]
    assert 'class="sluice-job-card sluice-flink-job"' in card and job_id in card and "<svg" in card, card
    assert '<g class="operator"' in card and "Source: gen" in card and "back-pressure" in card, card
    refreshed = _next_update(kc, card_id, lambda html: "running · Flink job" in html)  # in place, as Flink's dashboard refreshes
    assert "<svg" in refreshed, refreshed
    out = _ok(kc, f"%jobs cancel {job_id}")
    text = _result(out)["text/plain"]
    assert text == f"Flink job {job_id} cancelled", text
    final = lambda html: "canceled · Flink job" in html  # noqa: E731 — the card keeps the final state
    during = [m for m in out if m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == card_id]
    if not any(final(m["content"]["data"]["text/html"]) for m in during):  # an update while the cancel cell ran comes as its message too
        _next_update(kc, card_id, final)
    assert _job_state(rest, job_id) == "CANCELED"
    row = next(line for line in _result(_ok(kc, "%jobs"))["text/plain"].splitlines() if line.startswith(job_id))
    assert "CANCELED" in row, row


def test_an_unbounded_select_returns_at_once_with_a_live_table_and_its_flink_job_stops_with_it(kernel, cluster):
    _, kc = kernel
    gateway, rest = cluster
    _connect(kc, gateway)
    out = _ok(
        kc,
        "%%ssql --target flink\nCREATE TABLE ticks (k INT, v INT) WITH ('connector' = 'datagen', 'rows-per-second' = '100',\n"
        "  'fields.k.min' = '1', 'fields.k.max' = '3', 'fields.v.min' = '0', 'fields.v.max' = '9');\n"
        "SELECT k, COUNT(*) AS c FROM ticks GROUP BY k",
        timeout=60,
    )
    tables = [m for m in out if m["msg_type"] == "display_data" and "<table>" in m["content"]["data"].get("text/html", "")]
    assert len(tables) == 1, [m["content"] for m in out]
    view_id = tables[0]["content"]["transient"]["display_id"]
    counts = []
    deadline = time.monotonic() + 60
    while len(counts) < 3:
        assert time.monotonic() < deadline, f"only {len(counts)} updates of the live table"
        m = kc.get_iopub_msg(timeout=30)
        if m["msg_type"] == "update_display_data" and m["content"]["transient"]["display_id"] == view_id:
            rows = [line.split("\t") for line in m["content"]["data"]["text/plain"].split("\n")[1:-1]]
            # One row per key: -U/+U pairs from Flink applied as updates, never as extra rows.
            assert len({r[0] for r in rows}) == len(rows) <= 3, rows
            counts.append(sum(int(r[1]) for r in rows))
    assert counts == sorted(counts) and counts[-1] > 0, counts
    listing = _result(_ok(kc, "%jobs"))["text/plain"]
    job_id = next(line for line in listing.split("Flink jobs\n")[1].splitlines()[1:] if "SELECT k, COUNT" in line).split("\t")[0]
    assert _job_state(rest, job_id) == "RUNNING"
    # Cancelling the cell's job (its # in %jobs) cancels the Flink job through the REST API.
    _ok(kc, "%jobs cancel 1")
    assert _wait_state(rest, job_id, ["CANCELED", "FAILED", "FINISHED"]) == "CANCELED"


def _sql_rows(kc, query):
    return _result(_ok(kc, f"%%sql\n{query}"))["application/vnd.dataresource+json"]["data"]


def test_a_flink_jobs_rows_land_in_the_kernels_duckdb_upserted_by_key_or_appended(kernel, cluster, tmp_path):
    """Sluice-only sinks: the duckdb table is the kernel's; only the INSERT's query runs on Flink."""
    _, kc = kernel
    gateway, rest = cluster
    _connect(kc, gateway)
    csv = tmp_path / "orders.csv"
    csv.write_text("1,alice,10.5\n2,bob,3.25\n3,alice,7.0\n4,carol,20.0\n5,bob,1.5\n6,alice,2.0\n")
    out = _ok(
        kc,
        f"%%ssql --target flink\nCREATE TABLE orders2 (id INT, name STRING, amount DOUBLE) WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv');\n"
        "CREATE TABLE totals (name STRING, n BIGINT, total DOUBLE, PRIMARY KEY (name) NOT ENFORCED) WITH ('connector' = 'duckdb', 'table-name' = 'flink_totals');\n"
        "INSERT INTO totals SELECT name, COUNT(*) AS n, SUM(amount) AS total FROM orders2 GROUP BY name",
    )
    assert "finished; its rows are in duckdb table flink_totals" in _result(out)["text/plain"], _result(out)
    # Flink's updating aggregate (-U/+U per order) upserted by the key: one row per name, the final sums.
    assert sorted(_sql_rows(kc, "SELECT name, n::INT AS n, total FROM flink_totals"), key=lambda r: r["name"]) == [
        {"name": "alice", "n": 3, "total": 19.5},
        {"name": "bob", "n": 2, "total": 4.75},
        {"name": "carol", "n": 1, "total": 20.0},
    ]
    # Without a key rows are appended; an unbounded INSERT returns its job at once and keeps appending.
    out = _ok(
        kc,
        "%%ssql --target flink\nCREATE TABLE ticks2 (k INT) WITH ('connector' = 'datagen', 'rows-per-second' = '20', 'fields.k.min' = '1', 'fields.k.max' = '3');\n"
        "CREATE TABLE tick_log (k INT) WITH ('connector' = 'duckdb', 'table-name' = 'flink_ticks');\nINSERT INTO tick_log SELECT k FROM ticks2",
        timeout=60,
    )
    counts = []
    deadline = time.monotonic() + 60
    while len(counts) < 2 or counts[-1] <= counts[0]:
        assert time.monotonic() < deadline, counts
        time.sleep(1)
        try:
            counts.append(_sql_rows(kc, "SELECT count(*)::INT AS c FROM flink_ticks")[0]["c"])
        except AssertionError:
            pass  # the table is created with the first rows
    job_id = next(line for line in _result(_ok(kc, "%jobs"))["text/plain"].split("Flink jobs\n")[1].splitlines()[1:] if "ticks2" in line).split("\t")[0]
    assert _job_state(rest, job_id) == "RUNNING"
    _ok(kc, f"%jobs cancel {job_id}")
    assert _wait_state(rest, job_id, ["CANCELED", "FAILED", "FINISHED"]) == "CANCELED"
    # A Flink job cannot read the kernel's table: refused before anything of the cell is sent.
    reply, _ = run(kc, "%%ssql --target flink\nCREATE TABLE fine (x INT) WITH ('connector' = 'blackhole');\nSELECT * FROM totals")
    assert reply["content"]["status"] == "error"
    assert "'totals' (cell line 3) is a Sluice-only table kept in the kernel" in reply["content"]["evalue"], reply["content"]
    reply, out = run(kc, "%%ssql --target flink\nSHOW TABLES")
    assert "fine" not in json.dumps(_result(out)), _result(out)


def test_a_flink_querys_chart_is_drawn_as_a_local_ones(kernel, cluster, tmp_path):
    _, kc = kernel
    _connect(kc, cluster[0])
    csv = tmp_path / "sales.csv"
    csv.write_text("a,1\nb,2\na,3\n")
    ddl = f"CREATE TABLE sales (k STRING, v INT) WITH ('connector' = 'filesystem', 'path' = '{csv}', 'format' = 'csv');\n"
    query = "SELECT k, SUM(v) AS total FROM sales GROUP BY k"
    charts = []
    for target in ("flink", "local"):
        data = _result(_ok(kc, f"%%ssql --target {target} --chart bar x=k y=total\n{ddl}{query}"))
        assert "application/vnd.vegalite.v5+json" in data, data.keys()
        charts.append(data["application/vnd.vegalite.v5+json"])
    # The same spec; rows in the order each engine's fold left them.
    for chart in charts:
        chart["data"]["values"].sort(key=lambda r: r["k"])
    assert charts[0] == charts[1], charts


def test_flink_rejecting_a_statement_is_the_cells_error_with_flinks_cause(kernel, cluster):
    _, kc = kernel
    _connect(kc, cluster[0])
    reply, _ = run(kc, "%%ssql --target flink\nCREATE TABLE t (a INT) WITH ('connector' = 'datagen', 'number-of-rows' = '3');\n\nSELECT nope FROM t")
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "FlinkError"
    assert "Column 'nope' not found" in reply["content"]["evalue"] and "(cell line 4)" in reply["content"]["evalue"], reply["content"]


def test_stop_with_savepoint_by_job_id_then_resume_from_it_with_set(kernel, cluster, tmp_path):
    _, kc = kernel
    gateway, rest = cluster
    _connect(kc, gateway)
    insert = "INSERT INTO counted SELECT id FROM seq"
    text = _result(
        _ok(
            kc,
            "%%ssql --target flink\nCREATE TABLE seq (id BIGINT) WITH ('connector' = 'datagen', 'rows-per-second' = '20');\n"
            f"CREATE TABLE counted (id BIGINT) WITH ('connector' = 'blackhole');\n{insert}",
            timeout=60,
        )
    )["text/plain"]
    job_id = text.split("job ")[1].split()[0]
    _wait_tasks_running(rest, job_id)  # a savepoint needs every task running, not just the job
    text = _result(_ok(kc, f"%jobs stop {job_id} file://{tmp_path}/savepoints", timeout=90))["text/plain"]
    assert text.startswith(f"Flink job {job_id} stopped with a savepoint at file:{tmp_path}/savepoints/savepoint-"), text
    location = text.split("savepoint at ")[1].split()[0]
    assert _job_state(rest, job_id) == "FINISHED"  # stop-with-savepoint ends the job FINISHED, as `flink stop`
    text = _result(_ok(kc, f"%%ssql --target flink\nSET 'execution.savepoint.path' = '{location}';\n{insert};\nRESET 'execution.savepoint.path'", timeout=60))["text/plain"]
    resumed = text.split("job ")[1].split()[0]
    _wait_state(rest, resumed, ["RUNNING"])
    with urllib.request.urlopen(f"{rest}/jobs/{resumed}/checkpoints") as r:
        restored = json.load(r)["latest"]["restored"]
    assert restored["external_path"] == location and restored["is_savepoint"], restored
    _ok(kc, f"%jobs cancel {resumed}")


def test_a_kernel_started_with_sluice_flink_gateway_runs_ssql_cells_on_flink_by_default(cluster):
    gateway, _ = cluster
    km, kc = start_new_kernel(kernel_name="sluice", startup_timeout=60, env={**os.environ, "SLUICE_FLINK_GATEWAY": gateway})
    try:
        assert _result(_ok(kc, "%flink"))["text/plain"] == f"%%ssql cells run on Flink at {gateway}"
        # CURRENT_DATABASE() exists in Flink, not in the embedded engine: the cell ran on Flink.
        data = _result(_ok(kc, "%%ssql\nSELECT 1 + 1 AS two, CURRENT_DATABASE() AS db"))
        assert data["application/vnd.dataresource+json"]["data"] == [{"two": 2, "db": "default_database"}], data
        reply, _ = run(kc, "%%ssql --target local\nSELECT 1 + 1 AS two, CURRENT_DATABASE() AS db")
        assert reply["content"]["status"] == "error"  # --target local keeps the cell on the embedded engine
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def test_start_with_flink_serves_jupyterlab_and_gives_kernels_the_gateway(cluster, tmp_path):
    """`npm start -- --flink`: the cluster (running already here, so reused and left running) is handed to kernels."""
    gateway, _ = cluster
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "SLUICE_PORT": str(port), "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    token = "sluice-start-flink-test"
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "start.sh"), "--flink", f"--IdentityProvider.token={token}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        printed = ""
        deadline = time.time() + 240
        while "Starting JupyterLab" not in printed and time.time() < deadline:
            line = proc.stdout.readline()
            assert line, f"start.sh ended early:\n{printed}"
            printed += line
        assert f"Flink SQL Gateway on {gateway} " in printed, printed

        def api(path, method="GET", body=None):
            req = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}", method=method, data=json.dumps(body).encode() if body else None, headers={"Authorization": f"token {token}", "Content-Type": "application/json"}
            )
            with urllib.request.urlopen(req, timeout=10) as r:
                return json.loads(r.read() or b"null")

        for _ in range(120):
            try:
                api("/api/status")
                break
            except OSError:
                time.sleep(0.5)
        kernel = api("/api/kernels", "POST", {"name": "sluice"})
        pid_env = None
        for _ in range(60):
            out = subprocess.run(["pgrep", "-f", f"kernel-{kernel['id']}.json"], capture_output=True, text=True).stdout.split()
            if out:
                pid_env = Path(f"/proc/{out[0]}/environ").read_bytes().split(b"\0")
                break
            time.sleep(0.5)
        assert pid_env is not None, "the kernel process did not appear"
        assert f"SLUICE_FLINK_GATEWAY={gateway}".encode() in pid_env
        api(f"/api/kernels/{kernel['id']}", "DELETE")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    assert subprocess.run([*FLINK, "status"], capture_output=True).returncode == 0, "a cluster found running stays"


def test_an_interrupted_bounded_query_ends_the_cell_and_cancels_its_flink_job(kernel, cluster):
    _, kc = kernel
    gateway, rest = cluster
    _connect(kc, gateway)
    slow = "%%ssql --target flink\nCREATE TABLE slow (k INT) WITH ('connector' = 'datagen', 'number-of-rows' = '100000', 'rows-per-second' = '10');\nSELECT k FROM slow"
    before = {j["id"] for j in get_json(f"{rest}/jobs")["jobs"]}
    msg_id = kc.execute(slow)
    deadline = time.monotonic() + 60
    while True:  # interrupt once the query's Flink job runs
        running = [j["id"] for j in get_json(f"{rest}/jobs")["jobs"] if j["id"] not in before and j["status"] == "RUNNING"]
        if running:
            job_id = running[0]
            break
        assert time.monotonic() < deadline, "the query's Flink job did not start"
        time.sleep(0.2)
    request = kc.session.msg("interrupt_request", {})
    kc.control_channel.send(request)
    reply = kc.get_shell_msg(timeout=60)
    assert reply["parent_header"]["msg_id"] == msg_id
    content = reply["content"]
    assert content["status"] == "error" and "aborted after" in content["evalue"] and "the result is incomplete" in content["evalue"], content
    assert _wait_state(rest, job_id, ["CANCELED", "FAILED", "FINISHED"]) == "CANCELED"
