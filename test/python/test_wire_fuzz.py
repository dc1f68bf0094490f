"""Floods of hostile messages on raw ZeroMQ sockets, one kind after another, against one kernel:
forged signatures, unsigned, replays on the same channel, replays on the other channel
(shell <-> control), garbled frames, msg_types named like Object.prototype members, and signed
messages of odd or oversized JSON. After each kind: nothing it carried ran (every message holds
code that would append to a marker file), the kernel answers kernel_info on both channels and an
execute, and at the end its live heap after a full GC is back near where it started.

CI sends SLUICE_FUZZ_MESSAGES (default 2000) of each kind. For more, and a table (kind, seconds, sent,
executed, replies, round trip after the kind, live heap and RSS before/after):

    SLUICE_FUZZ_MESSAGES=10000 SLUICE_LOG_LEVEL=error SLUICE_HISTORY=off \\
      JUPYTER_PATH=$PWD/.venv/share/jupyter PATH=$PWD/.venv/bin:$PATH \\
      .venv/bin/python -m pytest -q -s test/python/test_wire_fuzz.py
"""

import itertools
import json
import os
import random
import tempfile
import time

import pytest
from jupyter_client.manager import start_new_kernel
from jupyter_client.session import Session

from wire_probe import Wire, execute_content, kernel_memory, marker_code, runs

N = int(os.environ.get("SLUICE_FUZZ_MESSAGES", "2000"))
MB = 1 << 20
# Live heap (after a full GC) may hold some more than before the floods (compiled cells, the
# replay history's hash table lives outside it); a leak of a few hundred bytes a message is more.
MAX_LIVE_GROWTH = 32 * MB
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
CHANNELS = itertools.cycle(["shell", "control"])


@pytest.fixture(scope="module")
def flooded():
    km, kc = start_new_kernel(kernel_name="sluice", startup_timeout=60)
    wire = Wire(km)
    try:
        yield km, wire
    finally:
        wire.close()
        kc.stop_channels()
        km.shutdown_kernel(now=True)


def forged(wire, marker):
    code = marker_code(marker)
    bad = Session(key=b"not-the-key", username="attacker")
    for _ in range(N):
        yield next(CHANNELS), bad.serialize(bad.msg("execute_request", execute_content(code)))


def unsigned(wire, marker):
    code = marker_code(marker)
    bad = Session(key=b"", username="attacker")
    for _ in range(N):
        yield next(CHANNELS), bad.serialize(bad.msg("execute_request", execute_content(code)))


GENUINE_RUNS = 8


def _originals(wire, marker, count):
    """Genuine requests, sent and answered: GENUINE_RUNS executes of the marker, the rest cheap requests."""
    code = marker_code(marker)
    sent = []
    for i in range(count):
        channel = "shell" if i % 2 == 0 else "control"
        msg_type, content = ("execute_request", execute_content(code)) if i < GENUINE_RUNS else [("kernel_info_request", {}), ("is_complete_request", {"code": code}), ("comm_info_request", {})][i % 3]
        frames, msg_id = wire.frames(msg_type, content)
        wire.send(channel, frames)
        sent.append((channel, frames, msg_id))
        wire.own.add(msg_id)
    assert wire.drain(until=lambda: all(wire.replies[m] for _, _, m in sent)), "a genuine request was not answered"
    assert runs(marker) == GENUINE_RUNS
    return sent


