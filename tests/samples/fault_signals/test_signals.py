"""Each first test writes "started" once it is running, then takes its time;
the harness signals the run then.  The tests after it must never run."""
import time
import unittest

from twisted.internet import defer, reactor, task

from trialish import TestCase


def _touch(name):
    with open(name, "w"):
        pass


class A_Waits(TestCase):
    def test_a_waits(self):
        reactor.callLater(0, _touch, "started")
        return task.deferLater(reactor, 2.0, lambda: None)

    def test_b_never_runs(self):
        _touch("b-ran")


class B_Busy(unittest.TestCase):
    def test_a_busy(self):
        _touch("started")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            time.sleep(0.01)

    def test_b_never_runs(self):
        _touch("b-ran")


class C_Stuck(TestCase):
    def test_a_stuck(self):
        reactor.callLater(0, _touch, "started")
        return defer.Deferred()

    def test_b_never_runs(self):
        _touch("b-ran")
