"""Raw ZeroMQ access to a running kernel, for the wire security tests: jupyter_client's Session signs
(or mis-signs) the frames, and replies are collected per request msg_id on every channel, so a
request that runs twice, or on the channel it was not sent to, shows as a second reply."""

import collections
import json
import time

import zmq
from jupyter_client.session import Session

REQUEST_CHANNELS = ("shell", "control")


def connect(km, channel, kind=zmq.DEALER):
    info = km.get_connection_info()
    sock = zmq.Context.instance().socket(kind)
    sock.linger = 0
    sock.rcvhwm = 0  # keep every reply: a flood's replies are counted, none may be dropped here
    sock.connect(f"tcp://{info['ip']}:{info[channel + '_port']}")
    return sock


def session_for(km, username="probe"):
    """A client Session holding the kernel's key: what it signs, the kernel accepts."""
    return Session(key=km.session.key, signature_scheme=km.session.signature_scheme, username=username)


def marker_code(path):
    # Appends a line each time it runs, so both "ran" and "ran twice" are visible.
    return f'require("fs").appendFileSync({path!r}, "ran\\n")'


def runs(path):
    try:
        with open(path) as f:
            return f.read().count("ran")
    except FileNotFoundError:
        return 0


def execute_content(code):
    return {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False, "stop_on_error": False}


class Wire:
    """A shell and a control DEALER on one kernel, signing with its key, counting replies."""

    def __init__(self, km):
        self.session = session_for(km)
        self.sockets = {ch: connect(km, ch) for ch in REQUEST_CHANNELS}
        self.replies = collections.Counter()  # parent msg_id -> replies received, all channels
        self.reply_types = collections.Counter()  # (channel, reply msg_type)
        self.own = set()  # msg_ids of the genuine requests we sent: answered once, never twice

    def close(self):
        for s in self.sockets.values():
            s.close()

    def frames(self, msg_type, content, session=None):
        """The signed frames [<IDS|MSG>, sig, header, parent, metadata, content] and the msg_id."""
        s = session or self.session
        msg = s.msg(msg_type, content)
        return s.serialize(msg), msg["header"]["msg_id"]

    def send(self, channel, frames):
        self.sockets[channel].send_multipart(frames)

    def sign(self, parts):
        """[<IDS|MSG>, signature, *parts] for raw JSON frames (header, parent, metadata, content)."""
        return [b"<IDS|MSG>", self.session.sign(parts), *parts]

    def drain(self, quiet_s=0.3, until=None, timeout_s=60.0):
        """Reads replies until `until()` holds (or, without it, nothing came for quiet_s)."""
        poller = zmq.Poller()
        for s in self.sockets.values():
            poller.register(s, zmq.POLLIN)
        names = {s: ch for ch, s in self.sockets.items()}
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if until is not None and until():
                return True
            ready = dict(poller.poll(int(quiet_s * 1000)))
            if not ready and until is None:
                return True
            for sock in ready:
                while True:
                    try:
                        raw = sock.recv_multipart(zmq.NOBLOCK)
                    except zmq.Again:
                        break
                    self._count(names[sock], raw)
        return until is None or until()

    def _count(self, channel, raw):
        _, frames = self.session.feed_identities(raw)
        # Our own Session's replay check would reject a kernel that resent a reply; not our subject.
        self.session.digest_history.clear()
        msg = self.session.deserialize(frames)
        self.replies[msg["parent_header"].get("msg_id")] += 1
        self.reply_types[(channel, msg["header"]["msg_type"])] += 1

    def request(self, channel, msg_type, content, timeout_s=15.0):
        """Sends a genuine request and waits for its reply; returns seconds taken or None."""
        frames, msg_id = self.frames(msg_type, content)
        self.own.add(msg_id)
        t0 = time.monotonic()
        self.send(channel, frames)
        ok = self.drain(until=lambda: self.replies[msg_id] > 0, timeout_s=timeout_s)
        return time.monotonic() - t0 if ok else None

    def round_trip(self, timeout_s=15.0):
        """kernel_info on shell and control, then an execute: is the kernel still answering?"""
        times = [self.request(ch, "kernel_info_request", {}, timeout_s) for ch in REQUEST_CHANNELS]
        times.append(self.request("shell", "execute_request", execute_content("1 + 1"), timeout_s))
        return None if None in times else sum(times)


MEMORY_CODE = """
const v8 = require("v8"), vm = require("vm");
v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc");
gc(); gc();
const m = process.memoryUsage();
require("fs").writeFileSync(%s, JSON.stringify({ live: m.heapUsed + m.external, rss: m.rss }));
"""


def kernel_memory(wire, path):
    """The kernel's live heap (heap + external, after a full GC) and RSS, in bytes; None if it did not answer."""
    if wire.request("shell", "execute_request", execute_content(MEMORY_CODE % json.dumps(path))) is None:
        return None
    with open(path) as f:
        return json.load(f)