def replayed_same_channel(wire, marker):
    sent = _originals(wire, marker, max(GENUINE_RUNS, N // 4))
    for i in range(N):
        channel, frames, _ = sent[i % len(sent)]
        yield channel, frames


def replayed_other_channel(wire, marker):
    sent = _originals(wire, marker, max(GENUINE_RUNS, N // 4))
    for i in range(N):
        channel, frames, _ = sent[i % len(sent)]
        yield ("control" if channel == "shell" else "shell"), frames


def garbled(wire, marker):
    code = marker_code(marker)
    rnd = random.Random(14)
    for i in range(N):
        frames, _ = wire.frames("execute_request", execute_content(code))
        case = i % 7
        if case == 0:  # random frames
            frames = [rnd.randbytes(rnd.randrange(0, 200)) for _ in range(rnd.randrange(1, 9))]
        elif case == 1:  # one byte of one JSON frame flipped: the signature no longer matches
            f = rnd.randrange(2, 6)
            b = bytearray(frames[f])
            b[rnd.randrange(len(b))] ^= 1 << rnd.randrange(8)
            frames[f] = bytes(b)
        elif case == 2:  # frames missing
            frames = frames[: rnd.randrange(1, 6)]
        elif case == 3:  # no delimiter
            frames = frames[1:]
        elif case == 4:  # a signature of bytes that are not text
            frames[1] = rnd.randbytes(64)
        elif case == 5:  # the signature of another genuine message
            frames[1] = wire.frames("kernel_info_request", {})[0][1]
        else:  # JSON frames in another order
            frames[2:6] = [frames[5], frames[2], frames[3], frames[4]]
        yield next(CHANNELS), frames


def prototype_msg_types(wire, marker):
    code = marker_code(marker)
    for i in range(N):
        frames, _ = wire.frames(PROTOTYPE_NAMES[i % len(PROTOTYPE_NAMES)], execute_content(code))
        yield next(CHANNELS), frames


def odd_json(wire, marker):
    """Signed with the kernel's key, so past the signature check: odd shapes must still run nothing
    (code that is not a string is not coerced into a cell) and break nothing."""
    deep = b"[" * 100_000 + b"]" * 100_000
    big = json.dumps({"code": "1", "junk": "x" * (4 * MB)}).encode()

    def header(msg_type="execute_request", **extra):
        h = wire.session.msg_header(msg_type)
        h.update(extra)
        return json.dumps(h, default=str).encode()

    code_j = json.dumps(marker_code(marker))
    contents = [
        f'{{"code": [{code_j}]}}',
        f'{{"code": {{"toString": {code_j}}}}}',
        '{"code": 5}',
        '{"code": null}',
        '{"silent": "yes"}',
        '{"code": 7, "__proto__": {"polluted": 1}}',
        '{"code": false, "user_expressions": "x", "silent": "no", "store_history": "no"}',
    ]
    cases = [
        lambda: [b"[]", b"{}", b"{}", b"{}"],
        lambda: [b"null", b"{}", b"{}", b"{}"],
        lambda: [b'"execute_request"', b"{}", b"{}", b"{}"],
        lambda: [json.dumps({"msg_id": "x", "__proto__": {"msg_type": "execute_request"}}).encode(), b"{}", b"{}", b"{}"],
        lambda: [header(msg_id=5), b"{}", b"{}", b"{}"],
        lambda: [header(msg_type=["execute_request"]), b"{}", b"{}", b"{}"],
        lambda: [b"{", b"{}", b"{}", b"{}"],
        lambda: [header(), b"\xff\xfe", b"{}", b"{}"],
        lambda: [header(), b"NaN", b"{}", b"{}"],
        lambda: [header(date="not a date"), b"[]", b"5", contents[1].encode()],
        lambda: [header(), b"{}", b"{}", contents[2].encode()],
        lambda: [header(), b"{}", b"{}", contents[3].encode()],
        lambda: [header(), b"{}", b"{}", contents[4].encode()],
        lambda: [header(), b"{}", b"{}", contents[5].encode()],
        lambda: [header(), b"{}", b"{}", contents[6].encode()],
        lambda: [header("complete_request"), b"{}", b"{}", b'{"code": 5, "cursor_pos": "x"}'],
        lambda: [header("inspect_request"), b"{}", b"{}", b'{"code": [], "cursor_pos": -1, "detail_level": {}}'],
        lambda: [header("is_complete_request"), b"{}", b"{}", b'{"code": {}}'],
        lambda: [header("history_request"), b"{}", b"{}", b'{"hist_access_type": "tail", "n": -1}'],
        lambda: [header("history_request"), b"{}", b"{}", b'{"hist_access_type": "search", "pattern": {}, "n": 1e9}'],
        lambda: [header("comm_open"), b"{}", b"{}", b'{"comm_id": {}, "target_name": []}'],
        lambda: [header("kernel_info_request"), b"{}", b"{}", b"[]"],
        lambda: [header("x" * 10_000 + "_request"), b"{}", b"{}", b"{}"],
    ]
    # Rarer, as each costs the kernel 0.1 s: 4 MB of content, and nesting 100,000 deep (which
    # JSON.parse takes, and which overflowed the stack of the control thread forwarding it).
    rare = [lambda: [header("kernel_info_request"), b"{}", b"{}", big], lambda: [header(), deep, b"{}", b"{}"], lambda: [header(), b"{}", deep, contents[0].encode()]]
    for i in range(N):
        if i % max(1, N // 30) == 0:
            parts = rare[i // max(1, N // 30) % len(rare)]()
        else:
            parts = cases[i % len(cases)]()
        yield next(CHANNELS), wire.sign(parts)


KINDS = [forged, unsigned, replayed_same_channel, replayed_other_channel, garbled, prototype_msg_types, odd_json]


def _flood(wire, kind):
    marker = tempfile.mktemp(prefix=f"sluice-fuzz-{kind.__name__}-")
    before = dict(wire.replies)
    sent = 0
    for channel, frames in kind(wire, marker):
        wire.send(channel, frames)
        sent += 1
    answered = wire.round_trip()
    wire.drain(quiet_s=0.5)
    new = {m: n - before.get(m, 0) for m, n in wire.replies.items() if n != before.get(m, 0)}
    # Our genuine requests are answered once; a second answer is a replay that ran.
    again = sum(n - (0 if m in before else 1) for m, n in new.items() if m in wire.own)
    foreign = sum(n for m, n in new.items() if m not in wire.own)
    genuine_runs = GENUINE_RUNS if kind.__name__.startswith("replayed") else 0
    return {"kind": kind.__name__, "sent": sent, "executed": runs(marker) - genuine_runs + again, "replies": again + foreign, "answered": answered}


def test_floods_run_nothing_and_the_kernel_keeps_answering(flooded):
    km, wire = flooded
    mem_file = tempfile.mktemp(prefix="sluice-fuzz-mem-")
    kernel_memory(wire, mem_file)  # warm-up: the first cells compile and load what later ones use
    start = kernel_memory(wire, mem_file)
    assert start is not None, "the kernel did not answer before any flood"
    rows = []
    for kind in KINDS:
        before = rows[-1]["after"] if rows else start
        t0 = time.monotonic()
        row = _flood(wire, kind)
        row.update(before=before, after=kernel_memory(wire, mem_file), seconds=time.monotonic() - t0)
        rows.append(row)
    # No odd JSON polluted Object.prototype.
    polluted = tempfile.mktemp(prefix="sluice-fuzz-proto-")
    wire.request("shell", "execute_request", execute_content(f'require("fs").writeFileSync({polluted!r}, String((({{}}) as any).polluted))'))
    end = rows[-1]["after"]

    table = [f"{'kind':<24} {'s':>5} {'sent':>7} {'executed':>8} {'replies':>7} {'answered':>9} {'live MB before/after':>21} {'RSS MB before/after':>20}"]
    for r in rows:
        answered = "no" if r["answered"] is None else f"{r['answered']:.2f} s"
        table.append(
            f"{r['kind']:<24} {r['seconds']:>5.1f} {r['sent']:>7} {r['executed']:>8} {r['replies']:>7} {answered:>9} "
            f"{_mb(r['before'], 'live'):>10}/{_mb(r['after'], 'live'):<10} "
            f"{_mb(r['before'], 'rss'):>9}/{_mb(r['after'], 'rss'):<10}"
        )
    table.append(f"live heap after GC: {_mb(start, 'live')} MB before the floods, {_mb(end, 'live')} MB after (limit +{MAX_LIVE_GROWTH // MB}); RSS {_mb(start, 'rss')} -> {_mb(end, 'rss')} MB")
    print("\n" + "\n".join(table))

    assert [(r["kind"], r["executed"]) for r in rows if r["executed"]] == [], "\n".join(table)
    assert [r["kind"] for r in rows if r["answered"] is None] == [], "\n".join(table)
    quiet = {r["kind"]: r["replies"] for r in rows if r["kind"] != "odd_json"}
    assert all(n == 0 for n in quiet.values()), f"dropped or unknown messages were answered: {quiet}"
    assert _read(polluted) == "undefined", "a message's JSON reached Object.prototype"
    assert end is not None and end["live"] - start["live"] < MAX_LIVE_GROWTH, "\n".join(table)


def _mb(memory, key):
    return "-" if memory is None else f"{memory[key] / MB:.1f}"


def _read(path):
    try:
        with open(path) as f:
            return f.read()
    except FileNotFoundError:
        return None
