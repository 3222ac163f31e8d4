"""The TestCase API: trial's assertions, mktemp, patch, the old names.

Most checks call the methods on a trialish case (the subject) in this
process.  The ones that need a whole run (logged errors, warnings) are the
eng_outcomes sample's, which trialish runs in a subprocess.
"""

from __future__ import annotations

import os
import sys
import unittest
from twisted.internet import defer
from twisted.python.failure import Failure

import trialish
from trialish import FailTest
from trialish._compat import _ALIASES

from ._support import TestCase, block_of, new_folder, run_sample, statuses

PATCH_TARGET = "original"


def _subject() -> trialish.SynchronousTestCase:
    """A trialish case whose methods are called directly.

    Made here, not at module level: it has trialish's ``runTest``, so
    ``python -m unittest`` would collect it as a test.
    """

    class Subject(trialish.SynchronousTestCase):
        def check(self) -> None:
            pass

    return Subject("check")


async def _answer() -> int:
    return 42


async def _broken() -> int:
    raise KeyError("from a coroutine")


class AssertFailure(TestCase):
    def setUp(self) -> None:
        self.subject = _subject()

    def test_expected_failure_gives_the_exception(self) -> None:
        error = ValueError("x")
        result = self.successResultOf(self.subject.assertFailure(defer.fail(error), KeyError, ValueError))
        self.assertIs(result, error)

    def test_success_fails_saying_what_it_got(self) -> None:
        failure = self.failureResultOf(self.subject.assertFailure(defer.succeed(3), ValueError), FailTest)
        self.assertEqual(str(failure.value), "did not catch an error, instead got 3")

    def test_wrong_type_fails_naming_expected_and_actual(self) -> None:
        checked = self.subject.assertFailure(defer.fail(KeyError("k")), ValueError)
        message = str(self.failureResultOf(checked, FailTest).value)
        self.assertIn("Expected: (<class 'ValueError'>,)", message)
        self.assertIn("KeyError", message)

    def test_accepts_a_coroutine(self) -> None:
        error = self.successResultOf(self.subject.assertFailure(_broken(), KeyError))
        self.assertIsInstance(error, KeyError)

    def test_old_name(self) -> None:
        self.assertEqual(trialish.SynchronousTestCase.failUnlessFailure,
                         trialish.SynchronousTestCase.assertFailure)


class ResultsOf(TestCase):
    def setUp(self) -> None:
        self.subject = _subject()

    def test_success_result_of(self) -> None:
        d = defer.succeed("value")
        self.assertEqual(self.subject.successResultOf(d), "value")
        self.assertEqual(self.subject.successResultOf(d), "value")  # still usable
        self.assertEqual(self.subject.successResultOf(_answer()), 42)

    def test_success_result_of_without_result(self) -> None:
        with self.assertRaises(FailTest) as caught:
            self.subject.successResultOf(defer.Deferred())
        self.assertIn("Success result expected on", str(caught.exception))
        self.assertIn("found no result instead", str(caught.exception))

    def test_success_result_of_a_failure_consumes_it(self) -> None:
        d = defer.fail(ValueError("bad"))
        with self.assertRaises(FailTest) as caught:
            self.subject.successResultOf(d)
        self.assertIn("found failure result instead", str(caught.exception))
        self.assertIn("builtins.ValueError: bad", str(caught.exception))
        # Handled: nothing left to be logged as "Unhandled error in Deferred".
        self.assertIsNone(self.successResultOf(d))

    def test_failure_result_of(self) -> None:
        d = defer.fail(KeyError("k"))
        failure = self.subject.failureResultOf(d, ValueError, KeyError)
        self.assertIsInstance(failure, Failure)
        self.assertEqual(failure.value.args, ("k",))
        self.assertIsNone(self.successResultOf(d))
        self.assertEqual(self.subject.failureResultOf(_broken()).type, KeyError)

    def test_failure_result_of_wrong_type_or_success_or_nothing(self) -> None:
        with self.assertRaises(FailTest) as caught:
            self.subject.failureResultOf(defer.fail(KeyError("k")), ValueError)
        self.assertIn("Failure of type (builtins.ValueError) expected on", str(caught.exception))
        with self.assertRaises(FailTest) as caught:
            self.subject.failureResultOf(defer.succeed(5))
        self.assertIn("found success result (5) instead", str(caught.exception))
        with self.assertRaises(FailTest) as caught:
            self.subject.failureResultOf(defer.Deferred())
        self.assertIn("found no result instead", str(caught.exception))

    def test_assert_no_result_lets_a_later_result_through(self) -> None:
        d: defer.Deferred = defer.Deferred()
        self.subject.assertNoResult(d)
        d.callback("later")
        self.assertEqual(self.successResultOf(d), "later")
        later_failure: defer.Deferred = defer.Deferred()
        self.subject.assertNoResult(later_failure)
        later_failure.errback(ValueError("later"))
        self.assertEqual(self.failureResultOf(later_failure).type, ValueError)

    def test_assert_no_result_with_a_result(self) -> None:
        with self.assertRaises(FailTest) as caught:
            self.subject.assertNoResult(defer.succeed("here"))
        self.assertIn("No result expected on", str(caught.exception))
        self.assertIn("found 'here' instead", str(caught.exception))
        failed = defer.fail(ValueError("here"))
        self.assertRaises(FailTest, self.subject.assertNoResult, failed)
        self.assertIsNone(self.successResultOf(failed))  # consumed, not logged later


