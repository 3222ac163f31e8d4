"""Tests that call the reactor's loop controls: each an ERROR, the run goes on.

A_Sync runs before anything waited (the reactor is not running yet);
B_Waits's first test waits on a Deferred, so the reactor runs for the rest.
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
        reactor.run()

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
        reactor.run()

    def test_stop(self):
        reactor.stop()

    def test_stop_from_a_delayed_call(self):
        reactor.callLater(0, reactor.stop)
        return defer.Deferred()  # would wait for its timeout without trialish's guard

    def test_crash_from_a_callback(self):
        return task.deferLater(reactor, 0, reactor.crash)

    def test_z_still_waits(self):
        return task.deferLater(reactor, 0.01, lambda: None)
