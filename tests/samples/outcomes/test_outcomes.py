"""One test of each outcome, written against twisted.trial so that trial and
trialish run the very same file (see tests/test_trial_output.py)."""

from twisted.internet import defer, reactor
from twisted.trial import unittest


class Outcomes(unittest.TestCase):
    def test_pass(self):
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

    def test_unexpected(self):
        pass

    test_unexpected.todo = "should fail"

    def test_deferred(self):
        d = defer.Deferred()
        reactor.callLater(0, d.callback, None)
        return d

    def test_deferred_fails(self):
        return defer.fail(KeyError("missing"))


class Sync(unittest.SynchronousTestCase):
    def test_a(self):
        pass

    def test_skip_attribute(self):
        pass

    test_skip_attribute.skip = "not today"
