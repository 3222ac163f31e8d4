"""Reporters draw finished tests; they never decide anything.

A reporter is any object with four methods (see :class:`Reporter`).  Each
gets one ``test_finished`` per test, carrying the final status and every
problem, so a serial run and a parallel one draw the same way.  The text
formats below reproduce trial's line for line.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable, Protocol, TextIO

from ._failures import printable
from ._results import RunTotals, Status, TestReport

SEPARATOR = "-" * 79
DOUBLE_SEPARATOR = "=" * 79
COLUMNS = 79

# Summary blocks, in trial's order.
_BLOCK_ORDER = (Status.SKIP, Status.TODO, Status.FAIL, Status.ERROR, Status.UNEXPECTED_SUCCESS)
_COUNT_NAMES = (
    (Status.SKIP, "skips"),
    (Status.TODO, "expectedFailures"),
    (Status.FAIL, "failures"),
    (Status.ERROR, "errors"),
    (Status.UNEXPECTED_SUCCESS, "unexpectedSuccesses"),
)
_COLOURS = {"red": 31, "green": 32, "blue": 34}
_STATUS_COLOUR = {
    Status.OK: "green", Status.FAIL: "red", Status.ERROR: "red",
    Status.SKIP: "blue", Status.TODO: "blue", Status.UNEXPECTED_SUCCESS: "red",
}


class Reporter(Protocol):
    """What the session calls.  That is the whole interface."""

    def run_started(self, total: int) -> None: ...
    def test_started(self, test_id: str) -> None: ...
    def test_finished(self, report: TestReport) -> None: ...
    def run_finished(self, totals: RunTotals) -> None: ...


def wants_colour(stream: TextIO, environ: dict[str, str] | None = None) -> bool:
    """Colour on a terminal; NO_COLOR turns it off, FORCE_COLOR on."""
    environ = os.environ if environ is None else environ
    if environ.get("NO_COLOR"):
        return False
    if environ.get("FORCE_COLOR"):
        return True
    try:
        return stream.isatty() and environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


def block_body(report: TestReport) -> str:
    """The text trial prints under a test's [STATUS] header.

    A test's captured output (parallel workers capture it) follows, under
    ``Captured output:``, so it is read next to the failure it explains.
    """
    body = _status_body(report)
    if report.output:
        body += f"Captured output:\n{report.output}"
        if not report.output.endswith("\n"):
            body += "\n"
    return body


def _status_body(report: TestReport) -> str:
    problems = "".join(problem.text for problem in report.problems)
    if report.status is Status.SKIP:
        return f"{report.reason}\n"
    if report.status is Status.TODO:
        return f"Reason: {report.reason!r}\n{problems}"
    if report.status is Status.UNEXPECTED_SUCCESS:
        body = f"Reason: {report.reason!r}\n"
        if report.expected_errors:
            body += f"Expected errors: {', '.join(report.expected_errors)}\n"
        return body
    return problems


def counts_text(totals: RunTotals) -> str:
    parts = [f"{name}={totals.count(status)}" for status, name in _COUNT_NAMES if totals.count(status)]
    successes = totals.count(Status.OK)
    if successes:
        parts.append(f"successes={successes}")
    return f" ({', '.join(parts)})" if parts else ""


class TextReporter:
    """trial's ``text`` reporter: one character per test, then the summary."""

    letters = {
        Status.OK: ".", Status.ERROR: "E", Status.FAIL: "F", Status.SKIP: "S",
        Status.TODO: "T", Status.UNEXPECTED_SUCCESS: "!",
    }
    colour = False
    durations: int | None = None  # --durations N; None: no such block

    def __init__(
        self, stream: TextIO | None = None, colour: bool | None = None, realtime: bool = False,
    ) -> None:
        self.stream = stream if stream is not None else sys.stdout
        if colour is not None:
            self.colour = colour
        self.realtime = realtime
        self.reports: list[TestReport] = []
        self.started = False

    def write(self, text: str) -> None:
        try:
            try:
                self.stream.write(text)
            except UnicodeEncodeError:  # a strict, narrower encoding than the text needs
                encoding = getattr(self.stream, "encoding", None) or "utf-8"
                self.stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
            self.stream.flush()
        except (OSError, ValueError):
            pass  # the output is gone (closed pipe); the run itself goes on

    def paint(self, text: str, colour: str) -> str:
        if not self.colour:
            return text
        return f"\x1b[{_COLOURS[colour]};1m{text}\x1b[0m"

    # -- protocol --------------------------------------------------------------

    def run_started(self, total: int) -> None:
        pass

    def test_started(self, test_id: str) -> None:
        self.started = True

    def test_finished(self, report: TestReport) -> None:
        self.reports.append(report)
        self.draw_test(report)
        for line in report.warnings:
            self.write(line + "\n")

    def draw_test(self, report: TestReport) -> None:
        self.write(self.realtime_text(report) + self.letters[report.status])

    def realtime_text(self, report: TestReport) -> str:
        """With ``-e``: the tracebacks of a failed test, printed before its status.

        trial writes each error and failure the moment it is added, that is
        before the test's status word (and, in the tree, where the padding
        would have been).  Expected failures (TODO) are not printed.
        """
        if not self.realtime or not report.is_failure:
            return ""
        return "".join(problem.text for problem in report.problems)

    def run_finished(self, totals: RunTotals) -> None:
        self.draw_blocks(totals)
        self.draw_durations(totals)
        self.write(SEPARATOR + "\n")
        if self.started:
            self.write(f"Ran {len(totals.reports)} tests in {totals.elapsed:.3f}s\n")
        self.write("\n")
        self.draw_verdict(totals)

    # -- closing -----------------------------------------------------------------

    def draw_blocks(self, totals: RunTotals) -> None:
        self.write("\n")
        for status in _BLOCK_ORDER:
            groups: dict[str, list[str]] = {}
            for report in totals.reports:
                if report.status is status:
                    groups.setdefault(block_body(report), []).append(report.test_id)
            label = f"[{'FAIL' if status is Status.FAIL else status.value}]"
            for body, test_ids in groups.items():
                self.write(f"{DOUBLE_SEPARATOR}\n{label}\n{body}\n")
                self.write("".join(f"{printable(test_id)}\n" for test_id in test_ids))

    def draw_durations(self, totals: RunTotals) -> None:
        """``--durations N``: the N slowest tests (all for 0), slowest first.

        A block like the others, after them and before ``Ran N tests``, so
        the verdict stays the last line that scripts look at.
        """
        if self.durations is None or not totals.reports:
            return
        ranked = sorted(totals.reports, key=lambda report: (-report.duration, report.test_id))
        if self.durations:
            ranked = ranked[:self.durations]
        width = max(len(f"{report.duration:.3f}") for report in ranked)
        self.write(f"{DOUBLE_SEPARATOR}\n[DURATIONS] {len(ranked)} slowest of "
                   f"{len(totals.reports)} tests\n")
        self.write("".join(f"{report.duration:>{width}.3f}s  {printable(report.test_id)}\n"
                           for report in ranked))

    def draw_verdict(self, totals: RunTotals) -> None:
        if totals.successful:
            verdict = self.paint("PASSED", "green")
        else:
            verdict = self.paint("FAILED", "red")
        self.write(f"{verdict}{counts_text(totals)}\n")


