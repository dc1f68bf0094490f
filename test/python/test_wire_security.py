"""Messages with a wrong key, no signature, a replayed signature or broken framing are dropped:
nothing runs, nothing is answered, and the kernel still serves the next good message."""
import os
import tempfile
import time

import zmq
from jupyter_client.session import Session

from conftest import run


def _socket(km, channel):
    info = km.get_connection_info()
    ctx = zmq.Context.instance()
    sock = ctx.socket(zmq.DEALER)
    sock.linger = 0
    sock.connect(f"tcp://{info['ip']}:{info[channel + '_port']}")
    return sock


def _marker_code(path):
    # Appends a line each time it runs, so both "ran" and "ran twice" are visible.
    return f'require("fs").appendFileSync({path!r}, "ran\\n")'


def _no_reply(sock, seconds=1.5):
    return sock.poll(int(seconds * 1000)) == 0


def _runs(path):
    return open(path).read().count("ran") if os.path.exists(path) else 0


def _execute_msg(session, code):
    return session.msg("execute_request", {"code": code, "silent": False, "store_history": False,
                                           "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})


def test_wrong_key_unsigned_and_garbage_are_dropped(kernel):
    km, kc = kernel
    marker = tempfile.mktemp(prefix="sluice-sec-")
    shell = _socket(km, "shell")
    for key in (b"not-the-key", b""):  # wrong signature, then no signature at all
        bad = Session(key=key, username="attacker")
        bad.send(shell, _execute_msg(bad, _marker_code(marker)))
        assert _no_reply(shell), f"kernel answered a message signed with {key!r}"
    shell.send_multipart([b"<IDS|MSG>", b"garbage"])  # malformed framing
    assert _no_reply(shell)
    assert _runs(marker) == 0, "a message with a bad signature was executed"
    reply, outputs = run(kc, "1 + 1")  # the kernel is still up and answers
    assert reply["content"]["status"] == "ok"
    assert outputs[0]["content"]["data"]["text/plain"] == "2"


def test_replayed_message_is_dropped(kernel):
    km, kc = kernel
    marker = tempfile.mktemp(prefix="sluice-replay-")
    shell = _socket(km, "shell")
    good = Session(key=km.session.key, signature_scheme=km.session.signature_scheme, username="user")
    msg = _execute_msg(good, _marker_code(marker))
    frames = good.serialize(msg)  # [DELIM, sig, header, parent, metadata, content]
    shell.send_multipart(frames)
    assert shell.poll(15000), "the first, genuine message got no reply"
    while shell.poll(200):
        shell.recv_multipart()
    assert _runs(marker) == 1
    shell.send_multipart(frames)  # the identical message again: a replay
    assert _no_reply(shell)
    assert _runs(marker) == 1, "the replayed message ran again"
    reply, _ = run(kc, "2 + 2")
    assert reply["content"]["status"] == "ok"


def test_badly_signed_control_messages_do_nothing(kernel):
    km, kc = kernel
    control = _socket(km, "control")
    bad = Session(key=b"wrong")
    bad.send(control, bad.msg("shutdown_request", {"restart": False}))
    bad.send(control, bad.msg("interrupt_request", {}))
    assert _no_reply(control)
    time.sleep(0.5)
    assert km.is_alive(), "a forged shutdown_request stopped the kernel"
    reply, outputs = run(kc, "'still here'")
    assert outputs[0]["content"]["data"]["text/plain"] == "'still here'"
