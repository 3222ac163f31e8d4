"""Run one test: its phases, waiting for Deferreds and coroutines, with timeouts.

A test's procedure (setUp -> test -> cleanups LIFO -> tearDown -> janitor) is
written as a generator that *yields* a :class:`_Wait` whenever a phase hands
back something unfinished.  :meth:`Engine.run` steps it: a Deferred that has
already fired is resumed on the spot, so a synchronous or already-fired test
never costs a reactor turn; only a Deferred that is still waiting makes
``run`` return a Deferred of the report, resumed by the reactor later.

The engine never starts or stops the reactor; the session does (through
:mod:`_reactor`), and only when ``run`` returns a Deferred.
"""

from __future__ import annotations

import gc
import inspect
import sys
import time
import warnings
from typing import Any, Callable, NamedTuple

from twisted.internet.defer import Deferred, TimeoutError as DeferredTimeout
from twisted.python.failure import Failure

from . import _attributes
from ._coroutines import coroutine_deferred
from ._garbage import collect_test_garbage, older_collections
from . import _hygiene
from ._janitor import Janitor
from ._logcapture import LogCapture, TestContext
from ._outcome import TEST_PHASE, Collector, Todo
from ._reactor import on_misuse
from ._results import Kind, TestReport
from ._trial_bridge import adapt_trial_case
from ._waiting import _TIMED_OUT, Procedure, _Wait, _Waiting
from ._watchdog import Watchdog, shared_watchdog
from ._stdlib_bridge import EXPECTED_FAILURE_REASON, SubTestOutcome, is_should_stop, run_stdlib_case

class SynchronousResultError(TypeError):
    """A SynchronousTestCase phase handed back a Deferred or a coroutine."""


SynchronousResultError.__module__ = "trialish"


class GeneratorPhaseError(TypeError):
    """A phase is a generator function: calling it runs none of its body."""


