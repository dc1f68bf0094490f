"""Interrupt by message and by signal, cancellation of awaits, restart and shutdown."""

import os
import signal
import time

from conftest import run


def _reply_for(kc, msg_id, timeout):
    while True:
        m = kc.get_shell_msg(timeout=timeout)
        if m["parent_header"].get("msg_id") == msg_id:
            return m


def _interrupted(kc, msg_id, interrupt):
    # Interrupt stops what is running; wait until the cell has really started, even on a
    # loaded machine, before pressing the button.
    while True:
        m = kc.get_iopub_msg(timeout=30)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
            break
    time.sleep(0.5)
    interrupt()
    # The reply must come well within the 2 s the issue allows; a generous timeout here only
    # keeps a broken kernel from hanging the suite.
    return _reply_for(kc, msg_id, timeout=10)["content"]


def test_interrupt_request_stops_a_synchronous_loop_and_keeps_state(kernel):
    km, kc = kernel
    run(kc, "const kept = 41")
    msg_id = kc.execute("let spins = 0;\nwhile (true) { spins++ }")
    assert km.kernel_spec.interrupt_mode == "message"
    content = _interrupted(kc, msg_id, km.interrupt_kernel)
    assert content["status"] == "error" and content["ename"] == "Interrupted"
    _, out = run(kc, "kept + 1")
    assert out[0]["content"]["data"]["text/plain"] == "42"


def test_sigint_stops_a_synchronous_loop(kernel):
    km, kc = kernel
    msg_id = kc.execute("for (;;) {}")
    content = _interrupted(kc, msg_id, lambda: os.kill(km.provisioner.process.pid, signal.SIGINT))
    assert content["ename"] == "Interrupted"
    reply, _ = run(kc, "1")
    assert reply["content"]["status"] == "ok"


def test_interrupt_cancels_a_pending_await(kernel):
    km, kc = kernel
    msg_id = kc.execute("await new Promise(() => {})")
    content = _interrupted(kc, msg_id, km.interrupt_kernel)
    assert content["ename"] == "Interrupted"
    reply, _ = run(kc, "2")
    assert reply["content"]["status"] == "ok"


def test_restart_gives_a_fresh_kernel(kernel):
    km, kc = kernel
    run(kc, "const beforeRestart = 1")
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    reply, _ = run(kc, "beforeRestart")
    assert reply["content"]["status"] == "error"  # state is gone
    reply, _ = run(kc, "'fresh'")
    assert reply["content"]["status"] == "ok"


def test_shutdown_request_ends_the_process(kernel):
    km, kc = kernel
    msg_id = kc.shutdown()
    while True:  # the reply to this request, on the control channel (queue.Empty fails the test)
        reply = kc.get_control_msg(timeout=10)
        if reply["parent_header"].get("msg_id") == msg_id:
            break
    assert reply["msg_type"] == "shutdown_reply"
    assert reply["content"]["status"] == "ok" and reply["content"]["restart"] is False
    for _ in range(100):
        if not km.is_alive():
            break
        time.sleep(0.1)
    assert not km.is_alive()
