"""Run one test: its phases in order, each waited for, into one TestReport.

setUp -> test -> cleanups (last added first) -> tearDown -> janitor, each
called by the one phase caller (:mod:`_phases`), which waits -- turning the
reactor -- for whatever Deferred or coroutine a phase hands back.  A test
that never waits never turns the reactor; one that does starts outside the
reactor's loop like every other (the model is trial's, see :mod:`_host`).

All phases of one test run in one ``contextvars.Context``, as in the
stdlib's ``IsolatedAsyncioTestCase``: a ContextVar set in ``async def
setUp`` is seen by the test and by tearDown.

:meth:`Engine.run` may be re-entered: a test may run another TestCase
(``case.run(result)``), which comes back here (:mod:`_foreign`).
"""

from __future__ import annotations

import contextvars
import gc
import time
import warnings
from typing import Any, Callable, NamedTuple

from twisted.python.failure import Failure

from . import _attributes
from . import _hygiene
from ._garbage import collect_test_garbage, older_collections
from ._host import ReactorHost, set_iterate_warning
from ._janitor import Janitor
from ._logcapture import LogCapture, TestContext
from ._outcome import TEST_PHASE, Collector, Todo
from ._phases import GeneratorPhaseError, PhaseCaller, SynchronousResultError, popped_cleanups
from ._results import Kind, TestReport
from ._stdlib_bridge import EXPECTED_FAILURE_REASON, SubTestOutcome, is_should_stop, run_stdlib_case
from ._trial_bridge import adapt_trial_case
from ._watchdog import Watchdog, shared_watchdog

__all__ = ["Engine", "EngineSettings", "GeneratorPhaseError", "SynchronousResultError"]


class EngineSettings(NamedTuple):
    """How the engine runs every test (immutable; a NamedTuple, cheaper to
    define at start-up than a frozen dataclass)."""

    default_timeout: float = 120.0
    tb_detail: str = "default"
    unclean_warnings: bool = False  # a dirty reactor is a warning, not an ERROR
    force_gc: bool = False  # a full collection after every test (--force-gc)
    # Called with every error or failure a phase raises, before it becomes
    # text: the hook for --debug's post-mortem.
    on_failure: Callable[[Failure], None] | None = None


