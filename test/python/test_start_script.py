"""`npm start -- --kafka` (scripts/start.sh): JupyterLab plus a local Kafka broker for the notebooks'
`kafka` setting. The broker's address is printed and handed to kernels as SLUICE_KAFKA_BOOTSTRAP; a
broker that was already running (as in CI, where scripts/test.sh starts one) is reused and left running,
one started here stops with JupyterLab."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
KAFKA = ["bash", str(ROOT / "scripts" / "kafka.sh")]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_start_with_kafka_serves_jupyterlab_and_gives_kernels_the_broker(tmp_path):
    if os.environ.get("SLUICE_KAFKA_TESTS") == "off":
        pytest.skip("SLUICE_KAFKA_TESTS=off")
    was_running = subprocess.run([*KAFKA, "status"], capture_output=True).returncode == 0
    port = _free_port()
    env = {**os.environ, "SLUICE_PORT": str(port), "JUPYTER_CONFIG_DIR": str(tmp_path / "config"), "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime")}
    token = "sluice-start-test"
    proc = subprocess.Popen(
        ["bash", str(ROOT / "scripts" / "start.sh"), "--kafka", f"--IdentityProvider.token={token}"],
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
        bootstrap = printed.split("Kafka broker on ", 1)[1].split(":", 2)
        address = f"{bootstrap[0]}:{bootstrap[1]}"
        assert address == subprocess.run([*KAFKA, "bootstrap"], capture_output=True, text=True).stdout.strip()

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
        # A kernel started by this JupyterLab sees the broker's address.
        kernel = api("/api/kernels", "POST", {"name": "sluice"})
        pid_env = None
        for _ in range(60):
            out = subprocess.run(["pgrep", "-f", f"kernel-{kernel['id']}.json"], capture_output=True, text=True).stdout.split()
            if out:
                pid_env = Path(f"/proc/{out[0]}/environ").read_bytes().split(b"\0")
                break
            time.sleep(0.5)
        assert pid_env is not None, "the kernel process did not appear"
        assert f"SLUICE_KAFKA_BOOTSTRAP={address}".encode() in pid_env
        api(f"/api/kernels/{kernel['id']}", "DELETE")
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=60)
    still_running = subprocess.run([*KAFKA, "status"], capture_output=True).returncode == 0
    assert still_running == was_running, "a broker found running stays; one started here stops with JupyterLab"
