"""The engine: phases, waiting, timeouts.

Black-box: the samples eng_phases and eng_timeouts run in a subprocess (each
once, shared by the tests of a class).  Unit: the Engine runs cases in this
process with a fake clock and a fake janitor, so nothing waits for real.
"""

from __future__ import annotations

import inspect
import io
import os
from typing import Any

from twisted.internet import defer, task
from twisted.python.failure import Failure

import trialish
from trialish._engine import Engine, EngineSettings
from trialish._logcapture import LogCapture
from trialish._results import Kind, Status, TestReport

from ._support import Run, TestCase, block_of, run_sample, statuses


# -- black-box: phases -----------------------------------------------------------


class PhasesBlackBox(TestCase):
    def run_phases(self) -> tuple[Run, dict[str, str], list[str]]:
        run = run_sample("eng_phases", "test_phases")
        return run, statuses(run.out), run.temp_file("phases.txt").splitlines()

    def test_every_phase_can_wait_in_order(self) -> None:
        run, found, lines = self.run_phases()
        self.assertEqual(found["test_phases.Waiting.test_async_def"], "[OK]", run)
        self.assertEqual([line for line in lines if line.startswith("waiting:")], [
            "waiting: setUp",
            "waiting: test",
            "waiting: cleanup Deferred",  # last registered, first run
            "waiting: cleanup coroutine",
            "waiting: cleanup async def",
            "waiting: tearDown",
        ])

    def test_already_fired_deferreds_and_returned_coroutine(self) -> None:
        run, found, lines = self.run_phases()
        self.assertEqual(found["test_phases.AlreadyFired.test_returns_coroutine"], "[OK]", run)
        self.assertEqual([line for line in lines if line.startswith("fired:")], [
            "fired: setUp", "fired: test", "fired: cleanup", "fired: tearDown",
        ])

    def test_failing_setup_runs_only_its_cleanups(self) -> None:
        run, found, lines = self.run_phases()
        test_id = "test_phases.SetUpFails.test_never_runs"
        self.assertEqual(found[test_id], "[ERROR]", run)
        self.assertIn("builtins.ValueError: setUp broke later", block_of(run.out, test_id))
        self.assertEqual([line for line in lines if line.startswith("setup-fails:")],
                         ["setup-fails: cleanup"])

    def test_failing_cleanup_deferred_is_an_error_and_the_rest_runs(self) -> None:
        run, found, lines = self.run_phases()
        test_id = "test_phases.CleanupFails.test_passes"
        self.assertEqual(found[test_id], "[ERROR]", run)
        self.assertIn("builtins.KeyError: 'cleanup broke'", block_of(run.out, test_id))
        self.assertEqual([line for line in lines if line.startswith("cleanup-fails:")], [
            "cleanup-fails: test", "cleanup-fails: other cleanup", "cleanup-fails: tearDown",
        ])

    def test_generator_test_is_an_error(self) -> None:
        run, found, lines = self.run_phases()
        test_id = "test_phases.Generator.test_generator"
        self.assertEqual(found[test_id], "[ERROR]", run)
        self.assertIn("test_generator is a generator function and therefore will never run",
                      block_of(run.out, test_id))
        self.assertNotIn("generator: body ran", lines)

    def test_synchronous_case_refuses_to_wait(self) -> None:
        run, found, lines = self.run_phases()
        for method, kind in (("test_returns_deferred", "Deferred"), ("test_async_def", "coroutine")):
            test_id = f"test_phases.Synchronous.{method}"
            self.assertEqual(found[test_id], "[ERROR]", run)
            block = block_of(run.out, test_id)
            self.assertIn(f"{method} returned a {kind}", block)
            self.assertIn("subclass trialish.TestCase instead", block)
        self.assertNotIn("synchronous: coroutine body ran", lines)
        self.assertNotIn("never awaited", run.err)

    def test_counts_exit_code_and_no_trialish_frames(self) -> None:
        run, found, _ = self.run_phases()
        self.assertEqual(len(found), 7, run)
        self.assertIn("FAILED (errors=5, successes=2)", run.out)
        self.assertEqual(run.code, 1)
        self.assertNotIn(os.sep + "trialish" + os.sep, run.out)


