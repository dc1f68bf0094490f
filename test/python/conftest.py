"""Shared fixtures: a real Sluice kernel started by jupyter_client from the installed kernelspec."""

import time
from pathlib import Path
from queue import Empty
from types import SimpleNamespace

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient

KERNEL = "sluice"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture()
def kernel():
    """A fresh kernel for the test: for tests that restart, shut down, interrupt or time it, or that
    read its raw message streams (anything another test left there would be in the way)."""
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=60)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def _module_kernel():
    started = list(start_new_kernel(kernel_name=KERNEL, startup_timeout=60))
    try:
        yield started
    finally:
        km, kc = started
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.fixture()
def reused_kernel(_module_kernel):
    """One kernel for the tests of a file that only run cells through `run` and leave it as they found
    it (each declares its own names; no restart, interrupt or shutdown): a kernel costs 3-8 s to
    start, and CI's pytest phase started ~90. Messages a test left unread are dropped before the
    next; a kernel a test left busy or dead is replaced by a fresh one, so one failure stays one."""
    km, kc = _module_kernel
    for channel in (kc.iopub_channel, kc.shell_channel, kc.stdin_channel):
        _drain(channel)
    yield km, kc
    try:
        reply, _ = run(kc, "'still here'", timeout=10, store_history=False)
        answered = reply["content"]["status"] == "ok"
    except TimeoutError:
        answered = False
    if not answered or not km.is_alive():
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        _module_kernel[:] = start_new_kernel(kernel_name=KERNEL, startup_timeout=60)


def _drain(channel):
    """Drops the messages waiting on a channel (its get_msgs() would wait for one more forever)."""
    while True:
        try:
            channel.get_msg(timeout=0.05)
        except Empty:
            return


def run(kc, code, timeout=30, **kw):
    """Execute code; return (reply, [iopub messages for it other than status/execute_input])."""
    outputs = []
    reply = kc.execute_interactive(code, output_hook=outputs.append, timeout=timeout, **kw)
    return reply, [m for m in outputs if m["msg_type"] not in ("status", "execute_input")]


@pytest.fixture(scope="session")
def quickstart_nb():
    """notebooks/quickstart.ipynb executed once by nbclient in notebooks/, as a user runs it (`nb`, and the
    `seconds` it took): checked by test_quickstart_notebook.py, and the reference its Kafka run in
    test_example_notebooks.py must give again."""
    nb = nbformat.read(ROOT / "notebooks" / "quickstart.ipynb", as_version=4)
    started = time.monotonic()
    NotebookClient(nb, kernel_name=KERNEL, timeout=180, resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return SimpleNamespace(nb=nb, seconds=time.monotonic() - started)
