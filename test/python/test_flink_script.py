"""scripts/flink.sh start | status | url | stop | clean against real JVMs: idempotent, a running
cluster gets more TaskManagers without a restart (a running job lives on), stop and clean can be
repeated. Skipped when SLUICE_FLINK_TESTS=off (scripts/test.sh's default); ~40 s with its starts:

    SLUICE_FLINK_TESTS=on .venv/bin/python -m pytest -q test/python/test_flink_script.py

A cluster found running is left running (with the TaskManager this test adds)."""

import json
import os
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FLINK = ["bash", str(ROOT / "scripts" / "flink.sh")]
RUN = (ROOT / ".cache" / "flink" / "2.2.0" / "run").resolve()

pytestmark = pytest.mark.skipif(os.environ.get("SLUICE_FLINK_TESTS") == "off", reason="SLUICE_FLINK_TESTS=off")


def flink(*args, check=True):
    return subprocess.run([*FLINK, *args], capture_output=True, text=True, check=check, timeout=600)


def pids():
    return {p.stem: p.read_text().strip() for p in RUN.glob("*.pid")}


def get(url):
    with urllib.request.urlopen(url, timeout=10) as r:
        return json.load(r)


def test_start_is_idempotent_adds_taskmanagers_live_and_stop_clean_repeat():
    was_running = flink("status", check=False).returncode == 0
    t0 = time.monotonic()
    gateway, rest = flink("start").stdout.split()
    print(f"start: {time.monotonic() - t0:.1f} s (was running: {was_running})")
    assert get(f"{gateway}/v3/info")["productName"] == "Apache Flink"
    assert flink("url").stdout.strip() == gateway and flink("url", "rest").stdout.strip() == rest
    before = pids()
    assert flink("start").stdout.split() == [gateway, rest] and pids() == before, "a running cluster is left as it is"

    # A job runs while a TaskManager joins: the cluster is not restarted under it.
    session = json.loads(urllib.request.urlopen(urllib.request.Request(f"{gateway}/v3/sessions", data=b"{}", headers={"content-type": "application/json"})).read())["sessionHandle"]

    def statement(sql):
        req = urllib.request.Request(f"{gateway}/v3/sessions/{session}/statements", data=json.dumps({"statement": sql}).encode(), headers={"content-type": "application/json"})
        op = json.loads(urllib.request.urlopen(req).read())["operationHandle"]
        for _ in range(300):
            page = get(f"{gateway}/v3/sessions/{session}/operations/{op}/result/0?rowFormat=JSON")
            if page["resultType"] != "NOT_READY":
                return page
            time.sleep(0.1)
        raise AssertionError(f"no result for {sql}")

    statement("CREATE TABLE g (x INT) WITH ('connector' = 'datagen', 'rows-per-second' = '5')")
    statement("CREATE TABLE b (x INT) WITH ('connector' = 'blackhole')")
    job = statement("INSERT INTO b SELECT x FROM g")["jobID"]
    have = sum(1 for role in before if role.startswith("taskmanager-"))
    t0 = time.monotonic()
    assert flink("start", "--taskmanagers", str(have + 1)).stdout.split() == [gateway, rest]
    print(f"adding a TaskManager: {time.monotonic() - t0:.1f} s")
    after = pids()
    assert {k: v for k, v in after.items() if k in before} == before and f"taskmanager-{have + 1}" in after
    assert get(f"{rest}/overview")["taskmanagers"] == have + 1
    assert get(f"{rest}/jobs/{job}")["state"] == "RUNNING", "the job lives on"
    urllib.request.urlopen(urllib.request.Request(f"{rest}/jobs/{job}?mode=cancel", method="PATCH")).read()
    status = flink("status")
    assert status.stdout.count(" running (pid ") == have + 3, status.stdout

    if was_running:
        return
    flink("stop")
    assert flink("status", check=False).returncode == 3
    flink("stop")  # nothing to stop: fine
    flink("clean")
    assert not RUN.exists()
    flink("clean")
