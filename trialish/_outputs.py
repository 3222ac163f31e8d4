"""Everything a run reports to, built from the Config behind one consumer.

A run has one console reporter (``--reporter``) and, optionally, files for
tools (``--junitxml``, ``--jsonl``) and a live progress line.  The session
and the parallel parent talk to exactly one object with the reporter
protocol (``run_started``, ``test_started``, ``test_finished``,
``run_finished``); :class:`Broadcast` passes each event on, so neither of
them knows how many outputs there are, and a serial and a parallel run feed
the files the same way.

Two rules live here and nowhere else:

* **Machine formats own standard output.**  With ``--reporter subunit`` or
  ``json`` the stream must stay parseable, but tests print, trialish prints
  "Running shard ...", a C library writes to fd 1.  :class:`StdoutClaim`
  gives the reporter a private duplicate of fd 1 and points fd 1 (and so
  ``sys.stdout``) at stderr for the length of the run: everything that is
  not the stream still reaches the user, on stderr.
* **The progress line is for people at a terminal.**  It is on only when
  standard output is a terminal, the console reporter draws text, no
  debugger or ``--spew`` shares the terminal, and ``TRIALISH_PROGRESS`` is
  not ``off``.  It is erased before the summary is drawn.
"""

from __future__ import annotations

import io
import os
import sys
from typing import Any, BinaryIO, Sequence, TextIO

from ._reporters import Reporter
from ._results import RunTotals, TestReport

MACHINE_REPORTERS = ("subunit", "json")


class Broadcast:
    """Sends every event to each consumer, in order; ``console`` is the first one.

    Order matters only at the end: the progress line (if any) comes first,
    so it is erased before the console reporter draws the summary.
    """

    def __init__(self, consumers: Sequence[Reporter], console: Any) -> None:
        self.consumers = tuple(consumers)
        self.console = console

    def run_started(self, total: int) -> None:
        for consumer in self.consumers:
            consumer.run_started(total)

    def test_started(self, test_id: str) -> None:
        for consumer in self.consumers:
            consumer.test_started(test_id)

    def test_finished(self, report: TestReport) -> None:
        for consumer in self.consumers:
            consumer.test_finished(report)

    def run_finished(self, totals: RunTotals) -> None:
        for consumer in self.consumers:
            consumer.run_finished(totals)


class StdoutClaim:
    """Keep fd 1 for a machine-readable stream; send everything else to stderr.

    ``binary`` and ``text`` are the reporter's views of the real standard
    output.  :meth:`release` puts fd 1 back, so the process ends as it began.
    """

    def __init__(self) -> None:
        sys.stdout.flush()
        self._saved = os.dup(1)
        self.binary: BinaryIO = os.fdopen(os.dup(1), "wb")
        self.text: TextIO = io.TextIOWrapper(self.binary, encoding="utf-8", errors="backslashreplace",
                                             line_buffering=True)
        os.dup2(2, 1)  # sys.stdout keeps its fd 1, which is stderr now

    def release(self) -> None:
        for stream in (sys.stdout, self.text):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        os.dup2(self._saved, 1)
        os.close(self._saved)
        try:
            self.text.close()  # closes self.binary too
        except (OSError, ValueError):
            pass


def claim_stdout(config: Any) -> StdoutClaim | None:
    """Claim standard output when the console reporter is a machine format."""
    if config.reporter not in MACHINE_REPORTERS:
        return None
    try:
        return StdoutClaim()
    except OSError:  # no fd 1 at all: the reporter writes where it can
        return None


def _progress_wanted(config: Any, stream: Any) -> float | None:
    if config.reporter in MACHINE_REPORTERS or config.debug or config.spew or config.logfile == "-":
        return None
    from ._progress import is_terminal, progress_delay

    return progress_delay() if is_terminal(stream) else None


def build(config: Any, claim: StdoutClaim | None) -> Broadcast:
    """The consumers of one pass: progress, the console reporter, the files."""
    from ._reporters import make_reporter

    consumers: list[Any] = []
    stream: Any = None
    if claim is not None:
        stream = claim.binary if config.reporter == "subunit" else claim.text
    else:
        delay = _progress_wanted(config, sys.stdout)
        if delay is not None:
            from ._progress import Progress, Terminal

            terminal = Terminal(sys.stdout)
            stream = terminal.writer(sys.stdout)
            consumers.append(Progress(terminal, delay=delay))
    console = make_reporter(config.reporter, stream, realtime=config.rterrors)
    if config.durations is not None and hasattr(console, "draw_durations"):
        console.durations = config.durations
    consumers.append(console)
    if config.junitxml is not None:
        from ._junit import JUnitWriter

        _check_writable_folder("--junitxml", config.junitxml)
        consumers.append(JUnitWriter(config.junitxml))
    if config.jsonl is not None:
        consumers.append(_jsonl_file(config.jsonl))
    return Broadcast(consumers, console)


def _jsonl_file(path: str) -> Any:
    """``--jsonl PATH``: opened now (before the tests change directory), or a usage error."""
    from ._config import UsageError
    from ._jsonreport import JsonLinesReporter

    path = os.path.abspath(path)
    try:
        stream = open(path, "w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"argument --jsonl: cannot write {path}: {exc.strerror or exc}") from None
    return JsonLinesReporter(stream, owns_stream=True, name=path)


def _check_writable_folder(option: str, path: str) -> None:
    """A results file that cannot be written is a usage error now, not a warning later."""
    from ._config import UsageError

    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise UsageError(f"argument {option}: cannot write {path}: no folder {folder}")
    if os.path.isdir(path):
        raise UsageError(f"argument {option}: cannot write {path}: it is a folder")
