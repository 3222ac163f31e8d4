"""Run an ordered list of specs and send one final event per test to a reporter.

Tests run one after another on the main stack; whatever one of them (or a
fixture) waits for, the reactor turns for during that wait only (see
:mod:`_host`), so each test starts outside the reactor's loop.  Ctrl-C: the
first stops after the current test and still prints the summary; a second
aborts at once.

Class and module fixtures (:mod:`_fixtures`) run between tests.  A test's
report is held until the fixtures that end with it (``tearDownClass``,
``tearDownModule``) have run, so their problems are part of its one final
event.  When the run stops early (``-x``, Ctrl-C) the teardowns of what was
set up still run.
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
from ._fixtures import Fixtures, with_problems
from ._host import ReactorHost
from ._reporters import Reporter
from ._results import Kind, Problem, RunTotals, Status, TestReport


def load_error_report(spec: TestSpec) -> TestReport:
    problem = Problem(Kind.ERROR, "import", "", spec.load_error or "")
    return TestReport(spec.test_id, Status.ERROR, (problem,))


class Session:
    def __init__(
        self,
        run_test: Callable[[TestSpec], TestReport],
        reporter: Reporter,
        host: ReactorHost,
        fixtures: Fixtures,
        exitfirst: bool = False,
        on_abort: Callable[[], None] | None = None,
        test_interrupted: Callable[[], bool] = lambda: False,
        more_tests: Callable[[], Sequence[TestSpec]] | None = None,
    ) -> None:
        self._run_test = run_test
        # Parallel workers only (see _worker): called when the queue runs dry,
        # returns the next batch from the parent, or nothing when the run is
        # over; its ``stop_requested`` attribute, if true, ends the run after
        # the current test.  None in a serial run: one comparison per test.
        self._more_tests = more_tests
        self.reporter = reporter
        self.host = host
        self.exitfirst = exitfirst
        self._on_abort = on_abort
        self._test_interrupted = test_interrupted
        self.fixtures = fixtures
        self.totals = RunTotals()
        self._queue: deque[TestSpec] = deque()
        self._held: TestReport | None = None  # finished, waiting for its teardowns
        self._failed = False
        self._interrupts = 0
        self._stop_requested = False

    # -- running -----------------------------------------------------------------

    def run(self, specs: Sequence[TestSpec]) -> RunTotals:
        started = time.perf_counter()
        self._queue = deque(specs)
        self.reporter.run_started(len(specs))
        previous = self._install_signals()
        try:
            self._run_queue()
        finally:
            self._restore_signals(previous)
        self.totals.elapsed = time.perf_counter() - started
        self.totals.interrupted = self._stop_requested
        return self.totals

    def _stopping(self, pending: TestReport | None = None) -> bool:
        """Whether to start no more tests; ``pending`` is a report not yet counted."""
        if self._test_interrupted() or self.fixtures.interrupted:
            self._stop_requested = True  # a test or fixture raised KeyboardInterrupt
        if self._stop_requested:
            return True
        if self._more_tests is not None and getattr(self._more_tests, "stop_requested", False):
            return True  # a -j worker the parent told to stop (-x elsewhere): not an interrupt
        if not self.exitfirst:
            return False
        return self._failed or (pending is not None and pending.is_failure)

    def _run_queue(self) -> None:
        while True:
            if not self._queue and self._more_tests is not None and not self._stopping(self._held):
                # Asked before the held report is released, so that the class
                # and module fixtures stay up if the next batch shares them.
                self._queue.extend(self._more_tests())
            next_spec = self._queue[0] if self._queue and not self._stopping(self._held) else None
            problems = self.fixtures.leave(next_spec)
            if self._held is not None:
                held = with_problems(self._held, problems)
                if next_spec is not None and problems and self._stopping(held):
                    # -x, and the teardown was the first failure: stop here too.
                    held = with_problems(held, self.fixtures.leave(None))
                    next_spec = None
                self._held = None
                self._finished(held)
            if next_spec is None:
                return
            spec = self._queue.popleft()
            self.reporter.test_started(spec.test_id)
            if spec.load_error is not None:
                report = load_error_report(spec)
            else:
                blocked = self.fixtures.enter(spec)
                report = blocked.report_for(spec.test_id) if blocked is not None else self._run_test(spec)
            self._held = report

    def _finished(self, report: TestReport) -> None:
        self._failed = self._failed or report.is_failure  # totals.successful is O(tests)
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
        what = "terminated (SIGTERM)" if signum == signal.SIGTERM else "interrupted"
        if self._more_tests is None:  # a -j worker's stderr is its test's output; the parent says it
            sys.stderr.write(f"\ntrialish: {what}, stopping after the current test "
                             "(press Ctrl-C again to abort)\n")
        if not self.host.turning():
            # A test's own code is running on the main stack: interrupt it.
            raise KeyboardInterrupt

    def _install_signals(self) -> Any:
        """Ctrl-C and SIGTERM both stop the run after the current test.

        They stay ours for the whole run: the reactor's loop is never
        entered with Twisted's own handlers (see :mod:`_host`).
        """
        try:
            return {signum: signal.signal(signum, self._on_interrupt)
                    for signum in (signal.SIGINT, signal.SIGTERM)}
        except ValueError:  # not the main thread
            return None

    @staticmethod
    def _restore_signals(previous: Any) -> None:
        for signum, handler in (previous or {}).items():
            try:
                signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
            except (ValueError, TypeError):
                pass