class LoggedErrorsAndWarnings(TestCase):
    """eng_outcomes/test_flushing.py: these need trialish running the test (one run, shared)."""

    def assertPassedInside(self, method: str) -> None:
        run = run_sample("eng_outcomes", "test_flushing")
        self.assertEqual(statuses(run.out).get(f"test_flushing.Flushing.{method}"), "[OK]", run)
        self.assertIn("Ran 4 tests in ", run.out, run)
        self.assertEqual((run.code, run.err), (0, ""), run)
        # Not only trialish's word for it: the test got past its last check.
        self.assertTrue(os.path.exists(os.path.join(run.cwd, "_trial_temp", f"reached-{method}")),
                        f"{method} did not reach its end:\n{run}")

    def test_flush_logged_errors_by_type(self) -> None:
        self.assertPassedInside("test_flush_logged_errors_by_type")

    def test_flush_warnings_of_one_function(self) -> None:
        self.assertPassedInside("test_flush_warnings_of_one_function")

    def test_assert_warns_stdlib_form(self) -> None:
        self.assertPassedInside("test_assert_warns_stdlib_form")

    def test_assert_warns_trial_form(self) -> None:
        self.assertPassedInside("test_assert_warns_trial_form")


class TempAndPatch(TestCase):
    def test_mktemp_gives_unique_paths_under_the_temp_dir(self) -> None:
        saved = os.getcwd()
        os.chdir(new_folder(self))  # trialish's temp directory, when trialish runs a test
        self.addCleanup(os.chdir, saved)
        subject = _subject()
        first, second = subject.mktemp(), subject.mktemp()
        self.assertNotEqual(first, second)
        for path in (first, second):
            self.assertFalse(os.path.exists(path))
            self.assertTrue(os.path.isdir(os.path.dirname(path)))
            self.assertTrue(path.startswith(os.getcwd() + os.sep))
        # module, class and method, each cut to 32 characters (as trial does)
        long_name = type("A" * 40, (type(subject),), {"test_" + "m" * 40: lambda self: None})
        third = long_name("test_" + "m" * 40).mktemp()
        self.assertIn(os.path.join(os.getcwd(), "tests.test_testcase", "A" * 32,
                                   "test_" + "m" * 27, ""), third)

    def test_patch_is_undone_by_the_cleanups(self) -> None:
        module = sys.modules[__name__]
        subject = _subject()
        subject.patch(module, "PATCH_TARGET", "patched")
        subject.patch(module, "NOT_THERE_BEFORE", "new")
        self.assertEqual((PATCH_TARGET, getattr(module, "NOT_THERE_BEFORE")), ("patched", "new"))
        subject.doCleanups()
        self.assertEqual(PATCH_TARGET, "original")
        self.assertFalse(hasattr(module, "NOT_THERE_BEFORE"))

    def test_patch_restore_by_hand_is_idempotent(self) -> None:
        module = sys.modules[__name__]
        subject = _subject()
        patched = subject.patch(module, "PATCH_TARGET", "patched")
        patched.restore()
        self.assertEqual(PATCH_TARGET, "original")
        module.PATCH_TARGET = "changed later"  # type: ignore[attr-defined]
        self.addCleanup(setattr, module, "PATCH_TARGET", "original")
        patched.restore()
        subject.doCleanups()  # the cleanup's restore must not undo the change above
        self.assertEqual(PATCH_TARGET, "changed later")


