"""For Ctrl-C and SIGTERM under -j (see tests/test_parallel.py).

Each waiting test drops a ``started-<test>`` file next to this module once
the reactor runs, so the harness signals only when both workers are inside
one; every test that runs drops ``ran-<test>`` there.
"""

import os

from twisted.internet import defer, reactor, task

from trialish import TestCase

HERE = os.path.dirname(os.path.abspath(__file__))


def _touch(prefix, test):
    with open(os.path.join(HERE, f"{prefix}-{test.id().rsplit('.', 1)[1]}"), "w"):
        pass


class Waits(TestCase):
    """Each test waits 2 s: a first Ctrl-C lets the running ones finish."""

    def _wait(self):
        _touch("ran", self)
        reactor.callLater(0, _touch, "started", self)
        return task.deferLater(reactor, 2.0, lambda: None)

    test_1 = test_2 = test_3 = test_4 = _wait


class Stuck(TestCase):
    """test_a passes at once; the others never end (until their timeout)."""

    def test_a_quick(self):
        _touch("ran", self)

    def _stuck(self):
        _touch("ran", self)
        reactor.callLater(0, _touch, "started", self)
        return defer.Deferred()

    test_b = test_c = test_d = test_e = _stuck


class Sleeps(TestCase):
    """Synchronous tests: Ctrl-C interrupts them where they are, as in a serial run."""

    def _sleep(self):
        _touch("ran", self)
        _touch("started", self)
        import time

        time.sleep(30)

    test_1 = test_2 = test_3 = test_4 = _sleep
