"""Every summary block, with identical bodies that trial groups together.

Written against twisted.trial so that trial and trialish run the very same
file (see tests/test_reporters.py).  Tests sharing one function fail at the
same line, so their tracebacks are identical.
"""

from twisted.trial import unittest


def _fails(self):
    self.fail("the same failure")


def _errs(self):
    raise ValueError("the same error")


def _expected(self):
    raise KeyError("expected")


class Blocks(unittest.TestCase):
    test_fail_one = _fails
    test_fail_two = _fails

    def test_fail_other(self):
        self.fail("another failure")

    test_error_one = _errs
    test_error_two = _errs

    def test_skip_one(self):
        raise unittest.SkipTest("the same reason")

    def test_skip_two(self):
        raise unittest.SkipTest("the same reason")

    def test_skip_other(self):
        raise unittest.SkipTest("another reason")

    test_todo_one = _expected
    test_todo_one.todo = "not done"
    test_todo_two = _expected

    def test_unexpected_one(self):
        pass

    test_unexpected_one.todo = "should fail"

    def test_unexpected_two(self):
        pass

    test_unexpected_two.todo = "should fail"

    def test_pass_one(self):
        pass

    def test_pass_two(self):
        pass
