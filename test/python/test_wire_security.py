"""Messages with a wrong key, no signature, a replayed signature (on either channel) or broken framing
are dropped: nothing runs, nothing is answered, and the kernel still serves the next good message.
An unknown msg_type, including the names every JavaScript object inherits, is treated as
ipykernel treats it. The floods of each kind are in test_wire_fuzz.py."""

import tempfile
import time

import pytest
import zmq
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

from conftest import run
from wire_probe import Wire, connect, execute_content, marker_code, runs


@pytest.fixture(scope="module")
def shared_kernel():
    """One kernel for the tests below that leave it as they found it (each starts in ~8 s)."""
    km, kc = start_new_kernel(kernel_name="sluice", startup_timeout=60)
    try:
        yield km, kc
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def _no_reply(sock, seconds=1.5):
    return sock.poll(int(seconds * 1000)) == 0


def _execute_msg(session, code):
    return session.msg("execute_request", {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True})


def test_wrong_key_unsigned_and_garbage_are_dropped(kernel):
    km, kc = kernel
    marker = tempfile.mktemp(prefix="sluice-sec-")
    shell = connect(km, "shell")
    for key in (b"not-the-key", b""):  # wrong signature, then no signature at all
        bad = Session(key=key, username="attacker")
        bad.send(shell, _execute_msg(bad, marker_code(marker)))
        assert _no_reply(shell), f"kernel answered a message signed with {key!r}"
    shell.send_multipart([b"<IDS|MSG>", b"garbage"])  # malformed framing
    assert _no_reply(shell)
    assert runs(marker) == 0, "a message with a bad signature was executed"
    reply, outputs = run(kc, "1 + 1")  # the kernel is still up and answers
    assert reply["content"]["status"] == "ok"
    assert outputs[0]["content"]["data"]["text/plain"] == "2"


def test_replayed_message_is_dropped(kernel):
    km, kc = kernel
    marker = tempfile.mktemp(prefix="sluice-replay-")
    shell = connect(km, "shell")
    good = Session(key=km.session.key, signature_scheme=km.session.signature_scheme, username="user")
    msg = _execute_msg(good, marker_code(marker))
    frames = good.serialize(msg)  # [DELIM, sig, header, parent, metadata, content]
    shell.send_multipart(frames)
    assert shell.poll(15000), "the first, genuine message got no reply"
    while shell.poll(200):
        shell.recv_multipart()
    assert runs(marker) == 1
    shell.send_multipart(frames)  # the identical message again: a replay
    assert _no_reply(shell)
    assert runs(marker) == 1, "the replayed message ran again"
    reply, _ = run(kc, "2 + 2")
    assert reply["content"]["status"] == "ok"


def test_badly_signed_control_messages_do_nothing(kernel):
    km, kc = kernel
    control = connect(km, "control")
    bad = Session(key=b"wrong")
    bad.send(control, bad.msg("shutdown_request", {"restart": False}))
    bad.send(control, bad.msg("interrupt_request", {}))
    assert _no_reply(control)
    time.sleep(0.5)
    assert km.is_alive(), "a forged shutdown_request stopped the kernel"
    reply, outputs = run(kc, "'still here'")
    assert outputs[0]["content"]["data"]["text/plain"] == "'still here'"


def test_replay_on_the_other_channel_is_dropped(shared_kernel):
    """One replay history per session, as jupyter_client's Session keeps one digest_history:
    frames accepted on shell are a replay on control, and the reverse."""
    km, kc = shared_kernel
    wire = Wire(km)
    try:
        for first, second in (("shell", "control"), ("control", "shell")):
            marker = tempfile.mktemp(prefix=f"sluice-xreplay-{first}-")
            sent = []
            for msg_type, content in (("execute_request", execute_content(marker_code(marker))), ("kernel_info_request", {})):
                frames, msg_id = wire.frames(msg_type, content)
                wire.send(first, frames)
                assert wire.drain(until=lambda i=msg_id: wire.replies[i] == 1, timeout_s=30), f"no reply to {msg_type} on {first}"
                sent.append((frames, msg_id))
            assert runs(marker) == 1
            for frames, _ in sent:
                wire.send(second, frames)
            wire.drain(quiet_s=1.5)
            assert [wire.replies[m] for _, m in sent] == [1, 1], f"a request sent on {first} was answered again on {second}"
            assert runs(marker) == 1, f"an execute_request sent on {first} ran again when replayed on {second}"
        assert wire.round_trip() is not None
    finally:
        wire.close()


