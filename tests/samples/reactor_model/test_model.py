"""What trial's reactor model promises a test, and what trialish adds to it."""
import asyncio
import contextvars
import sys
import unittest

from twisted.internet import defer, protocol, reactor, task, utils

import trialish

VARIABLE = contextvars.ContextVar("VARIABLE", default="unset")


class Phases(trialish.TestCase):
    async def setUp(self):
        await task.deferLater(reactor, 0, lambda: None)
        VARIABLE.set("set in async setUp")

    async def test_contextvar_from_setup(self):
        self.assertEqual(VARIABLE.get(), "set in async setUp")
        await task.deferLater(reactor, 0, lambda: None)
        VARIABLE.set("set in the test")

    def tearDown(self):
        assert VARIABLE.get() == "set in the test", VARIABLE.get()


class Processes(trialish.TestCase):
    def test_a_child_process_ends_and_is_reaped(self):
        # SIGCHLD handling serves every wait, though no wait installs it.
        return utils.getProcessOutput(sys.executable, ["-c", "print('child')"]).addCallback(
            lambda out: self.assertEqual(out.strip(), b"child"))

    def test_z_again(self):
        return utils.getProcessValue(sys.executable, ["-c", "import sys; sys.exit(3)"]).addCallback(
            self.assertEqual, 3)


class Nested(trialish.SynchronousTestCase):
    """A test that runs other TestCases, as tests of test helpers do."""

    def _run(self, case):
        result = unittest.TestResult()
        case.run(result)
        return result

    def test_runs_a_trialish_case_that_waits(self):
        class Inner(trialish.TestCase):
            def test_fails_later(self):
                return task.deferLater(reactor, 0, self.fail, "inner failure")

        result = self._run(Inner("test_fails_later"))
        self.assertEqual((result.testsRun, len(result.failures), len(result.errors)), (1, 1, 0))
        self.assertIn("inner failure", result.failures[0][1])

    def test_runs_a_trial_case_that_waits(self):
        from twisted.trial import unittest as trial_unittest

        class Inner(trial_unittest.TestCase):
            def test_waits(self):
                return task.deferLater(reactor, 0, lambda: None)

        result = self._run(Inner("test_waits"))
        self.assertTrue(result.wasSuccessful(), result.errors)
        self.assertFalse(reactor.running)

    def test_iterate_outside_a_wait(self):
        fired = task.deferLater(reactor, 0, lambda: "turned")
        reactor.iterate(0)
        self.assertEqual(self.successResultOf(fired), "turned")


class NoStaleException(trialish.TestCase):
    """trialish's own exception handling never shows as a test exception's __context__."""

    def _check(self):
        assert sys.exc_info() == (None, None, None), sys.exc_info()
        try:
            raise ValueError("raised by the test")
        except ValueError as error:
            assert error.__context__ is None, repr(error.__context__)

    def test_a_fails_first(self):
        raise ZeroDivisionError("an earlier failure, already handled by the runner")

    def test_b_sync(self):
        self._check()

    async def test_c_after_a_wait(self):
        await task.deferLater(reactor, 0, lambda: None)
        self._check()
