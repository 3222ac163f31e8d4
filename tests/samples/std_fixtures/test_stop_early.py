"""-x and Ctrl-C: the run stops, but what was set up is still torn down."""

import os
import unittest

from twisted.internet import reactor, task

import trialish


def log(text):
    with open(os.environ["EVENTS"], "a") as handle:
        handle.write(text + "\n")


def tearDownModule():
    log("tearDownModule")


class FailsFirst(unittest.TestCase):
    @classmethod
    def tearDownClass(cls):
        log("FailsFirst.tearDownClass")

    def test_1(self):
        self.fail("stop here")

    def test_2(self):
        log("FailsFirst.test_2 must not run")


class Interrupted(trialish.TestCase):
    @classmethod
    def tearDownClass(cls):
        return task.deferLater(reactor, 0.01, log, "Interrupted.tearDownClass")

    def test_a_waits(self):
        # Say "started" from inside the reactor: a Ctrl-C from then on reaches
        # the session while this test waits, never this test's own code.
        reactor.callLater(0, lambda: open("started", "w").close())
        return task.deferLater(reactor, 0.5, lambda: None)

    def test_b_never_runs(self):
        log("Interrupted.test_b must not run")
