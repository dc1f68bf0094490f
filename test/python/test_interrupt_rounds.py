"""Every interrupt reaches whatever is running, through a real Jupyter client (issue 14).

Rounds of each kind of running cell: a busy loop, a loop interrupted while the cell is still
compiling (~20 ms after the request), a loop after `await null`, a loop after a timer await, a
pending await, a DuckDB query and a bounded job. Each interrupt must be answered within 2 s;
afterwards the variables of earlier cells are intact, a background streaming job still runs and
the kernel answers.

CI runs SLUICE_INTERRUPT_ROUNDS (default 10) rounds per kind. The issue's figure:

    SLUICE_INTERRUPT_ROUNDS=100 JUPYTER_PATH=$PWD/.venv/share/jupyter PATH=$PWD/.venv/bin:$PATH \
      SLUICE_HISTORY=off .venv/bin/python -m pytest -q -s test/python/test_interrupt_rounds.py

prints a table: kind, sent, answered (within 2 s), p50 and max latency (from the interrupt_request
to the execute_reply). SLUICE_INTERRUPT_KINDS="busy loop,pending await" runs only those kinds.
"""

import os
import random
import statistics
import time

from conftest import run

ROUNDS = int(os.environ.get("SLUICE_INTERRUPT_ROUNDS", "10"))
ANSWER_WITHIN = 2.0

SETUP = """const kept = 41;
const bg = { n: 0 };
const bgEnv = StreamEnvironment.create();
bgEnv.fromSource(DataGen.sequence({ rate: 200 })).map((x) => { bg.n++; return x; }).filter(() => false).print();
const bgJob = bgEnv.execute("background");
"""

QUERY = "%%sql\nselect count(*) from range(100000000) a, range(100000) b where a.range + b.range = 7"
BOUNDED = """const boundedEnv = StreamEnvironment.create();
boundedEnv.fromSource(DataGen.sequence({ count: 1_000_000, rate: 100 })).filter(() => false).print();
(globalThis as any).lastBounded = boundedEnv.execute("bounded");
"""

# kind -> (code, when to interrupt: "request" = ~20 ms after sending it, "running" = a little
# after the cell was taken (execute_input), landing before, during or after compilation)
KINDS = {
    "busy loop": ("let spins = 0;\nwhile (true) { spins++; }", "running"),
    "during compilation": ("type Row = { id: number; name: string };\nconst rows: Row[] = [];\nwhile (true) { rows.length = 0; }", "request"),
    "await null; loop": ("await null;\nwhile (true) {}", "running"),
    "timer await; loop": ("await new Promise((r) => setTimeout(r, 10));\nwhile (true) {}", "running"),
    "pending await": ("await new Promise(() => {})", "running"),
    "DuckDB query": (QUERY, "running"),
    "bounded job": (BOUNDED, "running"),
}


def _wait_input(kc, msg_id):
    while True:
        m = kc.get_iopub_msg(timeout=30)
        if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
            return


def _reply(kc, msg_id, timeout):
    deadline = time.monotonic() + timeout
    while True:
        m = kc.get_shell_msg(timeout=max(0.01, deadline - time.monotonic()))
        if m["parent_header"].get("msg_id") == msg_id:
            return m


def _round(km, kc, code, when, rng):
    """Interrupt one running cell; returns (latency in s or None if unanswered in time, reply content)."""
    msg_id = kc.execute(code)
    if when == "request":
        time.sleep(0.02)
    else:
        _wait_input(kc, msg_id)
        time.sleep(rng.uniform(0.0, 0.15))
    sent = time.monotonic()
    km.interrupt_kernel()
    try:
        reply = _reply(kc, msg_id, timeout=ANSWER_WITHIN)
        return time.monotonic() - sent, reply["content"]
    except Exception as not_answered:  # queue.Empty: not answered in time; free the kernel for the next round
        for _ in range(3):
            km.interrupt_kernel()
            try:
                return None, _reply(kc, msg_id, timeout=5)["content"]
            except Exception:  # noqa: S112 -- still stuck: interrupt again, and fail below after the last try
                continue
        raise AssertionError(f"a cell stayed stuck after 4 interrupts (kernel alive: {km.is_alive()}): {code!r}") from not_answered


