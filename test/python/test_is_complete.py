"""is_complete_request answered as ipykernel answers it, checked against a real ipykernel.

`jupyter console` (and JupyterLab's console) ask is_complete_request on every Enter: `complete`
runs the cell, `incomplete` asks for another line, `invalid` runs it to show the error. Magics
and `name?` are not TypeScript, so the TypeScript parser must not judge them.
"""

import pytest
from jupyter_client.manager import start_new_kernel

# Cells whose answer means the same thing in Python and TypeScript: magics, help requests, blank cells.
SHARED = [
    "%%sql select 1",  # a cell magic waits for its body ...
    "%%sql\nselect 1",
    "%%sql\nselect 1\n",
    "%%sql\nselect 1\n\n",  # ... which a blank line ends
    "%%sql",
    "%%sql\nselect (1\n\n",  # the body is not parsed
    "%jobs",
    "%jobs cancel 'a",
    "%sql select 1",
    "Math.max?",
    "display.html?",
    "",
    "   ",
]


def answers(kernel_name, samples):
    km, kc = start_new_kernel(kernel_name=kernel_name, startup_timeout=60)
    try:
        out = {}
        for code in samples:
            msg_id = kc.is_complete(code)
            while True:
                reply = kc.get_shell_msg(timeout=20)
                if reply["parent_header"].get("msg_id") == msg_id:
                    break
            c = reply["content"]
            out[code] = (c["status"], c.get("indent"))
        return out
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def ipykernel_answers():
    return answers("python3", SHARED)


@pytest.fixture(scope="module")
def sluice_answers():
    return answers("sluice", SHARED + ["if (x) {", "const a = [1,", "const = 1;", "const a = 1;", "a ? b : c", "f(x)?"])


@pytest.mark.parametrize("code", SHARED)
def test_magics_and_help_as_ipykernel(code, ipykernel_answers, sluice_answers):
    assert sluice_answers[code] == ipykernel_answers[code]


def test_typescript_is_incomplete_only_when_open(sluice_answers):
    assert sluice_answers["if (x) {"] == ("incomplete", "  ")
    assert sluice_answers["const a = [1,"][0] == "incomplete"
    assert sluice_answers["const = 1;"] == ("invalid", None)
    assert sluice_answers["const a = 1;"] == ("complete", None)
    assert sluice_answers["a ? b : c"] == ("complete", None)
    assert sluice_answers["f(x)?"][0] == "incomplete"  # not a help request: an open conditional