GeneratorPhaseError.__module__ = "trialish"


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
        call_later: Callable[..., Any],
        watchdog: Watchdog | None | str = "shared",
    ) -> None:
        self.settings = settings
        self.logs = logs
        self.janitor = janitor
        self._call_later = call_later
        # Interrupts a test that blocks the thread past its timeout; one per
        # process, since it owns SIGALRM.
        self.watchdog = shared_watchdog() if watchdog == "shared" else watchdog
        self.interrupted = False  # a test raised KeyboardInterrupt
        _hygiene.note_streams(getattr(logs, "reopen_if_deleted", None))
        self._baseline: tuple[str, _hygiene.Snapshot] | None = None  # see _process_state
        self._baseline_group = ""

    # -- entry point -------------------------------------------------------

    def run(self, test_id: str, make_case: Callable[[], Any], method_name: str) -> TestReport | Deferred:
        """Run one test; return its report, or a Deferred of it if it waits."""
        started = time.perf_counter()
        self.janitor.watch()
        context = self.logs.begin_test(test_id)
        collector = Collector(test_id, tb_detail=self.settings.tb_detail)
        procedure = self._procedure(make_case, method_name, collector, context)
        finish = (collector, context, started, older_collections(), self._process_state(test_id))
        return self._step(procedure, None, None, finish)

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

    # -- the driver ----------------------------------------------------------

    def _step(self, procedure: Procedure, send: Any, done: Deferred | None, finish: tuple) -> Any:
        """Advance ``procedure`` until it waits on a Deferred that has not fired."""
        while True:
            try:
                wait = procedure.send(send)
            except StopIteration:
                wait = None
            if wait is None:
                # Outside the ``except`` block: the session may start the next
                # test from done.callback(), and it must not run with a
                # StopIteration as the "current exception" (Failure() would
                # capture it).
                report = self._finish(*finish)
                if done is None:
                    return report
                done.callback(report)
                return None
            box = wait.box
            if box is None:  # a phase's wait has its box already (see _call_phase)
                box = wait.box = []
                wait.deferred.addBoth(box.append)
            if box:
                send = box[0]
                continue
            if done is None:
                done = Deferred()
            self._wait_later(procedure, wait, box, done, finish)
            return done

    def _wait_later(self, procedure: Procedure, wait: _Wait, box: list, done: Deferred, finish: tuple) -> None:
        waiting = _Waiting(self, procedure, wait, box, done, finish)
        # A test that may now wait for a long time leaves its log on disk,
        # unless it was flushed a moment ago (a flush per wait cost more than
        # the rest of the wait's bookkeeping); a test that then hangs has it
        # flushed when its timeout ends the wait.
        self.logs.flush_if_due()
        if wait.timeout is not None:
            waiting.timer = self._call_later(wait.timeout, waiting.on_timeout)
        on_misuse(waiting.misused)
        wait.deferred.addBoth(waiting.on_result)

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

    # -- the procedure -------------------------------------------------------
    #
    # One flat generator per test.  Each phase is a plain call
    # (:meth:`_call_phase`) that settles everything it can on the spot -- no
    # result, an already-fired Deferred, a coroutine that finished without
    # waiting -- and only hands back a :class:`_Wait` when something is still
    # pending; only then does the generator yield.  A test that never waits
    # therefore costs one generator, not a chain of nested ones per phase.

    def _procedure(self, make_case: Callable[[], Any], method_name: str, collector: Collector, context: TestContext) -> Procedure:
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
        try:
            if settings.plain_stdlib:
                wait = self._run_stdlib(case, collector)
                if wait is not None:
                    outcome = yield wait
                    if isinstance(outcome, Failure):
                        self._note(TEST_PHASE, outcome, collector)
            else:
                yield from self._run_phases(case, method_name, settings, collector, context)
            if self.janitor.might_be_dirty():
                yield from self._clean_reactor(collector)
        finally:
            context.stop_warnings(saved_warnings)

    def _run_stdlib(self, case: Any, collector: Collector) -> _Wait | None:
        """A plain stdlib case runs through its own run(), reporting to us.

        ``IsolatedAsyncioTestCase.run()`` starts an asyncio loop of its own,
        which it cannot do inside a running one (``-r asyncio`` once the
        reactor runs): then it runs in a worker thread, and we wait for it
        (the returned wait).
        """
        try:
            if _asyncio_loop_running():
                from twisted.internet.threads import deferToThread

                return _Wait(deferToThread(run_stdlib_case, case, collector, self.settings.on_failure),
                             None, "test")
            run_stdlib_case(case, collector, self.settings.on_failure)
        except BaseException as exc:  # raised outside its test parts, e.g. by run() itself
            self._note(TEST_PHASE, exc, collector)
        return None

    def _run_phases(
        self, case: Any, method_name: str, settings: _attributes.TestSettings, collector: Collector,
        context: TestContext,
    ) -> Procedure:
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
        # repr(case) only if a phase times out: it is not free.
        watchdog = self.watchdog if timeout is not None else None
        try:
            step = self._call_phase("setUp", "setUp", case.setUp, collector, waits, timeout, case, watchdog)
            if step.__class__ is _Wait:
                step = self._waited(step, (yield step), collector, case, watchdog)
            setup_ok = step
            if setup_ok:
                step = self._call_phase(TEST_PHASE, method_name, getattr(case, method_name), collector,
                                        waits, timeout, case, watchdog)
                if step.__class__ is _Wait:
                    self._waited(step, (yield step), collector, case, watchdog)
            cleanups = getattr(case, "_cleanups", None)
            while cleanups:
                function, args, kwargs = cleanups.pop()
                name = getattr(function, "__name__", repr(function))
                step = self._call_phase(
                    "cleanup", f"cleanup function {name}", lambda: function(*args, **kwargs),
                    collector, waits, timeout, case, watchdog,
                )
                if step.__class__ is _Wait:
                    self._waited(step, (yield step), collector, case, watchdog)
            if setup_ok:
                step = self._call_phase("tearDown", "tearDown", case.tearDown, collector, waits, timeout,
                                        case, watchdog)
                if step.__class__ is _Wait:
                    self._waited(step, (yield step), collector, case, watchdog)
        finally:
            if watchdog is not None:
                watchdog.disarm()  # a phase left waiting when the run was abandoned
            # As the stdlib's run() does: without it the case and its outcome
            # form a reference cycle, and every test would be garbage that
            # only the collector can free.
            case._outcome = None

    def _call_phase(
        self, phase: str, label: str, function: Callable[[], Any], collector: Collector,
        waits: bool, timeout: float | None, describe: Any, watchdog: Watchdog | None,
    ) -> bool | _Wait:
        """Call one phase: True or False if it is over (succeeded or not), else what to wait for.

        The watchdog is armed for the phase; it is disarmed here when the
        phase is over, or by :meth:`_waited` once the wait ends.
        """
        if watchdog is not None:
            watchdog.arm(timeout, describe, label)  # type: ignore[arg-type]
        try:
            result = function()
            if result is None:  # by far the most common: nothing to wait for
                if watchdog is not None:
                    watchdog.disarm()
                return True
            if inspect.isgenerator(result):
                # Its body would never run: calling a generator function
                # only makes the generator.  (trial says the same.)
                result.close()
                raise GeneratorPhaseError(
                    f"{label} is a generator function and therefore will never run "
                    "(did you mean 'async def', or @inlineCallbacks?)"
                )
        except BaseException as exc:
            if watchdog is not None:
                watchdog.disarm()
            self._note(phase, exc, collector)
            return False
        is_coroutine = inspect.iscoroutine(result)
        if not (is_coroutine or isinstance(result, Deferred)):
            if watchdog is not None:
                watchdog.disarm()
            return True
        if not waits:
            if isinstance(result, Deferred) and result.called:
                # Already fired: its result is known without waiting (trial
                # passes such tests too), so take it.
                box: list[Any] = []
                result.addBoth(box.append)
                if box and isinstance(box[0], Failure):
                    self._note(phase, box[0], collector)
                    return False
                if box:
                    return True
            _discard(result)
            collector.add(phase, SynchronousResultError(
                f"{label} returned a {'coroutine' if is_coroutine else 'Deferred'}, which a "
                "SynchronousTestCase never waits for: subclass trialish.TestCase instead"
            ))
            return False
        deferred = coroutine_deferred(result) if is_coroutine else result
        wait = _Wait(deferred, timeout, label, coroutine=result if is_coroutine else None, phase=phase)
        box = wait.box = []
        deferred.addBoth(box.append)
        if box:  # it had fired, or the coroutine never had to wait
            return self._waited(wait, box[0], collector, describe, watchdog)
        return wait

    def _waited(
        self, wait: _Wait, outcome: Any, collector: Collector, describe: Any, watchdog: Watchdog | None,
    ) -> bool:
        """A phase's wait is over with ``outcome``: note it; True if the phase succeeded."""
        if watchdog is not None:
            watchdog.disarm()
        phase = wait.phase
        if outcome is _TIMED_OUT:
            message = f"{describe!r} ({wait.label}) still running at {wait.timeout} secs"
            if wait.suspended:
                message += "\nIt was suspended at (innermost last):\n" + "\n".join(wait.suspended)
            if wait.pending_calls:
                message += "\nPending delayed calls:\n" + "\n".join(wait.pending_calls)
            collector.add(phase, DeferredTimeout(message))
            if wait.cancel_error is not None:
                collector.add(phase, wait.cancel_error)
            return False
        if isinstance(outcome, Failure):
            self._note(phase, outcome, collector)
            return False
        return True

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

    def _clean_reactor(self, collector: Collector) -> Procedure:
        """Something may be left: give it two reactor turns to go away, then report and remove it."""
        for _ in range(2):
            yield _Wait(self.janitor.turn(), None, "reactor turn")
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


def _discard(result: Any) -> None:
    """Silence a coroutine or Deferred nobody will wait for."""
    if inspect.iscoroutine(result):
        result.close()
    else:
        result.addErrback(lambda _: None)


def _asyncio_loop_running() -> bool:
    asyncio = sys.modules.get("asyncio")
    return asyncio is not None and asyncio._get_running_loop() is not None


def _failure_of(error: BaseException) -> Failure:
    return Failure(error, type(error), error.__traceback__)