def _drain_iopub(kc):
    while True:
        try:
            kc.get_iopub_msg(timeout=0.05)
        except Exception:
            return


def test_every_interrupt_is_answered_within_2s_and_keeps_state(kernel):
    km, kc = kernel
    reply, _ = run(kc, SETUP)
    assert reply["content"]["status"] == "ok", reply["content"]
    rng = random.Random(14)
    table = []
    failures = []
    only = [k.strip() for k in os.environ.get("SLUICE_INTERRUPT_KINDS", "").split(",") if k.strip()]
    for kind, (code, when) in KINDS.items():
        if only and kind not in only:
            continue
        latencies = []
        for i in range(ROUNDS):
            latency, content = _round(km, kc, code, when, rng)
            if kind == "bounded job":
                # Interrupt stops the waiting, not the job: stop it so rounds do not pile up jobs.
                run(kc, "await (globalThis as any).lastBounded.cancel(); 0")
            elif content.get("ename") != "Interrupted":
                failures.append(f"{kind} round {i}: {content.get('status')} {content.get('ename')}: {content.get('evalue')}")
            if latency is None:
                failures.append(f"{kind} round {i}: not answered within {ANSWER_WITHIN} s")
            else:
                latencies.append(latency)
        _drain_iopub(kc)
        table.append((kind, ROUNDS, len(latencies), latencies))

    print(f"\n{'kind':<20} {'sent':>5} {'answered':>9} {'p50 ms':>8} {'max ms':>8}")
    for kind, sent, answered, lat in table:
        p50 = f"{statistics.median(lat) * 1000:.0f}" if lat else "-"
        mx = f"{max(lat) * 1000:.0f}" if lat else "-"
        print(f"{kind:<20} {sent:>5} {answered:>9} {p50:>8} {mx:>8}")

    assert not failures, "\n".join(failures[:20])
    assert km.is_alive()
    # An interrupt of an idle kernel stops nothing that runs later.
    km.interrupt_kernel()
    time.sleep(0.2)
    reply, _ = run(kc, "await new Promise((r) => setTimeout(r, 100)); 'not interrupted'")
    assert reply["content"]["status"] == "ok", reply["content"]
    _, out = run(kc, "kept + 1")
    assert out[-1]["content"]["data"]["text/plain"] == "42"
    _, out = run(kc, "const before = bg.n; await new Promise((r) => setTimeout(r, 300)); [bgJob.status, bg.n > before]")
    assert out[-1]["content"]["data"]["text/plain"] == "[ 'running', true ]", out


def test_a_storm_of_sigints_while_cells_run_leaves_the_kernel_alive(kernel):
    """Node kills a process that gets SIGINT while vm's watchdog starts or stops, if a SIGINT
    listener exists; cells make many such vm calls, so the kernel keeps the watchdog running
    instead (sigintWatch.ts). A SIGINT every 2 ms for 2 s, while short cells with awaits run."""
    import signal
    import threading

    km, kc = kernel
    run(kc, "const survivor = 'kept'")
    pid = km.provisioner.process.pid
    stop = threading.Event()

    def storm():
        while not stop.is_set():
            os.kill(pid, signal.SIGINT)
            time.sleep(0.002)

    t = threading.Thread(target=storm)
    t.start()
    try:
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline:
            run(kc, "for (let i = 0; i < 20; i++) await null; 1", timeout=10)
    finally:
        stop.set()
        t.join()
    time.sleep(0.2)
    assert km.is_alive()
    _, out = run(kc, "survivor")
    assert out[-1]["content"]["data"]["text/plain"] == "'kept'"