# -- black-box: timeouts ---------------------------------------------------------


class TimeoutsBlackBox(TestCase):
    def run_timeouts(self) -> tuple[Run, dict[str, str]]:
        run = run_sample("eng_timeouts", "--timeout", "0.2", "slowpkg", "test_stuck")
        return run, statuses(run.out)

    def assertTimedOut(self, test_id: str, phase: str, seconds: str) -> None:
        run, found = self.run_timeouts()
        self.assertEqual(found[test_id], "[ERROR]", run)
        module, cls, method = test_id.rsplit(".", 2)
        self.assertIn(
            f"twisted.internet.defer.TimeoutError: <{module}.{cls} testMethod={method}> "
            f"({phase}) still running at {seconds} secs\n",
            block_of(run.out, test_id),
        )

    def test_method_attribute(self) -> None:
        self.assertTimedOut("slowpkg.test_module_level.ModuleLevel.test_method_timeout",
                            "test_method_timeout", "0.1")

    def test_class_attribute_through_the_mro(self) -> None:
        self.assertTimedOut("slowpkg.test_module_level.InheritsClass.test_class_timeout",
                            "test_class_timeout", "0.15")

    def test_module_attribute(self) -> None:
        self.assertTimedOut("slowpkg.test_module_level.ModuleLevel.test_module_timeout",
                            "test_module_timeout", "0.25")

    def test_package_attribute(self) -> None:
        self.assertTimedOut("slowpkg.test_levels.PackageLevel.test_package_timeout",
                            "test_package_timeout", "0.3")

    def test_command_line_default(self) -> None:
        self.assertTimedOut("test_stuck.CommandLine.test_hangs", "test_hangs", "0.2")
        _, found = self.run_timeouts()
        self.assertEqual(found["test_stuck.CommandLine.test_quick_wait"], "[OK]")

    def test_stuck_test_is_cancelled_then_cleanups_and_teardown_run(self) -> None:
        self.assertTimedOut("test_stuck.StuckTest.test_stuck", "test_stuck", "0.1")
        ran = self.run_timeouts()[0].temp_file("ran.txt").splitlines()
        self.assertEqual([line for line in ran if line.startswith("test:")],
                         ["test: Deferred cancelled", "test: cleanup", "test: tearDown"])

    def test_stuck_coroutine_is_cancelled(self) -> None:
        self.assertTimedOut("test_stuck.StuckCoroutine.test_stuck", "test_stuck", "0.1")
        self.assertIn("coroutine: finally block ran",
                      self.run_timeouts()[0].temp_file("ran.txt").splitlines())

    def test_stuck_setup_names_the_phase_and_skips_test_and_teardown(self) -> None:
        self.assertTimedOut("test_stuck.StuckSetUp.test_not_run", "setUp", "0.1")
        ran = self.run_timeouts()[0].temp_file("ran.txt").splitlines()
        self.assertEqual([line for line in ran if line.startswith("setUp:")], ["setUp: cleanup"])

    def test_stuck_teardown_names_the_phase(self) -> None:
        self.assertTimedOut("test_stuck.StuckTearDown.test_passes", "tearDown", "0.1")
        self.assertIn("tearDown: cleanup", self.run_timeouts()[0].temp_file("ran.txt").splitlines())

    def test_bad_timeout_values_are_errors(self) -> None:
        run, found = self.run_timeouts()
        for method, words in (
            ("test_not_a_number", "must be a number of seconds, got 'soon'"),
            ("test_negative", "must be a number of seconds >= 0, got -1"),
        ):
            test_id = f"test_stuck.BadValues.{method}"
            self.assertEqual(found[test_id], "[ERROR]", run)
            self.assertIn(f"trialish.TimeoutValueError: {method}: its timeout attribute {words}",
                          block_of(run.out, test_id))
        self.assertNotIn("bad: test ran", run.temp_file("ran.txt"))

    def test_one_line_per_test(self) -> None:
        run, found = self.run_timeouts()
        self.assertEqual(len(found), 12, run)
        self.assertIn("FAILED (errors=11, successes=1)", run.out)


