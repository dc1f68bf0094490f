"""The Jupyter Server that `npm start` and the tests run is configured as Sluice needs it:
scripts/setup.sh installs the sluice_jupyter server extension (kernel/jupyter), which turns on
TCP_NODELAY for kernel websockets. Without it every cell's reply reached the browser 40 ms late
(Nagle's algorithm against delayed ACKs); bench/responsiveness.bench.ts shows both side by side.
It also installs Sluice's prebuilt JupyterLab extension, which JupyterLab must list as enabled."""

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JUPYTER = ROOT / ".venv" / "bin" / "jupyter"


def _plain(text):
    return re.sub(r"\x1b\[[0-9;]*m", "", text)


def test_the_sluice_server_extension_is_enabled_and_loads():
    listed = subprocess.run([JUPYTER, "server", "extension", "list"], check=True, capture_output=True, text=True)
    listing = _plain(listed.stdout + listed.stderr)
    assert re.search(r"sluice_jupyter enabled", listing), listing
    assert re.search(r"sluice_jupyter\s+OK", listing), listing


def test_the_extension_puts_nodelay_on_kernel_websockets_of_a_stock_server_only():
    """Its load hook swaps in the no-delay connection class only where the stock one is configured."""
    check = """
from types import SimpleNamespace
import logging
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
import sluice_jupyter
from sluice_jupyter import NoDelayKernelWebsocketConnection

def load(configured):
    app = SimpleNamespace(kernel_websocket_connection_class=configured, web_app=SimpleNamespace(settings={"kernel_websocket_connection_class": configured}), log=logging.getLogger("t"))
    sluice_jupyter._load_jupyter_server_extension(app)
    return app.web_app.settings["kernel_websocket_connection_class"]

class Custom(ZMQChannelsWebsocketConnection):
    pass

assert load(ZMQChannelsWebsocketConnection) is NoDelayKernelWebsocketConnection
assert load(Custom) is Custom
assert issubclass(NoDelayKernelWebsocketConnection, ZMQChannelsWebsocketConnection)
print("ok")
"""
    out = subprocess.run([ROOT / ".venv" / "bin" / "python", "-c", check], check=True, capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr


def test_the_sluice_jupyterlab_extension_is_installed_and_enabled():
    """Prebuilt by scripts/labextension.sh (kernel/jupyter/labextension); why: its src/index.ts."""
    listed = subprocess.run([JUPYTER, "labextension", "list"], check=True, capture_output=True, text=True)
    listing = _plain(listed.stdout + listed.stderr)
    assert re.search(r"sluice-jupyter v\S+ enabled\s+OK", listing), listing
