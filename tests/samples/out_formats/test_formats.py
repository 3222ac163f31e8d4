"""One test of each outcome, one that prints, and one that waits on the
reactor: what every machine-readable output must carry (tests/test_outputs.py)."""

import sys

from twisted.internet import defer, reactor

from trialish import SkipTest, TestCase


class Formats(TestCase):
    def test_pass(self):
        pass

    def test_prints(self):
        print("PRINTED-TO-STDOUT")
        sys.stderr.write("WRITTEN-TO-STDERR\n")

    def test_fail(self):
        self.fail("one is not two")

    def test_error(self):
        raise ValueError("boom <&> \x01")

    def test_skip(self):
        raise SkipTest("not today")

    def test_todo(self):
        self.fail("expected")

    test_todo.todo = "not done"

    def test_unexpected(self):
        pass

    test_unexpected.todo = "should fail"

    def test_waits(self):
        d = defer.Deferred()
        reactor.callLater(0.01, d.callback, None)
        return d