# Names an object literal inherits: a dispatch table indexed with them finds a function.
PROTOTYPE_NAMES = [
    "constructor",
    "toString",
    "valueOf",
    "hasOwnProperty",
    "isPrototypeOf",
    "propertyIsEnumerable",
    "toLocaleString",
    "__proto__",
    "__defineGetter__",
    "__defineSetter__",
    "__lookupGetter__",
    "__lookupSetter__",
]


def test_prototype_msg_types_are_unknown_and_do_not_stall_the_queue(shared_kernel):
    km, kc = shared_kernel
    wire = Wire(km)
    try:
        for channel in ("shell", "control"):
            # A busy cell first, so the prototype-named messages and the kernel_info_request behind
            # them are all queued when the first of them is dispatched.
            busy, _ = wire.frames("execute_request", execute_content("const t0 = Date.now(); while (Date.now() - t0 < 500) {}"))
            wire.send("shell", busy)
            ids = []
            for name in PROTOTYPE_NAMES:
                frames, msg_id = wire.frames(name, execute_content("1"))
                wire.send(channel, frames)
                ids.append(msg_id)
            info, info_id = wire.frames("kernel_info_request", {})
            wire.send(channel, info)
            assert wire.drain(until=lambda i=info_id: wire.replies[i] == 1, timeout_s=20), f"{channel}: a kernel_info_request queued behind prototype-named msg_types got no reply"
            wire.drain(quiet_s=0.5)
            answered = [n for n, i in zip(PROTOTYPE_NAMES, ids) if wire.replies[i]]
            assert answered == [], f"{channel}: unknown msg_types were answered (ipykernel sends nothing): {answered}"
        assert wire.round_trip() is not None
    finally:
        wire.close()


UNKNOWN = [(channel, msg_type) for channel in ("shell", "control") for msg_type in ("nonexistent_request", "nonexistent_reply", "constructor", "toString", "valueOf")]


def _observe_unknown(km):
    """What a kernel sends for each unknown msg_type in UNKNOWN: replies, and statuses on iopub."""
    iopub = connect(km, "iopub", zmq.SUB)
    iopub.setsockopt(zmq.SUBSCRIBE, b"")
    wire = Wire(km)
    try:
        time.sleep(0.5)  # the subscription reaches the kernel
        ids = {}
        for channel, msg_type in UNKNOWN:
            frames, msg_id = wire.frames(msg_type, {})
            wire.send(channel, frames)
            ids[msg_id] = (channel, msg_type)
        statuses = {m: [] for m in ids}
        deadline = time.monotonic() + 15
        while any("idle" not in s for s in statuses.values()) and time.monotonic() < deadline:
            if iopub.poll(200):
                msg = wire.session.deserialize(wire.session.feed_identities(iopub.recv_multipart())[1])
                parent = msg["parent_header"].get("msg_id")
                if parent in statuses and msg["msg_type"] == "status":
                    statuses[parent].append(msg["content"]["execution_state"])
        wire.drain(quiet_s=0.5)
        return {ids[m]: {"replies": wire.replies[m], "statuses": statuses[m]} for m in ids}
    finally:
        iopub.close()
        wire.close()


def test_unknown_msg_types_are_handled_as_ipykernel_does(shared_kernel):
    """The oracle is ipykernel itself: an unknown msg_type, on shell or control, *_request or not,
    gets no reply at all, only busy then idle on iopub (kernelbase.py logs "Unknown message type")."""
    km, _ = shared_kernel
    ipy, ipy_client = start_new_kernel(kernel_name="python3", startup_timeout=60)
    try:
        expected = _observe_unknown(ipy)
    finally:
        ipy_client.stop_channels()
        ipy.shutdown_kernel(now=True)
    assert all(e == {"replies": 0, "statuses": ["busy", "idle"]} for e in expected.values()), f"ipykernel changed: {expected}"
    assert _observe_unknown(km) == expected
