"""Shared fixtures: a real Sluice kernel started by jupyter_client from the installed kernelspec."""

import pytest
from jupyter_client.manager import start_new_kernel

KERNEL = "sluice"


@pytest.fixture()
def kernel():
    km, kc = start_new_kernel(kernel_name=KERNEL, startup_timeout=60)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def run(kc, code, timeout=30, **kw):
    """Execute code; return (reply, [iopub messages for it other than status/execute_input])."""
    outputs = []
    reply = kc.execute_interactive(code, output_hook=outputs.append, timeout=timeout, **kw)
    return reply, [m for m in outputs if m["msg_type"] not in ("status", "execute_input")]