class BwVerboseReporter(TextReporter):
    """trial's ``bwverbose``: ``full.test.id ... [STATUS]`` per line."""

    labels = {
        Status.OK: "[OK]", Status.ERROR: "[ERROR]", Status.FAIL: "[FAILURE]",
        Status.SKIP: "[SKIPPED]", Status.TODO: "[TODO]", Status.UNEXPECTED_SUCCESS: "[SUCCESS!?!]",
    }

    def draw_test(self, report: TestReport) -> None:
        self.write(f"{printable(report.test_id)} ... {self.realtime_text(report)}"
                   f"{self.labels[report.status]}\n")


class TimingReporter(BwVerboseReporter):
    """trial's ``timing``: bwverbose plus each test's duration."""

    def draw_test(self, report: TestReport) -> None:
        super().draw_test(report)
        self.write(f"({report.duration:.03f} secs)\n")


class SummaryReporter(TextReporter):
    """trial's ``summary``: only the counts, on one line."""

    def draw_test(self, report: TestReport) -> None:
        self.write(self.realtime_text(report))

    def draw_blocks(self, totals: RunTotals) -> None:
        pass

    def draw_verdict(self, totals: RunTotals) -> None:
        fields = (
            totals.elapsed, len(totals.reports), len(totals.reports),
            totals.count(Status.ERROR), totals.count(Status.FAIL), totals.count(Status.SKIP),
        )
        self.write(" ".join(map(str, fields)) + "\n")


