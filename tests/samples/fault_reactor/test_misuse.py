"""Tests that use the reactor's loop controls, as trial allows them or not.

Outside a wait (a test's own code) the loop is not turning: iterate() and
crash() work, run() works (the test must stop it), stop() is an error.
From a reactor callback while the test waits, every one of them ends that
test's wait with an ERROR at once, and the run goes on.
"""
import unittest

from twisted.internet import defer, reactor, task

import trialish


class A_Sync(unittest.TestCase):
    def test_crash(self):
        reactor.crash()

    def test_iterate(self):
        reactor.iterate()

    def test_run(self):
        reactor.callLater(0, reactor.stop)
        reactor.run()
        assert not reactor.running

    def test_stop(self):
        reactor.stop()


class B_Waits(trialish.TestCase):
    def test_a_waits(self):
        return task.deferLater(reactor, 0.01, lambda: None)

    def test_crash(self):
        reactor.crash()

    def test_iterate(self):
        reactor.iterate()

    def test_run(self):
        reactor.callLater(0, reactor.stop)
        reactor.run()

    def test_stop(self):
        reactor.stop()

    def test_stop_from_a_delayed_call(self):
        reactor.callLater(0, reactor.stop)
        return defer.Deferred()  # would wait for its timeout without trialish's guard

    def test_crash_from_a_callback(self):
        return task.deferLater(reactor, 0, reactor.crash)

    def test_run_from_a_callback(self):
        return task.deferLater(reactor, 0, reactor.run)

    def test_iterate_from_a_callback(self):
        return task.deferLater(reactor, 0, reactor.iterate)

    def test_z_still_waits(self):
        return task.deferLater(reactor, 0.01, lambda: None)


class C_Starts(trialish.TestCase):
    """Every test starts outside the loop, as under trial, even after others waited."""

    def setUp(self):
        self.running_in_setup = reactor.running

    def test_not_running_and_call_when_running_waits_for_a_wait(self):
        assert not self.running_in_setup and not reactor.running
        called = []
        reactor.callWhenRunning(called.append, "started")
        assert called == []
        return task.deferLater(reactor, 0, lambda: None).addCallback(
            lambda _: self.assertEqual(called, ["started"]))
