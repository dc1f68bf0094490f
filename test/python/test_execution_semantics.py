"""Execution semantics a notebook relies on, observed through jupyter_client."""

import os
import tempfile
import time

from conftest import run


def _replies(kc, msg_ids, timeout=30):
    got = {}
    while len(got) < len(msg_ids):
        m = kc.get_shell_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") in msg_ids:
            got[m["parent_header"]["msg_id"]] = m
    return [got[i] for i in msg_ids]


def test_declarations_persist_and_counts_increase(reused_kernel):
    _, kc = reused_kernel
    r1, _ = run(kc, "const base: number = 40;\nfunction inc(x: number) { return x + 1 }")
    r2, out = run(kc, "inc(base) + 1")
    assert r2["content"]["execution_count"] == r1["content"]["execution_count"] + 1
    assert out[-1]["msg_type"] == "execute_result"
    assert out[-1]["content"]["data"]["text/plain"] == "42"


def test_type_error_points_at_the_cells_own_line_and_column(reused_kernel):
    _, kc = reused_kernel
    reply, out = run(kc, "const ok = 1;\n\nconst bad: string = ok;")
    c = reply["content"]
    assert c["status"] == "error" and c["ename"] == "TSError"
    assert "line 3, column 7" in c["evalue"]
    assert out[0]["msg_type"] == "error"


def test_runtime_error_traceback_uses_cell_line_numbers(reused_kernel):
    _, kc = reused_kernel
    run(kc, "// helper cell\n\nfunction explode(): never {\n  throw new RangeError('out of range')\n}")
    reply, out = run(kc, "\n\nexplode()")
    c = reply["content"]
    assert (c["ename"], c["evalue"]) == ("RangeError", "out of range")
    tb = "\n".join(c["traceback"])
    assert "line 4, column 9" in tb  # the throw inside the earlier cell
    assert "line 3, column 1" in tb  # the call in this cell
    assert "throw new RangeError" in tb  # source context is shown


def test_silent_and_store_history(reused_kernel):
    _, kc = reused_kernel
    first, _ = run(kc, "1")
    reply, out = run(kc, "2", silent=True)
    assert out == []
    assert reply["content"]["execution_count"] == first["content"]["execution_count"]
    reply, out = run(kc, "3", store_history=False)
    assert out[0]["content"]["data"]["text/plain"] == "3"
    assert reply["content"]["execution_count"] == first["content"]["execution_count"]


def test_stop_on_error_aborts_queued_cells(reused_kernel):
    _, kc = reused_kernel
    ids = [kc.execute("throw new Error('first fails')"), kc.execute("1"), kc.execute("2")]
    assert [r["content"]["status"] for r in _replies(kc, ids)] == ["error", "aborted", "aborted"]
    ids = [kc.execute("throw new Error('tolerated')", stop_on_error=False), kc.execute("'runs'")]
    assert [r["content"]["status"] for r in _replies(kc, ids)] == ["error", "ok"]


def test_stdout_streams_while_the_cell_is_still_running(kernel):
    _, kc = kernel
    gate = tempfile.mktemp(prefix="sluice-gate-")
    code = f"console.log('waiting for gate');\nwhile (!require('fs').existsSync({gate!r})) await new Promise((r) => setTimeout(r, 20));\nconsole.log('through')"
    msg_id = kc.execute(code)
    # The cell cannot finish until we open the gate, so seeing its first line now proves
    # output is streamed while it runs, not batched at the end.
    while True:
        m = kc.get_iopub_msg(timeout=20)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "stream":
            assert "waiting for gate" in m["content"]["text"]
            break
    open(gate, "w").close()
    reply = _replies(kc, [msg_id])[0]
    assert reply["content"]["status"] == "ok"
    os.unlink(gate)


def test_exceptions_after_the_cell_finished_show_in_that_cell_and_kernel_survives(kernel):
    km, kc = kernel
    msg_id = kc.execute("setTimeout(() => { throw new Error('late boom') }, 100);\nsetTimeout(() => { Promise.reject(new Error('nobody awaited')) }, 150);")
    errors = []
    deadline = time.time() + 20
    while len(errors) < 2 and time.time() < deadline:
        m = kc.get_iopub_msg(timeout=20)
        if m["msg_type"] == "error":
            assert m["parent_header"]["msg_id"] == msg_id  # lands in the cell that started it
            errors.append(m["content"]["evalue"])
    assert sorted(errors) == ["late boom", "nobody awaited"]
    assert km.is_alive()
    reply, out = run(kc, "'alive'")
    assert out[0]["content"]["data"]["text/plain"] == "'alive'"


def test_input_over_stdin(kernel):
    _, kc = kernel
    msg_id = kc.execute("const who = await input('Name? ');\nwho.toUpperCase()", allow_stdin=True)
    req = kc.get_stdin_msg(timeout=20)
    assert req["msg_type"] == "input_request"
    assert req["content"]["prompt"] == "Name? "
    assert req["parent_header"]["msg_id"] == msg_id
    kc.input("ada")
    reply = _replies(kc, [msg_id])[0]
    assert reply["content"]["status"] == "ok"
    reply, out = run(kc, "who")
    assert out[0]["content"]["data"]["text/plain"] == "'ada'"


def test_input_without_stdin_is_a_clear_error(reused_kernel):
    _, kc = reused_kernel
    reply, _ = run(kc, "await input('x')", allow_stdin=False)
    assert reply["content"]["ename"] == "StdinNotAllowedError"


def test_comms_reply_cleanly_without_targets(reused_kernel):
    _, kc = reused_kernel
    msg_id = kc.comm_info()
    reply = _replies(kc, [msg_id])[0]
    assert reply["content"] == {"status": "ok", "comms": {}}


def test_engine_api_is_preimported(reused_kernel):
    _, kc = reused_kernel
    reply, out = run(kc, "typeof ENGINE_VERSION")
    assert out[0]["content"]["data"]["text/plain"] == "'string'"
