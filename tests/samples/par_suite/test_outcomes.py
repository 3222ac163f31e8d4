"""Every outcome, in trial's, trialish's and the stdlib's TestCases: the report
of a -j run must be the serial run's."""

import unittest as stdlib

from twisted.internet import defer, reactor, task
from twisted.python import log
from twisted.trial import unittest


class Outcomes(unittest.TestCase):
    def test_pass(self):
        log.msg("a line in test.log")
        with open("test_pass.txt", "w"):  # in the working directory: _trial_temp/N/ under -j
            pass

    def test_fail(self):
        self.fail("one is not two")

    def test_error(self):
        raise ValueError("boom")

    def test_skip(self):
        raise unittest.SkipTest("not today")

    def test_todo(self):
        self.fail("expected")

    test_todo.todo = "not done"

    def test_todo_error(self):
        raise KeyError("expected too")

    test_todo_error.todo = (KeyError, "a KeyError is expected")

    def test_unexpected(self):
        pass

    test_unexpected.todo = "should fail"

    def test_deferred(self):
        return task.deferLater(reactor, 0.01, lambda: None)

    def test_deferred_fails(self):
        return defer.fail(KeyError("missing"))

    def test_logged_error(self):
        log.err(RuntimeError("logged, not raised"))


class Synchronous(unittest.SynchronousTestCase):
    def test_a(self):
        pass

    def test_skip_attribute(self):
        pass

    test_skip_attribute.skip = "not today"


class Stdlib(stdlib.TestCase):
    def test_ok(self):
        self.assertEqual(1, 1)

    @stdlib.expectedFailure
    def test_expected_failure(self):
        self.assertEqual(1, 2)

    @stdlib.skip("skipped by the stdlib")
    def test_skipped(self):
        pass

    def test_subtests(self):
        for number in range(3):
            with self.subTest(number=number):
                self.assertNotEqual(number, 1)