class TreeReporter(TextReporter):
    """trial's default ``verbose``: tests in a tree by module and class."""

    indent = "  "

    def __init__(
        self, stream: TextIO | None = None, colour: bool | None = None, realtime: bool = False,
    ) -> None:
        super().__init__(stream, colour, realtime)
        if colour is None:
            self.colour = wants_colour(self.stream)
        self._branch: list[str] = []
        self._line = ""

    @staticmethod
    def branch_of(test_id: str) -> list[str]:
        """The tree's parents of a test: its module, then its class."""
        parents = test_id.split(".")[:-1]
        if not parents:
            return []
        return [segment for segment in (".".join(parents[:-1]), parents[-1]) if segment]

    def test_started(self, test_id: str) -> None:
        super().test_started(test_id)
        test_id = printable(test_id)  # a name with control characters must not drive the terminal
        branch = self.branch_of(test_id)
        for depth, segment in enumerate(branch):
            if depth >= len(self._branch) or segment != self._branch[depth]:
                self.write(f"{self.indent * depth}{segment}\n")
        self._branch = branch
        self._line = f"{self.indent * len(branch)}{test_id.split('.')[-1]} ... "
        self.write(self._line)

    def draw_test(self, report: TestReport) -> None:
        label = f"[{report.status.value}]"
        text = self.realtime_text(report)
        if text:
            self.write(text)
            self._line = text  # as in trial: the padding counts from the traceback
        padding = " " * (COLUMNS - len(self._line) - len(label))
        self.write(padding + self.paint(label, _STATUS_COLOUR[report.status]) + "\n")


REPORTERS: dict[str, tuple[Callable[..., Any], str]] = {
    "verbose": (TreeReporter, "verbose color output (default reporter)"),
    "bwverbose": (BwVerboseReporter, "Colorless verbose output"),
    "summary": (SummaryReporter, "minimal summary output"),
    "text": (TextReporter, "terse text output"),
    "timing": (TimingReporter, "Timing output"),
    "subunit": (lambda stream=None, realtime=False: _machine("_subunit", "SubunitReporter", stream),
                "subunit v2 stream on standard output (for python-subunit's tools)"),
    "json": (lambda stream=None, realtime=False: _machine("_jsonreport", "JsonLinesReporter", stream),
             "one JSON object per finished test on standard output (docs/formats.md)"),
}


def _machine(module: str, name: str, stream: Any) -> Any:
    """The machine-readable reporters, imported only when chosen."""
    import importlib

    return getattr(importlib.import_module(f"trialish.{module}"), name)(stream)


def make_reporter(name: str, stream: Any = None, realtime: bool = False) -> Any:
    """The reporter called ``name``; ``realtime`` is ``-e``."""
    factory, _ = REPORTERS[name]
    return factory(stream, realtime=realtime)
