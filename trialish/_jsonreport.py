"""JSON lines: one object per line, for tools (``--reporter json``, ``--jsonl PATH``).

The format is stable and versioned (see docs/formats.md): every object has
``"version": 1`` and a ``"type"`` -- ``start`` once, ``test`` per finished
test, ``summary`` once at the end.  Fields are only ever added within a
version; a consumer should ignore fields it does not know.  Each line is
written and flushed as the test finishes, so a run that dies still leaves
every finished test on disk, and a reader can follow the file live.
"""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

from ._results import RunTotals, Status, TestReport

FORMAT_VERSION = 1

OUTCOMES = {
    Status.OK: "passed",
    Status.FAIL: "failed",
    Status.ERROR: "error",
    Status.SKIP: "skipped",
    Status.TODO: "todo",
    Status.UNEXPECTED_SUCCESS: "unexpected_success",
}


def report_object(report: TestReport) -> dict[str, Any]:
    """The ``test`` object of one finished test (plain JSON types only)."""
    return {
        "version": FORMAT_VERSION,
        "type": "test",
        "id": report.test_id,
        "outcome": OUTCOMES[report.status],
        "duration": round(report.duration, 6),
        "problems": [
            {"kind": problem.kind.value, "phase": problem.phase, "type": problem.type_name,
             "text": problem.text}
            for problem in report.problems
        ],
        "reason": report.reason,
        "expected_errors": list(report.expected_errors),
        "warnings": list(report.warnings),
        "output": report.output,
    }


def summary_object(totals: RunTotals) -> dict[str, Any]:
    counts = {name: 0 for name in OUTCOMES.values()}
    for report in totals.reports:
        counts[OUTCOMES[report.status]] += 1
    return {
        "version": FORMAT_VERSION,
        "type": "summary",
        "tests": len(totals.reports),
        "counts": counts,
        "elapsed": round(totals.elapsed, 6),
        "interrupted": totals.interrupted,
        "successful": totals.successful,
    }


def dumps(obj: dict[str, Any]) -> str:
    """One line of ASCII JSON: safe in any locale, never split by a newline."""
    return json.dumps(obj, ensure_ascii=True, allow_nan=False, separators=(", ", ": "))


class JsonLinesReporter:
    """Writes the JSON lines to a text stream; closes it at the end if it owns it."""

    def __init__(self, stream: TextIO | None = None, realtime: bool = False,
                 owns_stream: bool = False, name: str = "") -> None:
        self.stream = stream if stream is not None else sys.stdout
        self.owns_stream = owns_stream
        self.name = name or getattr(self.stream, "name", "output")
        self._broken = False

    def _line(self, obj: dict[str, Any]) -> None:
        if self._broken:
            return
        try:
            self.stream.write(dumps(obj) + "\n")
            self.stream.flush()
        except (OSError, ValueError) as exc:
            self._broken = True  # say it once; the run itself goes on
            sys.stderr.write(f"trialish: warning: cannot write JSON lines to {self.name}: {exc}\n")

    def run_started(self, total: int) -> None:
        self._line({"version": FORMAT_VERSION, "type": "start", "total": total})

    def test_started(self, test_id: str) -> None:
        pass

    def test_finished(self, report: TestReport) -> None:
        self._line(report_object(report))

    def run_finished(self, totals: RunTotals) -> None:
        self._line(summary_object(totals))
        if self.owns_stream:
            try:
                self.stream.close()
            except OSError:
                pass
