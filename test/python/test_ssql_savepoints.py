"""Savepoints of %%ssql jobs through a real kernel (jupyter_client): an unbounded windowed GROUP BY
over datagen is stopped with a savepoint (`%jobs stop`), the kernel restarts, `%%ssql --restore`
resumes it, and its windows are exactly those of an uninterrupted run of the same query: none lost,
none twice (Flink's stop-with-savepoint). ~25 s (two kernel starts)."""

import calendar
import contextlib
import queue
import re
import time

from conftest import run

WINDOWS = 4  # whole windows compared (1 s each, 50 rows)

DDL = """%%ssql
SET 'state.savepoints.dir' = '{dir}';
CREATE TABLE clicks (id INT, k INT, ts TIMESTAMP(3), WATERMARK FOR ts AS ts)
  WITH ('connector' = 'datagen', 'rows-per-second' = '50', 'fields.id.min' = '0', 'fields.id.max' = '999',
        'fields.k.min' = '0', 'fields.k.max' = '2');
CREATE TABLE out_a (w TIMESTAMP(3), k INT, c BIGINT, s INT) WITH ('connector' = 'print', 'print-identifier' = 'a');
CREATE TABLE out_b (w TIMESTAMP(3), k INT, c BIGINT, s INT) WITH ('connector' = 'print', 'print-identifier' = 'b');"""

QUERY = """SELECT window_start, k, COUNT(*), SUM(id)
FROM TABLE(TUMBLE(TABLE clicks, DESCRIPTOR(ts), INTERVAL '1' SECOND))
GROUP BY window_start, window_end, k"""

LINE = re.compile(r"^([ab])> \+I\[(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\.000, (\d+), (\d+), (\d+)\]$")


class Printed:
    """Every line the jobs print, whichever cell they land in (execute_interactive would drop other cells' output)."""

    def __init__(self, kc):
        self.kc = kc
        self.rows = {"a": [], "b": []}

    def pump(self, timeout=0.2):
        try:
            m = self.kc.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            return None
        if m["msg_type"] == "stream":
            for line in m["content"]["text"].splitlines():
                hit = LINE.match(line)
                if hit:
                    self.rows[hit[1]].append((calendar.timegm(time.strptime(hit[2], "%Y-%m-%d %H:%M:%S")), int(hit[3]), int(hit[4]), int(hit[5])))
        return m

    def execute(self, code, timeout=30):
        msg_id = self.kc.execute(code)
        deadline = time.time() + timeout
        idle = reply = None
        while (idle is None or reply is None) and time.time() < deadline:
            m = self.pump()
            if m is not None and m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
                idle = m
            if reply is None:
                with contextlib.suppress(queue.Empty):
                    m = self.kc.get_shell_msg(timeout=0.05)
                    # Replies to earlier requests (wait_for_ready's kernel_info) are not this cell's.
                    if m["parent_header"].get("msg_id") == msg_id:
                        reply = m
        assert reply is not None and idle is not None, f"no reply to {code!r}"
        assert reply["content"]["status"] == "ok", reply["content"]
        return reply

    def windows(self, tag):
        return sorted({r[0] for r in self.rows[tag]})

    def wait_for(self, tag, n, timeout=90):
        deadline = time.time() + timeout
        while len(self.windows(tag)) < n and time.time() < deadline:
            self.pump()
        assert len(self.windows(tag)) >= n, f"{tag}: only {self.windows(tag)}"


def _relative(rows, first, n):
    """Rows of the first n windows, window start as its index from the run's first window."""
    return sorted((int(w - first), k, c, s) for (w, k, c, s) in rows if w - first < n)


def test_a_sql_job_stopped_with_a_savepoint_resumes_after_a_kernel_restart_as_if_uninterrupted(kernel, tmp_path):
    km, kc = kernel
    printed = Printed(kc)
    printed.execute(DDL.format(dir=tmp_path))
    printed.execute(f"%%ssql\nINSERT INTO out_a {QUERY}")
    printed.wait_for("a", 2)
    printed.execute("%jobs stop 1 before-restart")
    assert (tmp_path / "savepoint-before-restart.json").exists()
    for _ in range(10):  # what the stopped job printed last
        printed.pump()
    before = list(printed.rows["a"])
    first = min(r[0] for r in before)

    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=60)
    printed.execute(DDL.format(dir=tmp_path))
    printed.execute(f"%%ssql --restore before-restart\nINSERT INTO out_a {QUERY}")
    printed.execute(f"%%ssql\nINSERT INTO out_b {QUERY}")  # the uninterrupted run, alongside
    printed.wait_for("b", WINDOWS + 1)
    deadline = time.time() + 90
    while max(r[0] for r in printed.rows["a"]) - first < WINDOWS and time.time() < deadline:
        printed.pump()
    assert max(r[0] for r in printed.rows["a"]) - first >= WINDOWS, f"the restored job printed only {printed.windows('a')}"
    reply, out = run(kc, "%jobs")
    assert "running" in str(out)
    run(kc, "%jobs cancel 1")
    run(kc, "%jobs cancel 2")

    resumed = _relative(printed.rows["a"], first, WINDOWS)
    uninterrupted = _relative(printed.rows["b"], min(r[0] for r in printed.rows["b"]), WINDOWS)
    assert len(before) < len(resumed), "the savepoint was taken after the compared windows"
    assert sum(c for (_, _, c, _) in uninterrupted) == 50 * WINDOWS
    assert resumed == uninterrupted
