"""Memory of JupyterLab + the Sluice kernel while each example notebook runs (Binder gives 1-2 GB).

For every notebooks/*.ipynb: start `jupyter lab` from the project venv on loopback, open the
notebook as JupyterLab does (GET /lab, POST /api/sessions), run its code cells one by one over the
kernel websocket, and measure the resident memory of the server's whole process tree (server,
kernel, anything they start). Printed for CI's log, and held under the Binder budget:
  peak (sampled)  the largest sum of RSS over the tree, sampled every 50 ms;
  peak (VmHWM)    the sum of each process's own RSS high-water mark: an upper bound of the true
                  peak that no sampling can miss, and the figure that is asserted.
"""

import json
import os
import secrets
import socket
import subprocess
import threading
import time
import urllib.request
import uuid
from pathlib import Path

import psutil
import pytest
import websocket

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BUDGET_MB = 1536
MB = 1024 * 1024


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tree(pid):
    try:
        root = psutil.Process(pid)
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _vm_hwm_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmHWM:"))


class TreeSampler(threading.Thread):
    """Largest sum of RSS seen over a process tree, and the processes it was made of."""

    def __init__(self, pid):
        super().__init__(daemon=True)
        self.pid, self.peak, self.at_peak, self.done = pid, 0, [], threading.Event()

    def run(self):
        while not self.done.wait(0.05):
            sizes = []
            for p in _tree(self.pid):
                try:
                    sizes.append((p.name(), p.memory_info().rss))
                except psutil.NoSuchProcess:
                    pass
            total = sum(s for _, s in sizes)
            if total > self.peak:
                self.peak, self.at_peak = total, sizes


class LabServer:
    def __init__(self, root_dir):
        self.port, self.token = _free_port(), secrets.token_hex(16)
        env = {**os.environ, "JUPYTER_PATH": str(ROOT / ".venv" / "share" / "jupyter"), "SLUICE_HISTORY": "off"}
        self.proc = subprocess.Popen(
            [
                ROOT / ".venv" / "bin" / "jupyter",
                "lab",
                "--no-browser",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                f"--IdentityProvider.token={self.token}",
                f"--ServerApp.root_dir={root_dir}",
                "--allow-root",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(600):  # bounded: at most ~60 s of polling
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {self.proc.stderr.read().decode()[-2000:]}")
            try:
                self.get("api/status")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("jupyter lab did not start")

    def request(self, path, body=None):
        req = urllib.request.Request(
            f"http://127.0.0.1:{self.port}/{path}", data=None if body is None else json.dumps(body).encode(), headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.read()

    def get(self, path):
        return self.request(path)

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _run_cells(server, kernel_id, cells):
    """Executes each cell over the kernel websocket as JupyterLab does; returns the error outputs."""
    session = uuid.uuid4().hex
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/api/kernels/{kernel_id}/channels?session_id={session}", header=[f"Authorization: token {server.token}"], timeout=180)
    errors = []
    try:
        for source in cells:
            msg_id = uuid.uuid4().hex
            ws.send(
                json.dumps(
                    {
                        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "", "session": session, "date": "", "version": "5.3"},
                        "parent_header": {},
                        "metadata": {},
                        "channel": "shell",
                        "buffers": [],
                        "content": {"code": source, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True},
                    }
                )
            )
            # Live jobs keep sending display updates, so the websocket's own timeout may never fire:
            # give each cell a deadline of its own and fail rather than wait forever.
            deadline = time.time() + 180
            while True:  # ends with the reply
                if time.time() > deadline:
                    errors.append(f"no execute_reply within 180 s for: {source[:80]!r}")
                    break
                msg = json.loads(ws.recv())
                if msg.get("parent_header", {}).get("msg_id") != msg_id:
                    continue
                if msg["msg_type"] == "error":
                    errors.append(f"{msg['content']['ename']}: {msg['content']['evalue']}")
                if msg["msg_type"] == "execute_reply":
                    if msg["content"]["status"] != "ok" and not errors:
                        errors.append(f"execute_reply {msg['content']['status']}")
                    break
    finally:
        ws.close()
    return errors


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_within_binder_memory(notebook, capsys):
    nb = json.loads(notebook.read_text())
    cells = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in nb["cells"] if c["cell_type"] == "code"]
    server = LabServer(notebook.parent)
    sampler = TreeSampler(server.proc.pid)
    sampler.start()
    try:
        server.get("lab")  # what a browser loads first: the server renders JupyterLab's page
        sess = json.loads(server.request("api/sessions", {"path": notebook.name, "name": notebook.name, "type": "notebook", "kernel": {"name": "sluice"}}))
        errors = _run_cells(server, sess["kernel"]["id"], cells)
        time.sleep(0.2)  # let the sampler see the state right after the last cell
        hwm = {p.pid: (p.name(), _vm_hwm_kb(p.pid) * 1024) for p in _tree(server.proc.pid)}
    finally:
        sampler.done.set()
        sampler.join()
        server.stop()
    hwm_total = sum(size for _, size in hwm.values())
    line = (
        f"memory {notebook.name}: peak {sampler.peak / MB:.0f} MB sampled, {hwm_total / MB:.0f} MB by VmHWM (budget {BUDGET_MB} MB) over {', '.join(f'{n} {s / MB:.0f} MB' for n, s in hwm.values())}"
    )
    with capsys.disabled():
        print("\n" + line)
    if os.environ.get("SLUICE_TEST_OUTPUT"):
        out = Path(os.environ["SLUICE_TEST_OUTPUT"])
        out.mkdir(parents=True, exist_ok=True)
        with open(out / "memory.txt", "a") as f:
            f.write(line + "\n")
    assert errors == [], errors
    assert len(hwm) >= 2, f"expected the server and the kernel, got {hwm}"
    assert hwm_total < BUDGET_MB * MB, line
