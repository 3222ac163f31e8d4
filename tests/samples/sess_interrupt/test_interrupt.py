"""test_a waits long enough to be interrupted; test_b must then never run."""

import os

from twisted.internet import reactor, task

from trialish import TestCase


def _touch(name):
    with open(name, "w"):
        pass


class Interrupted(TestCase):
    def test_a_waits(self):
        # "started" appears only once the reactor runs, so the harness's
        # Ctrl-C never lands before the session is inside the reactor.
        reactor.callLater(0, _touch, "started")
        return task.deferLater(reactor, 1.0, lambda: None)

    def test_b_never_runs(self):
        with open("b-ran", "w"):
            pass


class Stuck(TestCase):
    def test_blocks_on_deferred(self):
        reactor.callLater(0, _touch, "started")
        from twisted.internet import defer

        return defer.Deferred()

    def test_z_after(self):
        pass
