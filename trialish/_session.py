"""Run an ordered list of specs and send one final event per test to a reporter.

Tests run one after another on the main stack for as long as they finish
synchronously.  The first test that waits makes the session start the
reactor (once) and carry on from inside it; when the last test is done the
reactor is stopped.  Ctrl-C: the first stops after the current test and
still prints the summary; a second aborts at once.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections import deque
from types import FrameType
from typing import Any, Callable, Sequence

from ._discovery import TestSpec
from ._reactor import ReactorHost
from ._reporters import Reporter
from ._results import Kind, Problem, RunTotals, Status, TestReport


def load_error_report(spec: TestSpec) -> TestReport:
    problem = Problem(Kind.ERROR, "import", "", spec.load_error or "")
    return TestReport(spec.test_id, Status.ERROR, (problem,))


def _reactor_stopped_report(spec: TestSpec) -> TestReport:
    text = (
        "Traceback (most recent call last):\nFailure: trialish.ReactorStoppedError: "
        "not run: an earlier test stopped the reactor (tests must never call "
        "reactor.stop() or reactor.crash())\n"
    )
    return TestReport(spec.test_id, Status.ERROR, (Problem(Kind.ERROR, "session", "", text),))


class Session:
    def __init__(
        self,
        run_test: Callable[[TestSpec], Any],
        reporter: Reporter,
        host: ReactorHost,
        exitfirst: bool = False,
        on_abort: Callable[[], None] | None = None,
        test_interrupted: Callable[[], bool] = lambda: False,
    ) -> None:
        self._run_test = run_test
        self.reporter = reporter
        self.host = host
        self.exitfirst = exitfirst
        self._on_abort = on_abort
        self._test_interrupted = test_interrupted
        self.totals = RunTotals()
        self.internal_error: Any = None
        self._queue: deque[TestSpec] = deque()
        self._waiting = False
        self._done = False
        self._interrupts = 0
        self._stop_requested = False

    # -- running -----------------------------------------------------------------

    def run(self, specs: Sequence[TestSpec]) -> RunTotals:
        started = time.perf_counter()
        self._queue = deque(specs)
        self.reporter.run_started(len(specs))
        previous = self._install_signals()
        self.host.when_running(self._install_signals)
        try:
            self._advance()
            if self._waiting:
                self.host.run_until_done(lambda: None)
            if not self._done and self.internal_error is None:
                # Something stopped the reactor under us; nothing more can wait.
                self._waiting = False
                while self._queue and not self._stopping():
                    spec = self._queue.popleft()
                    self.reporter.test_started(spec.test_id)
                    self._finished(_reactor_stopped_report(spec))
        finally:
            self._restore_signals(previous)
        self.totals.elapsed = time.perf_counter() - started
        self.totals.interrupted = self._stop_requested
        return self.totals

    def _stopping(self) -> bool:
        if self._test_interrupted():
            self._stop_requested = True  # a test raised KeyboardInterrupt
        if self._stop_requested:
            return True
        return self.exitfirst and not self.totals.successful

    def _advance(self) -> None:
        """Run tests until one waits on the reactor, or until none are left."""
        while self._queue and not self._stopping():
            spec = self._queue.popleft()
            self.reporter.test_started(spec.test_id)
            if spec.load_error is not None:
                self._finished(load_error_report(spec))
                continue
            outcome = self._run_test(spec)
            if isinstance(outcome, TestReport):
                self._finished(outcome)
                continue
            self._waiting = True
            outcome.addCallback(self._resume)
            outcome.addErrback(self._crashed)
            return
        self._done = True
        self.host.stop()

    def _resume(self, report: TestReport) -> None:
        self._waiting = False
        self._finished(report)
        self._advance()

    def _crashed(self, failure: Any) -> None:
        """A bug in trialish itself: stop everything and let main() say so."""
        self.internal_error = failure
        self._done = True
        self.host.stop()

    def _finished(self, report: TestReport) -> None:
        self.totals.reports.append(report)
        self.reporter.test_finished(report)

    # -- Ctrl-C --------------------------------------------------------------------

    def request_stop(self) -> None:
        self._stop_requested = True

    def _on_interrupt(self, signum: int, frame: FrameType | None) -> None:
        self._interrupts += 1
        if self._interrupts > 1:
            sys.stderr.write("\ntrialish: interrupted twice, aborting\n")
            if self._on_abort is not None:
                self._on_abort()
            os._exit(2)
        self._stop_requested = True
        sys.stderr.write("\ntrialish: interrupted, stopping after the current test "
                         "(press Ctrl-C again to abort)\n")
        if not self.host.running:
            # A synchronous test is running on the main stack: interrupt it.
            raise KeyboardInterrupt

    def _install_signals(self) -> Any:
        try:
            return signal.signal(signal.SIGINT, self._on_interrupt)
        except ValueError:  # not the main thread
            return None

    @staticmethod
    def _restore_signals(previous: Any) -> None:
        if previous is not None:
            try:
                signal.signal(signal.SIGINT, previous)
            except ValueError:
                pass