class OldNames(TestCase):
    def setUp(self) -> None:
        self.subject = _subject()

    def test_every_alias_calls_its_target(self) -> None:
        passing = {
            "assertTrue": (True,), "assertFalse": (False,), "assertEqual": (1, 1),
            "assertNotEqual": (1, 2), "assertIs": (None, None), "assertIsNot": (None, 1),
            "assertIn": (1, [1]), "assertNotIn": (2, [1]), "assertAlmostEqual": (1.0, 1.0),
            "assertNotAlmostEqual": (1.0, 2.0), "assertIsInstance": (1, int),
            "assertNotIsInstance": (1, str),
        }
        failing = {
            "assertTrue": (False,), "assertFalse": (True,), "assertEqual": (1, 2),
            "assertNotEqual": (1, 1), "assertIs": (None, 1), "assertIsNot": (None, None),
            "assertIn": (2, [1]), "assertNotIn": (1, [1]), "assertAlmostEqual": (1.0, 2.0),
            "assertNotAlmostEqual": (1.0, 1.0), "assertIsInstance": (1, str),
            "assertNotIsInstance": (1, int),
        }
        for target, names in _ALIASES.items():
            for name in names:
                getattr(self.subject, name)(*passing[target])
                with self.assertRaises(FailTest, msg=name):
                    getattr(self.subject, name)(*failing[target])

    def test_trial_only_assertions(self) -> None:
        self.assertEqual(self.subject.assertApproximates(1.0, 1.05, 0.1), 1.0)
        self.assertRaises(FailTest, self.subject.failUnlessApproximates, 1.0, 2.0, 0.1)
        self.subject.assertSubstring("at", "cat")
        self.assertRaises(FailTest, self.subject.failUnlessSubstring, "dog", "cat")
        self.subject.failIfSubstring("dog", "cat")
        self.assertRaises(FailTest, self.subject.assertNotSubstring, "at", "cat")

    def test_assert_raises_call_form_returns_the_exception(self) -> None:
        error = self.subject.failUnlessRaises(ValueError, int, "not a number")
        self.assertIsInstance(error, ValueError)
        with self.assertRaises(FailTest) as caught:
            self.subject.assertRaises(ValueError, int, "12")
        self.assertIn("not raised (12 returned)", str(caught.exception))
        with self.assertRaises(FailTest) as caught:
            self.subject.assertRaises(KeyError, int, "x")
        self.assertIn("raised instead of ValueError", str(caught.exception))
        with self.subject.assertRaises(ZeroDivisionError):
            1 / 0


class Accessors(TestCase):
    def test_get_skip_get_todo_get_timeout(self) -> None:
        class Case(trialish.TestCase):
            timeout = 3

            def check(self) -> None:
                pass

            check.skip = "no"  # type: ignore[attr-defined]
            check.todo = (KeyError, "later")  # type: ignore[attr-defined]

        case = Case("check")
        self.assertEqual(case.getSkip(), (True, "no"))
        self.assertEqual((case.getTodo().reason, case.getTodo().errors), ("later", (KeyError,)))
        self.assertEqual(case.getTimeout(), 3.0)

    def test_still_runs_under_the_stdlib_runner(self) -> None:
        class Case(trialish.SynchronousTestCase):
            def check(self) -> None:
                self.assertEquals(1, 2)

        result = unittest.TestResult()
        Case("check").run(result)
        self.assertEqual((result.testsRun, len(result.failures)), (1, 1))


class AssertionsBlackBox(TestCase):
    """eng_outcomes/test_assertions.py, run by trialish in a subprocess."""

    def outcome(self, test: str) -> tuple[str, str]:
        run = run_sample("eng_outcomes", "marked", "test_assertions")
        test_id = f"test_assertions.{test}"
        found = statuses(run.out)
        block = block_of(run.out, test_id) if found.get(test_id) != "[OK]" else ""
        return found.get(test_id, f"missing from:\n{run}"), block

    def test_assert_failure(self) -> None:
        self.assertEqual(self.outcome("AssertFailure.test_fails_as_expected"), ("[OK]", ""))
        status, block = self.outcome("AssertFailure.test_succeeds_instead")
        self.assertEqual(status, "[FAILURE]")
        # The check itself is not user code: no frame at all, as in trial.
        self.assertIn("Traceback (most recent call last):\nFailure: trialish.FailTest: "
                      "did not catch an error, instead got 'a result'\n", block)
        status, block = self.outcome("AssertFailure.test_wrong_type")
        self.assertEqual(status, "[FAILURE]")
        self.assertIn("Expected: (<class 'ValueError'>, <class 'TypeError'>)", block)
        self.assertIn("<class 'KeyError'>: 'k'", block)

    def test_failures_inside_callbacks_show_only_user_frames(self) -> None:
        for test, line in (
            ("InCallbacks.test_assert_in_callback",
             "    return later(1).addCallback(lambda value: self.assertEqual(value, 2))\n"),
            ("InCallbacks.test_assert_after_await", "    self.assertEqual(value, 4)\n"),
        ):
            status, block = self.outcome(test)
            self.assertEqual(status, "[FAILURE]")
            self.assertIn("Traceback (most recent call last):\n  File ", block)
            self.assertIn(line + "trialish.FailTest: ", block)
            for noise in ("defer.py", "failure.py", os.path.join("unittest", "case.py"),
                          os.sep + "trialish" + os.sep):
                self.assertNotIn(noise, block)

    def test_patch_is_undone_for_the_next_test(self) -> None:
        self.assertEqual(self.outcome("Patching.test_a_patch"), ("[OK]", ""))
        self.assertEqual(self.outcome("Patching.test_b_undone"), ("[OK]", ""))

    def test_no_leftover_noise(self) -> None:
        run = run_sample("eng_outcomes", "marked", "test_assertions")
        self.assertEqual(run.err, "")
