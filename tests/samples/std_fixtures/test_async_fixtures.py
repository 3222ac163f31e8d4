"""trialish.TestCase fixtures may wait: coroutines and Deferreds."""

import os

from twisted.internet import defer, reactor, task

from trialish import SynchronousTestCase, TestCase


def log(text):
    with open(os.environ["EVENTS"], "a") as handle:
        handle.write(text + "\n")


async def setUpModule():
    await task.deferLater(reactor, 0.01, lambda: None)
    log("async setUpModule")


def tearDownModule():
    return task.deferLater(reactor, 0.01, log, "async tearDownModule")


class Waits(TestCase):
    @classmethod
    async def setUpClass(cls):
        cls.ready = await task.deferLater(reactor, 0.01, lambda: "ready")
        cls.addClassCleanup(lambda: task.deferLater(reactor, 0.01, log, "Waits class cleanup"))

    @classmethod
    def tearDownClass(cls):
        return task.deferLater(reactor, 0.01, log, "Waits.tearDownClass")

    def test_ready(self):
        self.assertEqual(self.ready, "ready")

    async def test_waits_too(self):
        await task.deferLater(reactor, 0.01, lambda: None)


class FailsLater(TestCase):
    @classmethod
    async def setUpClass(cls):
        await task.deferLater(reactor, 0.01, lambda: None)
        raise RuntimeError("failed after waiting")

    def test_never(self):
        pass


class SyncReturnsDeferred(SynchronousTestCase):
    @classmethod
    def setUpClass(cls):
        return defer.Deferred()  # never waited for: an error (one that had fired would count)

    def test_never(self):
        pass
