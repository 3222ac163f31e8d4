"""Fails on its third run in one process (--until-failure).

It waits on the reactor and uses its thread pool, so each pass restarts
the reactor and the run must still end; each pass must get a fresh, empty
temp directory.
"""

import os

from twisted.internet import reactor, task, threads

from trialish import TestCase

runs = []


class Flaky(TestCase):
    def test_flaky(self):
        runs.append(1)
        self.assertFalse(os.path.exists("left_by_an_earlier_pass"))
        with open("left_by_an_earlier_pass", "w"):
            pass
        deferred = threads.deferToThread(len, runs)
        deferred.addCallback(lambda count: task.deferLater(reactor, 0, lambda: count))
        deferred.addCallback(self.assertNotEqual, 3)
        return deferred
