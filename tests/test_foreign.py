"""trialish's TestCase run by another runner: run(result) and debug() go through the engine.

These run trialish's engine in this process on purpose (it is the subject);
the verdict comes from the stdlib's TestResult and from exceptions, not from
trialish's reporting.  The black-box proof across runners is test_other_runners.
"""

from __future__ import annotations

import unittest

from twisted.internet import defer, reactor, task

import trialish

from ._support import TestCase


def _subjects() -> dict[str, type]:
    class Subject(trialish.TestCase):
        def test_fails_later(self) -> defer.Deferred:
            return task.deferLater(reactor, 0, self.fail, "failed later")

        async def test_errors_after_a_wait(self) -> None:
            await task.deferLater(reactor, 0, lambda: None)
            raise KeyError("after a wait")

        def test_passes_later(self) -> defer.Deferred:
            return task.deferLater(reactor, 0, lambda: None)

        def test_skipped(self) -> None:
            raise AssertionError("must not run")

        test_skipped.skip = "not here"  # type: ignore[attr-defined]

        def test_todo(self) -> None:
            self.fail("expected")

        test_todo.todo = "later"  # type: ignore[attr-defined]

    return {"Subject": Subject}


class RunWithAStdlibResult(TestCase):
    def _run(self, name: str) -> unittest.TestResult:
        result = unittest.TestResult()
        _subjects()["Subject"](name).run(result)
        self.assertEqual(result.testsRun, 1)
        return result

    def test_each_outcome_reaches_the_result(self) -> None:
        self.assertEqual(len(self._run("test_fails_later").failures), 1)
        errors = self._run("test_errors_after_a_wait").errors
        self.assertEqual(len(errors), 1)
        self.assertIn("KeyError: 'after a wait'", errors[0][1])
        self.assertTrue(self._run("test_passes_later").wasSuccessful())
        self.assertEqual(self._run("test_skipped").skipped[0][1], "not here")
        self.assertEqual(len(self._run("test_todo").expectedFailures), 1)
        self.assertFalse(reactor.running)

    def test_no_result_makes_its_own(self) -> None:
        result = _subjects()["Subject"]("test_passes_later").run()
        self.assertTrue(result.wasSuccessful())


class Debug(TestCase):
    def test_debug_raises_what_made_the_test_fail(self) -> None:
        subject = _subjects()["Subject"]
        with self.assertRaisesRegex(trialish.FailTest, "failed later"):
            subject("test_fails_later").debug()
        with self.assertRaises(KeyError):
            subject("test_errors_after_a_wait").debug()
        with self.assertRaises(unittest.SkipTest):
            subject("test_skipped").debug()
        subject("test_passes_later").debug()
        subject("test_todo").debug()  # an expected failure is no failure
