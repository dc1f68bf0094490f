"""Where CI's time goes, read from a log of `npm test` (`bash scripts/ci-times.sh <log> [N]`).

Prints each phase's seconds, then the N (25) slowest test files and top-level tests, and pytest's
slowest tests. A phase's time is its own `-- phase took` line (scripts/test.sh prints them since session
10), else what its runner reported: Node 24's `duration_ms`, pytest's `in …s`, or the sum of the
top-level tests of a TAP stream (Node 20 prints no total). A file's time is its `file time` line
(test/support/fileTimes.ts, since session 10); in older logs, where no reporter named files, the sum of
its top-level tests (no hooks, no process start), each put in the *.test.ts or test_*.py file whose
source holds its name (the longest literal piece of it, for names built from template strings).
"""

import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC_TOP = re.compile(r"^[✔✖] (.*) \(([\d.]+)ms\)(?: # .*)?$")
TAP_TOP = re.compile(r"^(?:not )?ok \d+ - (.*?)(?: # .*)?$")
TAP_DURATION = re.compile(r"^  duration_ms: ([\d.]+)$")
PHASE_TOOK = re.compile(r"^-- phase took (\d+) s$")
FILE_TIME = re.compile(r"^file time +([\d.]+) s  (.*)$")


def phases(lines):
    """Splits the log at its `== ` headers; the part before the first is `setup and check`."""
    name, body, out = "setup and check", [], []
    for line in lines:
        if line.startswith("== "):
            out.append((name, body))
            name, body = line[3:].strip(), []
        else:
            body.append(line)
    out.append((name, body))
    return out


def top_level_tests(body):
    """(name, seconds) of each top-level test or suite, from a spec or a TAP stream."""
    tests, pending = [], None
    for line in body:
        if m := SPEC_TOP.match(line):
            tests.append((m.group(1), float(m.group(2)) / 1000))
        elif m := TAP_TOP.match(line):
            pending = m.group(1)
        elif pending is not None and (m := TAP_DURATION.match(line)):
            tests.append((pending, float(m.group(1)) / 1000))
            pending = None
    return tests


def phase_seconds(body, tests):
    for line in body:
        if m := PHASE_TOOK.match(line):
            return float(m.group(1)), "measured"
    for line in body:
        if m := re.match(r"^ℹ duration_ms ([\d.]+)$", line):
            return float(m.group(1)) / 1000, "runner"
    for line in body:
        if m := re.search(r"(?:passed|failed|error|errors|skipped).* in ([\d.]+)s(?: \(|$)", line):
            return float(m.group(1)), "pytest"
    if tests:
        return sum(s for _, s in tests), "sum of tests"
    return None, "not in log"


class FileIndex:
    """Finds the test file whose source holds a test's name."""

    def __init__(self):
        files = [p for p in ROOT.glob("**/*.test.ts") if "node_modules" not in p.parts]
        files += list((ROOT / "test/python").glob("test_*.py"))
        self.sources = {str(p.relative_to(ROOT)): p.read_text(errors="replace") for p in files}

    def file_of(self, name):
        # Template parts (`${…}`) became values in the log; try the longest literal pieces first.
        pieces = sorted(re.split(r"[\d`'\"]+|\([^)]*\)", name), key=len, reverse=True)
        for piece in [name, *pieces]:
            piece = piece.strip()
            if len(piece) < 12:
                break
            hits = [f for f, text in self.sources.items() if piece in text]
            if len(hits) == 1:
                return hits[0]
            if hits:
                return " | ".join(sorted(hits)[:2]) + (" …" if len(hits) > 2 else "")
        return "?"


def pytest_durations(body):
    """pytest's --durations lines, if the run asked for them."""
    return [line for line in body if re.match(r"^[\d.]+s (call|setup|teardown) ", line)]


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: bash scripts/ci-times.sh <ci log> [N]")
    log = Path(sys.argv[1]).read_text(errors="replace").splitlines()
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 25
    index = FileIndex()
    total = 0.0
    per_file, per_test = defaultdict(float), []
    print(f"{'phase':<62} {'s':>7}  source")
    for name, body in phases(log):
        tests = top_level_tests(body)
        seconds, how = phase_seconds(body, tests)
        total += seconds or 0
        shown = f"{seconds:7.0f}" if seconds is not None else "      ?"
        print(f"{name[:62]:<62} {shown}  {how}")
        file_times = [m for line in body if (m := FILE_TIME.match(line))]
        for m in file_times:
            per_file[(name[:24], re.sub(r"^dist/|\.js$", "", m.group(2)) + ".ts")] += float(m.group(1))
        for test, s in tests:
            where = index.file_of(test)
            if not file_times:
                per_file[(name[:24], where)] += s
            per_test.append((s, name[:24], test, where))
    print(f"{'total of the phases above (setup+check not timed before session 10)':<62} {total:7.0f}")
    print(f"\n{top} slowest test files (seconds within one phase)")
    for (phase, where), s in sorted(per_file.items(), key=lambda kv: -kv[1])[:top]:
        print(f"{s:7.1f}  {phase:<24}  {where}")
    print(f"\n{top} slowest top-level tests")
    for s, phase, test, where in sorted(per_test, reverse=True)[:top]:
        print(f"{s:7.1f}  {phase:<24}  {test[:90]}  [{where}]")
    durations = [d for name, body in phases(log) for d in pytest_durations(body)]
    if durations:
        print("\npytest --durations")
        print("\n".join(durations[:top]))


if __name__ == "__main__":
    main()