class Engine:
    """Runs tests one at a time and turns each into a single TestReport."""

    def __init__(
        self,
        settings: EngineSettings,
        logs: LogCapture,
        janitor: Janitor,
        host: ReactorHost,
        watchdog: Watchdog | None | str = "shared",
    ) -> None:
        self.settings = settings
        self.logs = logs
        self.janitor = janitor
        self.host = host
        # Interrupts a test that blocks the thread past its timeout; one per
        # process, since it owns SIGALRM.
        self.watchdog = shared_watchdog() if watchdog == "shared" else watchdog
        self.phases = PhaseCaller(host, self.watchdog, janitor.pending_call_lines,
                                  logs.flush_if_due, logs.flush)
        self.interrupted = False  # a test raised KeyboardInterrupt
        _hygiene.note_streams(getattr(logs, "reopen_if_deleted", None))
        self._baseline: tuple[str, _hygiene.Snapshot] | None = None  # see _process_state
        self._baseline_group = ""
        self._depth = 0  # tests running: more than one while a test runs another

    # -- entry point -------------------------------------------------------

    def run(self, test_id: str, make_case: Callable[[], Any], method_name: str) -> TestReport:
        """Run one test and return its report."""
        if self._depth:
            return self._run_nested(test_id, make_case, method_name)
        started = time.perf_counter()
        self.janitor.watch()
        context = self.logs.begin_test(test_id)
        collector = Collector(test_id, tb_detail=self.settings.tb_detail)
        collections = older_collections()
        process_state = self._process_state(test_id)
        self._depth = 1
        try:
            self._run_test(make_case, method_name, collector, context)
        finally:
            self._depth = 0
        return self._finish(collector, context, started, collections, process_state)

    def _run_nested(self, test_id: str, make_case: Callable[[], Any], method_name: str) -> TestReport:
        """A test runs another: the outer test's process checks cover both, and
        its watchdog deadline and log context come back when the inner ends."""
        started = time.perf_counter()
        context = self.logs.begin_test(test_id)
        collector = Collector(test_id, tb_detail=self.settings.tb_detail)
        armed = self.watchdog.save() if self.watchdog is not None else None
        self._depth += 1
        try:
            self._run_test(make_case, method_name, collector, context)
        finally:
            self._depth -= 1
            if self.watchdog is not None:
                self.watchdog.restore(armed)
        return self._report(collector, context, started)

    def _process_state(self, test_id: str) -> _hygiene.Snapshot:
        """The snapshot this test's changes to the process are measured against.

        After a test that changed nothing, the process is exactly as in the
        snapshot ``restore()`` just checked, so the next test of the same class
        reuses it instead of taking a new one.  Between classes the session
        may run class and module fixtures, whose changes are legitimate: a
        new class always gets a fresh snapshot.
        """
        group = test_id.rpartition(".")[0]
        baseline, self._baseline = self._baseline, None  # consumed; re-armed by _finish
        if baseline is not None and baseline[0] == group:
            return baseline[1]
        self._baseline_group = group
        return _hygiene.take()

    def _finish(
        self, collector: Collector, context: TestContext, started: float, collections: int,
        process_state: _hygiene.Snapshot,
    ) -> TestReport:
        # First, so that a closed sys.stdout or a lost log observer is back
        # before anything below (or the reporter) needs it.
        leftovers = _hygiene.restore(process_state)
        self._baseline = None if leftovers else (self._baseline_group, process_state)
        if self.settings.force_gc:
            gc.collect()
        else:
            collect_test_garbage(collections)
        return self._report(collector, context, started, leftovers)

    def _report(self, collector: Collector, context: TestContext, started: float,
                leftovers: list[str] | None = None) -> TestReport:
        """The test's one report: its problems, its logged errors and its warnings."""
        for failure in context.take_errors():
            from ._failures import format_failure

            collector.add_text(
                Kind.ERROR, "log", f"{failure.type.__module__}.{failure.type.__qualname__}",
                format_failure(failure, self.settings.tb_detail),
            )
        warning_lines = context.warning_lines()
        if leftovers:
            warning_lines.extend(leftovers)
        self.logs.end_test(context)
        return collector.finish(time.perf_counter() - started, warning_lines)

    # -- the test ------------------------------------------------------------

    def _run_test(self, make_case: Callable[[], Any], method_name: str, collector: Collector,
                  context: TestContext) -> None:
        try:
            case = make_case()
        except BaseException as exc:
            collector.add("construct", exc)
            return
        settings = _attributes.settings_for(case, method_name)
        if settings.skip is not None:
            collector.skip(str(settings.skip))
            return
        case._trialish = context
        saved_warnings = context.start_warnings(settings.suppress)
        set_iterate_warning(settings.waits)
        try:
            if settings.plain_stdlib:
                self._run_stdlib(case, collector)
            else:
                self._run_phases(case, method_name, settings, collector, context)
            if self.janitor.might_be_dirty():
                self._clean_reactor(collector)
        finally:
            context.stop_warnings(saved_warnings)

    def _run_stdlib(self, case: Any, collector: Collector) -> None:
        """A plain stdlib case runs through its own run(), reporting to us."""
        try:
            run_stdlib_case(case, collector, self.settings.on_failure)
        except BaseException as exc:  # raised outside its test parts, e.g. by run() itself
            self._note(TEST_PHASE, exc, collector)

    def _run_phases(
        self, case: Any, method_name: str, settings: _attributes.TestSettings, collector: Collector,
        context: TestContext,
    ) -> None:
        collector.failure_exception = getattr(case, "failureException", AssertionError)
        todo = Todo.from_attribute(settings.todo) if settings.todo is not None else None
        if todo is None and settings.expects_failure:
            todo = Todo(EXPECTED_FAILURE_REASON)
        collector.todo = todo
        case._outcome = SubTestOutcome(collector, case, self.settings.on_failure)
        if settings.trial:
            adapt_trial_case(case, context)
        waits = settings.waits
        timeout = None
        if waits:
            try:
                timeout = _attributes.checked_timeout(
                    settings.timeout, method_name, self.settings.default_timeout
                )
            except _attributes.TimeoutValueError as exc:
                collector.add("setUp", exc)
                return
        variables = contextvars.copy_context()

        def passed(phase: str, label: str, function: Callable[[], Any]) -> bool:
            errors = self.phases.call(label, function, waits, timeout, case, variables)
            for error in errors:
                self._note(phase, error, collector)
            return not errors

        try:
            setup_ok = passed("setUp", "setUp", case.setUp)
            if setup_ok:
                passed(TEST_PHASE, method_name, getattr(case, method_name))
            for name, cleanup in popped_cleanups(getattr(case, "_cleanups", None)):
                passed("cleanup", f"cleanup function {name}", cleanup)
            if setup_ok:
                passed("tearDown", "tearDown", case.tearDown)
        finally:
            # As the stdlib's run() does: without it the case and its outcome
            # form a reference cycle, and every test would be garbage that
            # only the collector can free.
            case._outcome = None

    def _note(self, phase: str, error: Any, collector: Collector) -> None:
        if is_should_stop(error):
            return  # a subtest ended the test on purpose (see SubTestOutcome)
        if isinstance(error, KeyboardInterrupt) or (
            isinstance(error, Failure) and error.check(KeyboardInterrupt)
        ):
            self.interrupted = True
        kind = collector.add(phase, error)
        if self.settings.on_failure is not None and kind is not Kind.SKIP:
            self.settings.on_failure(error if isinstance(error, Failure) else _failure_of(error))

    def _clean_reactor(self, collector: Collector) -> None:
        """Something may be left: give it two reactor turns to go away, then report and remove it."""
        for _ in range(2):
            try:
                self.phases.turn()
            except Exception as exc:  # e.g. inside another test's wait: the outer test's janitor will see it
                collector.add("janitor", exc)
                return
            if not self.janitor.might_be_dirty():
                return
        text = self.janitor.clean()
        if not text:
            return
        if self.settings.unclean_warnings:
            from ._janitor import DirtyReactorWarning

            message = text.split("DirtyReactorAggregateError: ", 1)[-1].rstrip("\n")
            warnings.warn(message, DirtyReactorWarning)
        else:
            collector.add_text(Kind.ERROR, "janitor", "trialish.DirtyReactorAggregateError", text)


def _failure_of(error: BaseException) -> Failure:
    return Failure(error, type(error), error.__traceback__)