# -- unit: the Engine in this process ----------------------------------------------


class _QuietJanitor:
    """A janitor that never finds anything (the real reactor is the outer run's)."""

    def __init__(self, leftovers: str = "") -> None:
        self.leftovers = leftovers

    def watch(self) -> None:
        pass

    def pending_call_lines(self) -> list[str]:
        return []

    def might_be_dirty(self) -> bool:
        return bool(self.leftovers)

    def clean(self) -> str:
        text, self.leftovers = self.leftovers, ""
        return text


class _ClockHost:
    """A reactor host whose waits run a script against a task.Clock, not the reactor.

    ``during_wait`` is called once per wait, as the reactor's turning would
    be: it fires Deferreds or advances the clock.  A wait that has not ended
    after it is "stopped", which the engine must report, never hang on.
    """

    def __init__(self) -> None:
        self.clock = task.Clock()
        self.waits = 0
        self.turns = 0
        self.during_wait: Any = lambda: None

    def turn(self) -> Any:
        self.turns += 1
        return defer.succeed(None)

    def wait(self, waiting: Any) -> None:
        self.waits += 1
        if waiting.timeout is not None:
            timer = self.clock.callLater(waiting.timeout, waiting.time_out)
        waiting.deferred.addBoth(waiting.fired)
        self.during_wait()
        if waiting.timeout is not None and timer.active():
            timer.cancel()
        if not waiting.ended:
            waiting.ended = waiting.stopped = True


