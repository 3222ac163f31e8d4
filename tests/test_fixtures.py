"""Class and module fixtures: setUpClass/tearDownClass, setUpModule/tearDownModule.

The black-box tests run the ``std_fixtures`` samples, which append what ran
to the file named by ``$EVENTS``; where the classes are plain stdlib ones,
the same events are compared with ``python -m unittest``'s.  The unit tests
drive a :class:`Session` in-process with a fake engine.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import unittest
from typing import Any

from trialish._fixtures import Blocked, with_problems
from trialish._fixtures import Fixtures
from trialish._phases import PhaseCaller
from trialish._host import ReactorHost
from trialish._results import Kind, Problem, Status, TestReport
from trialish._session import Session
from trialish._specs import TestSpec

from ._support import REPO, TestCase, copy_sample, outcome_lines, summary_blocks, trialish


class _Sample:
    """A fresh copy of ``std_fixtures`` and its events file."""

    def __init__(self, test: TestCase) -> None:
        self.folder = copy_sample("std_fixtures", os.path.abspath(test.mktemp()))
        self.events_file = os.path.join(self.folder, "events.txt")

    def events(self) -> list[str]:
        if not os.path.exists(self.events_file):
            return []
        with open(self.events_file, encoding="utf-8") as handle:
            lines = handle.read().splitlines()
        os.remove(self.events_file)
        return lines

    def trialish(self, *args: str) -> Any:
        return trialish("--reporter=bwverbose", *args, cwd=self.folder, env={"EVENTS": self.events_file})

    def unittest(self, *modules: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, EVENTS=self.events_file)
        return subprocess.run([sys.executable, "-m", "unittest", *modules], cwd=self.folder, env=env,
                              capture_output=True, text=True, timeout=60)


class StdlibFixtures(TestCase):
    def test_run_around_each_class_and_module_as_unittest_runs_them(self) -> None:
        sample = _Sample(self)
        run = sample.trialish("test_events")
        self.assertEqual(run.code, 0, run)
        self.assertEqual(outcome_lines(run.out), [
            ("test_events.A.test_1", "OK"), ("test_events.A.test_2", "OK"), ("test_events.B.test_1", "OK")])
        ours = sample.events()
        self.assertEqual(ours, [
            "setUpModule", "A.setUpClass", "A.test_1", "A.test_2", "A.tearDownClass", "A class cleanup",
            "B.setUpClass", "B.test_1", "B.tearDownClass", "tearDownModule", "module cleanup"])
        sample.unittest("test_events")
        self.assertEqual(sample.events(), ours)

    def test_failing_class_fixtures_give_each_test_one_report(self) -> None:
        sample = _Sample(self)
        run = sample.trialish("test_broken")
        self.assertEqual(run.code, 1, run)
        self.assertEqual(outcome_lines(run.out), [
            ("test_broken.SetUpFails.test_a", "ERROR"), ("test_broken.SetUpFails.test_b", "ERROR"),
            ("test_broken.SetUpSkips.test_a", "SKIPPED"), ("test_broken.SetUpSkips.test_b", "SKIPPED"),
            ("test_broken.SkippedClass.test_a", "SKIPPED"),
            ("test_broken.TearDownFails.test_a", "OK"), ("test_broken.TearDownFails.test_b", "ERROR")], run)
        self.assertIn("FAILED (skips=3, errors=3, successes=1)", run.out)
        found = dict((ids[0], (text, ids)) for text, ids in summary_blocks(run.out))
        # setUpClass's traceback is printed once, followed by every test it stopped.
        text, ids = found["test_broken.SetUpFails.test_a"]
        self.assertEqual(ids, ["test_broken.SetUpFails.test_a", "test_broken.SetUpFails.test_b"])
        self.assertTrue(text.startswith("[ERROR]\nNot run: setUpClass (test_broken.SetUpFails) failed.\n"
                                        "Traceback (most recent call last):\n"), text)
        self.assertTrue(text.endswith("builtins.RuntimeError: no database"), text)
        self.assertEqual(run.out.count("builtins.RuntimeError: no database"), 1)
        # tearDownClass's problem belongs to the class's last test.
        text, ids = found["test_broken.TearDownFails.test_b"]
        self.assertIn("tearDownClass (test_broken.TearDownFails), run after this test, failed.", text)
        self.assertTrue(text.endswith("builtins.ValueError: could not drop the table"), text)
        self.assertEqual(found["test_broken.SetUpSkips.test_a"][0], "[SKIPPED]\nno network")
        ours = sample.events()
        self.assertEqual(ours, ["SetUpFails cleanup", "TearDownFails.test_a", "TearDownFails.test_b",
                                "TearDownFails.tearDownClass"])
        sample.unittest("test_broken")
        self.assertEqual(sample.events(), ours)

    def test_failing_and_skipping_module_fixtures(self) -> None:
        sample = _Sample(self)
        run = sample.trialish("test_module_broken", "test_module_skip", "test_module_teardown")
        self.assertEqual(run.code, 1, run)
        self.assertEqual(outcome_lines(run.out), [
            ("test_module_broken.One.test_x", "ERROR"), ("test_module_broken.Two.test_y", "ERROR"),
            ("test_module_skip.Gpu.test_kernel", "SKIPPED"),
            ("test_module_teardown.Only.test_first", "OK"), ("test_module_teardown.Only.test_last", "ERROR")])
        found = dict((ids[-1], text) for text, ids in summary_blocks(run.out))
        self.assertIn("Not run: setUpModule (test_module_broken) failed.", found["test_module_broken.Two.test_y"])
        last = found["test_module_teardown.Only.test_last"]
        # The test's own failure and the module's teardown: one ERROR with both.
        self.assertIn("builtins.AssertionError: a failure of its own", last)
        self.assertIn("tearDownModule (test_module_teardown), run after this test, failed.", last)
        self.assertIn("builtins.KeyError: 'lost the lock file'", last)
        self.assertEqual(sample.events(), ["module_teardown.tearDownModule"])


class WaitingFixtures(TestCase):
    def test_trialish_testcase_fixtures_may_wait(self) -> None:
        sample = _Sample(self)
        run = sample.trialish("test_async_fixtures", "test_fixture_timeout")
        self.assertEqual(outcome_lines(run.out), [
            ("test_async_fixtures.FailsLater.test_never", "ERROR"),
            ("test_async_fixtures.SyncReturnsDeferred.test_never", "ERROR"),
            ("test_async_fixtures.Waits.test_ready", "OK"), ("test_async_fixtures.Waits.test_waits_too", "OK"),
            ("test_fixture_timeout.Stuck.test_never", "ERROR")], run)
        self.assertEqual(sample.events(), ["async setUpModule", "Waits.tearDownClass", "Waits class cleanup",
                                           "async tearDownModule"])
        self.assertIn("builtins.RuntimeError: failed after waiting", run.out)
        self.assertIn("trialish.SynchronousResultError: setUpClass (test_async_fixtures.SyncReturnsDeferred) "
                      "returned a Deferred", run.out)
        self.assertIn("TimeoutError: setUpClass (test_fixture_timeout.Stuck) still running at 0.2 secs",
                      run.out)


class StoppingEarly(TestCase):
    def test_exitfirst_still_runs_the_teardowns(self) -> None:
        sample = _Sample(self)
        run = sample.trialish("-x", "test_stop_early.FailsFirst")
        self.assertEqual(outcome_lines(run.out), [("test_stop_early.FailsFirst.test_1", "FAILURE")], run)
        self.assertEqual(sample.events(), ["FailsFirst.tearDownClass", "tearDownModule"])

    def test_ctrl_c_still_runs_the_teardowns(self) -> None:
        sample = _Sample(self)
        env = dict(os.environ, PYTHONPATH=REPO, EVENTS=sample.events_file)
        process = subprocess.Popen(
            [sys.executable, "-m", "trialish", "--reporter=bwverbose", "test_stop_early.Interrupted"],
            cwd=sample.folder, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL, text=True)
        started = os.path.join(sample.folder, "_trial_temp", "started")
        deadline = time.monotonic() + 60
        while not os.path.exists(started):
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                self.fail(f"the first test never started: {process.communicate()}")
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 2, (out, err))
        self.assertEqual(outcome_lines(out), [("test_stop_early.Interrupted.test_a_waits", "OK")], out)
        self.assertEqual(sample.events(), ["Interrupted.tearDownClass", "tearDownModule"])


# -- in process: the session's bookkeeping ------------------------------------------


EVENTS: list[str] = []


class _A:  # not a TestCase, so the runner running this file does not collect it
    @classmethod
    def setUpClass(cls) -> None:
        EVENTS.append("A up")

    @classmethod
    def tearDownClass(cls) -> None:
        EVENTS.append("A down")
        if getattr(cls, "fail_teardown", False):
            raise RuntimeError("A down failed")

    def test_1(self) -> None:
        pass


class _B:
    @classmethod
    def setUpClass(cls) -> None:
        EVENTS.append("B up")

    @classmethod
    def tearDownClass(cls) -> None:
        EVENTS.append("B down")

    def test_1(self) -> None:
        pass


class _Recorder:
    def __init__(self) -> None:
        self.calls: list[str] = []

    def run_started(self, total: int) -> None:
        pass

    def test_started(self, test_id: str) -> None:
        self.calls.append(f"started {test_id}")

    def test_finished(self, report: TestReport) -> None:
        self.calls.append(f"finished {report.test_id} {report.status.name}")
        EVENTS.append(f"reported {report.test_id}")

    def run_finished(self, totals: Any) -> None:
        pass


def _run(specs: list[TestSpec], status: Status = Status.OK, exitfirst: bool = False) -> _Recorder:
    def run_test(spec: TestSpec) -> TestReport:
        EVENTS.append(f"run {spec.test_id}")
        return TestReport(spec.test_id, status)

    recorder = _Recorder()
    host = ReactorHost()
    phases = PhaseCaller(host, None, list, lambda: None, lambda: None)
    Session(run_test, recorder, host, Fixtures(phases), exitfirst=exitfirst).run(specs)
    return recorder


def _spec(cls: type, name: str = "test_1", suffix: str = "") -> TestSpec:
    return TestSpec(f"{cls.__qualname__}.{name}{suffix}", cls, name)


class SessionFixtures(TestCase):
    def setUp(self) -> None:
        EVENTS.clear()
        self.addCleanup(EVENTS.clear)

    def test_a_class_that_comes_back_is_set_up_again(self) -> None:
        """Shuffled orders: fixtures run per run of consecutive tests, as in unittest."""
        _run([_spec(_A), _spec(_B), _spec(_A, suffix="again")])
        self.assertEqual(EVENTS, [
            "A up", "run _A.test_1", "A down", "reported _A.test_1",
            "B up", "run _B.test_1", "B down", "reported _B.test_1",
            "A up", "run _A.test_1again", "A down", "reported _A.test_1again"])

    def test_the_last_report_waits_for_the_teardown_and_carries_its_problem(self) -> None:
        _A.fail_teardown = True  # type: ignore[attr-defined]
        self.addCleanup(delattr, _A, "fail_teardown")
        recorder = _run([_spec(_A), _spec(_B)])
        self.assertEqual(recorder.calls, [
            "started _A.test_1", "finished _A.test_1 ERROR", "started _B.test_1", "finished _B.test_1 OK"])
        self.assertEqual(EVENTS[:4], ["A up", "run _A.test_1", "A down", "reported _A.test_1"])

    def test_exitfirst_tears_down_before_stopping(self) -> None:
        recorder = _run([_spec(_A), _spec(_B)], status=Status.FAIL, exitfirst=True)
        self.assertEqual(recorder.calls, ["started _A.test_1", "finished _A.test_1 FAIL"])
        self.assertEqual(EVENTS, ["A up", "run _A.test_1", "A down", "reported _A.test_1"])

    def test_load_errors_need_no_fixtures(self) -> None:
        recorder = _run([TestSpec("broken", load_error="boom\n"), _spec(_A)])
        self.assertEqual(recorder.calls, ["started broken", "finished broken ERROR",
                                          "started _A.test_1", "finished _A.test_1 OK"])


class Reports(TestCase):
    problem = Problem(Kind.ERROR, "tearDownClass (m.C)", "builtins.ValueError", "text\n")

    def test_teardown_problems_make_any_test_an_error(self) -> None:
        for status in Status:
            own = (Problem(Kind.FAILURE, "test", "x", "own\n"),)
            report = with_problems(TestReport("t", status, own, reason="why"), [self.problem])
            self.assertIs(report.status, Status.ERROR)
            kept = own if status in (Status.FAIL, Status.ERROR) else ()
            self.assertEqual(report.problems, kept + (self.problem,), status)

    def test_no_problems_leave_the_report_alone(self) -> None:
        report = TestReport("t", Status.SKIP, reason="r")
        self.assertIs(with_problems(report, []), report)

    def test_blocked_tests_are_errors_or_skips(self) -> None:
        self.assertEqual(Blocked((self.problem,)).report_for("t"), TestReport("t", Status.ERROR, (self.problem,)))
        self.assertEqual(Blocked(skip_reason="no net").report_for("t"),
                         TestReport("t", Status.SKIP, reason="no net"))


class SkippedClasses(TestCase):
    def test_skip_decorator_and_trials_skip_attribute_skip_the_fixtures(self) -> None:
        from trialish._fixtures import _class_skipped

        @unittest.skip("decorated")
        class Decorated(unittest.TestCase):
            pass

        class Attribute(unittest.TestCase):
            skip = "trial's way"

        class Imported(unittest.TestCase):
            skip = unittest.skip  # an imported name is not a setting

        self.assertTrue(_class_skipped(Decorated))
        self.assertTrue(_class_skipped(Attribute))
        self.assertFalse(_class_skipped(Imported))
        self.assertFalse(_class_skipped(_A))


class ExitFirstOnTeardown(TestCase):
    def setUp(self) -> None:
        EVENTS.clear()
        self.addCleanup(EVENTS.clear)

    def test_a_failing_teardown_stops_the_run_under_exitfirst(self) -> None:
        _A.fail_teardown = True  # type: ignore[attr-defined]
        self.addCleanup(delattr, _A, "fail_teardown")
        recorder = _run([_spec(_A), _spec(_B)], exitfirst=True)
        self.assertEqual(recorder.calls, ["started _A.test_1", "finished _A.test_1 ERROR"])