class EngineUnit(TestCase):
    def setUp(self) -> None:
        self.host = _ClockHost()
        self.clock = self.host.clock
        self.log = io.StringIO()
        self.janitor = _QuietJanitor()
        self.engine = self.make_engine()

    def make_engine(self, janitor: Any = None, **settings: Any) -> Engine:
        return Engine(EngineSettings(**settings), LogCapture(self.log), janitor or self.janitor,
                      self.host, watchdog=None)  # type: ignore[arg-type]

    def run_case(self, case_class: type, method: str = "body", engine: Engine | None = None) -> Any:
        return (engine or self.engine).run(f"unit.{case_class.__name__}.{method}",
                                           lambda: case_class(method), method)

    def finished(self, outcome: Any) -> TestReport:
        self.assertIsInstance(outcome, TestReport)
        return outcome

    def test_synchronous_phases_in_order_without_waiting(self) -> None:
        calls: list[str] = []

        class Case(trialish.SynchronousTestCase):
            def setUp(self) -> None:
                calls.append("setUp")
                self.addCleanup(calls.append, "cleanup registered first")
                self.addCleanup(calls.append, "cleanup registered last")

            def body(self) -> None:
                calls.append("test")

            def tearDown(self) -> None:
                calls.append("tearDown")

        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.OK)
        self.assertEqual(calls, ["setUp", "test", "cleanup registered last",
                                 "cleanup registered first", "tearDown"])
        self.assertIn("--> unit.Case.body <--", self.log.getvalue())
        self.assertEqual(self.host.waits, 0)

    def test_fired_deferreds_and_coroutines_cost_no_wait(self) -> None:
        class Case(trialish.TestCase):
            def setUp(self) -> Any:
                self.addCleanup(lambda: defer.succeed(None))
                return defer.succeed(None)

            async def body(self) -> None:
                await defer.succeed(None)

            def tearDown(self) -> Any:
                return defer.succeed(None)

        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.OK)
        self.assertEqual(self.host.waits, 0)

    def test_unfired_deferred_waits_until_it_fires(self) -> None:
        pending: defer.Deferred = defer.Deferred()

        class Case(trialish.TestCase):
            def body(self) -> Any:
                return pending

        def during_wait() -> None:
            [timer] = self.clock.getDelayedCalls()
            self.assertEqual(timer.getTime(), 120.0)  # the default timeout
            pending.callback("done")

        self.host.during_wait = during_wait
        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.OK)
        self.assertEqual(self.host.waits, 1)
        self.assertEqual(self.clock.getDelayedCalls(), [])  # the timer was cancelled

    def test_failure_after_waiting_is_reported(self) -> None:
        pending: defer.Deferred = defer.Deferred()

        class Case(trialish.TestCase):
            def body(self) -> Any:
                return pending

        self.host.during_wait = lambda: pending.errback(Failure(KeyError("late")))
        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.ERROR)
        self.assertIn("builtins.KeyError: 'late'", report.problems[0].text)

    def test_a_wait_the_loop_abandons_is_an_error_not_a_hang(self) -> None:
        class Case(trialish.TestCase):
            def body(self) -> Any:
                return defer.Deferred()

        report = self.finished(self.run_case(Case))  # during_wait fires nothing
        self.assertEqual(report.status, Status.ERROR)
        self.assertIn("trialish.ReactorStoppedError: the reactor's loop ended while body waited",
                      report.problems[0].text)

    def test_timeout_cancels_then_cleanups_and_teardown_run(self) -> None:
        calls: list[str] = []

        class Case(trialish.TestCase):
            timeout = 0.5

            def setUp(self) -> None:
                self.addCleanup(calls.append, "cleanup")

            def body(self) -> Any:
                return defer.Deferred(lambda _: calls.append("cancelled"))

            def tearDown(self) -> None:
                calls.append("tearDown")

        def during_wait() -> None:
            self.clock.advance(0.4)
            self.assertEqual(calls, [])
            self.clock.advance(0.1)

        self.host.during_wait = during_wait
        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.ERROR)
        self.assertEqual(calls, ["cancelled", "cleanup", "tearDown"])
        [problem] = report.problems
        self.assertRegex(problem.text, r"TimeoutError: <tests\.test_engine\.\S+\.Case "
                                       r"testMethod=body> \(body\) still running at 0\.5 secs\n")

    def test_timeout_with_a_canceller_that_raises(self) -> None:
        def canceller(_: Any) -> None:
            raise RuntimeError("canceller broke")

        class Case(trialish.TestCase):
            timeout = 1

            def body(self) -> Any:
                return defer.Deferred(canceller)

        self.host.during_wait = lambda: self.clock.advance(1)
        report = self.finished(self.run_case(Case))  # finished: the run does not hang
        self.assertEqual(report.status, Status.ERROR)
        self.assertEqual([p.type_name for p in report.problems],
                         ["twisted.internet.defer.TimeoutError", "builtins.RuntimeError"])
        self.assertIn("canceller broke", report.problems[1].text)

    def test_engine_trouble_in_the_janitor_is_raised_not_hidden(self) -> None:
        class BrokenJanitor(_QuietJanitor):
            def clean(self) -> str:
                raise RuntimeError("a bug in trialish")

        engine = self.make_engine(janitor=BrokenJanitor("dirty"))

        class Case(trialish.SynchronousTestCase):
            def body(self) -> None:
                pass

        with self.assertRaisesRegex(RuntimeError, "a bug in trialish"):
            self.run_case(Case, engine=engine)
        self.assertEqual(self.host.turns, 2)  # two turns to go away first

    def test_settings_give_the_default_timeout(self) -> None:
        self.assertEqual(EngineSettings().default_timeout, 120.0)

        class Case(trialish.TestCase):
            def body(self) -> Any:
                return defer.Deferred()

        def during_wait() -> None:
            [timer] = self.clock.getDelayedCalls()
            self.assertEqual(timer.getTime(), 3.0)
            self.clock.advance(3)

        self.host.during_wait = during_wait
        report = self.finished(self.run_case(Case, engine=self.make_engine(default_timeout=3.0)))
        self.assertIn("still running at 3.0 secs", report.problems[0].text)

    def test_async_phases_share_one_context(self) -> None:
        import contextvars

        variable: contextvars.ContextVar[str] = contextvars.ContextVar("variable", default="unset")
        pending: defer.Deferred = defer.Deferred()
        seen: list[str] = []

        class Case(trialish.TestCase):
            async def setUp(self) -> None:
                await pending
                variable.set("from setUp")

            def body(self) -> None:
                seen.append(variable.get())

            async def tearDown(self) -> None:
                seen.append(variable.get())

        self.host.during_wait = lambda: pending.callback(None)
        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.OK, report.problems)
        self.assertEqual(seen, ["from setUp", "from setUp"])
        self.assertEqual(variable.get(), "unset")  # the test's own context, not ours

    def test_failing_setup_skips_test_and_teardown_but_runs_cleanups(self) -> None:
        calls: list[str] = []

        class Case(trialish.TestCase):
            def setUp(self) -> None:
                self.addCleanup(calls.append, "cleanup")
                raise RuntimeError("no setUp")

            def body(self) -> None:
                calls.append("test")

            def tearDown(self) -> None:
                calls.append("tearDown")

        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.ERROR)
        self.assertEqual(calls, ["cleanup"])
        self.assertEqual([p.phase for p in report.problems], ["setUp"])

    def test_problems_of_every_phase_make_one_report(self) -> None:
        class Case(trialish.TestCase):
            def setUp(self) -> None:
                self.addCleanup(lambda: defer.fail(ValueError("cleanup")))

            def body(self) -> None:
                self.fail("test")

            def tearDown(self) -> None:
                raise TypeError("tearDown")

        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.ERROR)
        self.assertEqual([(p.phase, p.kind) for p in report.problems], [
            ("test", Kind.FAILURE), ("cleanup", Kind.ERROR), ("tearDown", Kind.ERROR),
        ])

    def test_generator_phase_is_an_error(self) -> None:
        class Case(trialish.TestCase):
            def body(self) -> Any:
                yield None

            def cleanup(self) -> Any:
                yield None

        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.ERROR)
        self.assertIn("body is a generator function and therefore will never run",
                      report.problems[0].text)

        class WithCleanup(trialish.TestCase):
            def body(self) -> None:
                self.addCleanup(self.cleanup)

            def cleanup(self) -> Any:
                yield None

        report = self.finished(self.run_case(WithCleanup))
        self.assertEqual(report.status, Status.ERROR)
        self.assertEqual(report.problems[0].phase, "cleanup")

    def test_synchronous_case_returning_a_coroutine_closes_it(self) -> None:
        made: list[Any] = []

        class Case(trialish.SynchronousTestCase):
            def body(self) -> Any:
                async def never() -> None:
                    made.append("ran")

                made.append(never())
                return made[0]

        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.ERROR)
        self.assertIn("trialish.SynchronousResultError: body returned a coroutine",
                      report.problems[0].text)
        self.assertEqual(inspect.getcoroutinestate(made[0]), inspect.CORO_CLOSED)
        self.assertEqual(len(made), 1)  # its body never ran

    def test_bad_timeout_attribute_is_an_error_before_setup(self) -> None:
        calls: list[str] = []

        class Case(trialish.TestCase):
            timeout = "soon"

            def setUp(self) -> None:
                calls.append("setUp")

            def body(self) -> None:
                calls.append("test")

        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.ERROR)
        self.assertIn("trialish.TimeoutValueError", report.problems[0].text)
        self.assertEqual(calls, [])

    def test_janitor_leftovers_are_one_more_problem_of_the_same_report(self) -> None:
        self.janitor.leftovers = "Traceback (most recent call last):\nFailure: dirty\n"

        class Case(trialish.SynchronousTestCase):
            def body(self) -> None:
                pass

        report = self.finished(self.run_case(Case))
        self.assertEqual(report.status, Status.ERROR)
        self.assertEqual([(p.phase, p.type_name) for p in report.problems],
                         [("janitor", "trialish.DirtyReactorAggregateError")])
        self.assertEqual(self.host.turns, 2)  # two chances to go away first

    def test_logged_error_makes_the_test_an_error_unless_flushed(self) -> None:
        logs = self.engine.logs

        def log_error(message: str) -> None:
            logs.observe({"log_failure": Failure(ValueError(message)), "log_format": "oops",
                          "log_system": "-", "log_time": 0.0})

        class Logs(trialish.SynchronousTestCase):
            def body(self) -> None:
                log_error("not flushed")

        class Flushes(trialish.SynchronousTestCase):
            def body(self) -> None:
                log_error("flushed")
                assert len(self.flushLoggedErrors(ValueError)) == 1

        report = self.finished(self.run_case(Logs))
        self.assertEqual(report.status, Status.ERROR)
        self.assertEqual(report.problems[0].phase, "log")
        self.assertIn("builtins.ValueError: not flushed", report.problems[0].text)
        self.assertEqual(self.finished(self.run_case(Flushes)).status, Status.OK)

    def test_skip_and_todo_attributes(self) -> None:
        class Skipped(trialish.SynchronousTestCase):
            skip = "not here"

            def body(self) -> None:
                raise AssertionError("must not run")

        class Expected(trialish.SynchronousTestCase):
            def body(self) -> None:
                raise ValueError("expected")

            body.todo = (ValueError, "later")  # type: ignore[attr-defined]

        skipped = self.finished(self.run_case(Skipped))
        self.assertEqual((skipped.status, skipped.reason), (Status.SKIP, "not here"))
        expected = self.finished(self.run_case(Expected))
        self.assertEqual((expected.status, expected.reason), (Status.TODO, "later"))
        self.assertEqual(expected.expected_errors, ("builtins.ValueError",))

    def test_keyboard_interrupt_is_noted(self) -> None:
        class Case(trialish.SynchronousTestCase):
            def body(self) -> None:
                raise KeyboardInterrupt()

        self.assertFalse(self.engine.interrupted)
        self.finished(self.run_case(Case))
        self.assertTrue(self.engine.interrupted)

    def test_unclean_warnings_turn_leftovers_into_a_warning(self) -> None:
        self.janitor.leftovers = (
            "Traceback (most recent call last):\n"
            "Failure: trialish.DirtyReactorAggregateError: Reactor was unclean.\nSelectables:\n<x>\n"
        )

        class Case(trialish.SynchronousTestCase):
            def body(self) -> None:
                pass

        report = self.finished(self.run_case(Case, engine=self.make_engine(unclean_warnings=True)))
        self.assertEqual((report.status, report.problems), (Status.OK, ()))
        [line] = report.warnings
        self.assertIn("DirtyReactorWarning: Reactor was unclean.\nSelectables:\n<x>", line)

    def test_on_failure_sees_errors_and_failures_but_not_skips(self) -> None:
        seen: list[Failure] = []

        class Fails(trialish.SynchronousTestCase):
            def body(self) -> None:
                self.fail("no")

        class Errs(trialish.TestCase):
            def body(self) -> Any:
                return defer.fail(KeyError("k"))

        class Skips(trialish.SynchronousTestCase):
            def body(self) -> None:
                raise self.skipTest("later")

        engine = self.make_engine(on_failure=seen.append)
        for case_class in (Fails, Errs, Skips):
            self.finished(self.run_case(case_class, engine=engine))
        self.assertEqual([f.type.__name__ for f in seen], ["FailTest", "KeyError"])
        self.assertIsNotNone(seen[0].getTracebackObject())

    def test_force_gc_collects_everything_after_each_test(self) -> None:
        import gc

        collected: list[int] = []

        def on_gc(phase: str, info: dict[str, Any]) -> None:
            if phase == "start":
                collected.append(info["generation"])

        class Case(trialish.SynchronousTestCase):
            def body(self) -> None:
                del collected[:]

        gc.callbacks.append(on_gc)
        try:
            self.finished(self.run_case(Case, engine=self.make_engine(force_gc=True)))
        finally:
            gc.callbacks.remove(on_gc)
        self.assertIn(2, collected)

    def test_method_settings_override_cached_class_settings(self) -> None:
        class Case(trialish.SynchronousTestCase):
            skip = "whole class"

            def body(self) -> None:
                pass

            def other(self) -> None:
                pass

            other.skip = "just this one"  # type: ignore[attr-defined]

        self.assertEqual(self.finished(self.run_case(Case)).reason, "whole class")
        self.assertEqual(self.finished(self.run_case(Case, "other")).reason, "just this one")
        self.assertEqual(self.finished(self.run_case(Case)).reason, "whole class")
