"""What one test must not leak into the next (found by `make conformance`)."""

import sys

from twisted.internet import defer, reactor, task, threads
from twisted.trial import unittest as trial_unittest


class A_ShrinksThePool(trial_unittest.TestCase):
    def test_waits(self):
        return threads.deferToThread(lambda: None)

    def tearDown(self):
        reactor.suggestThreadPoolSize(0)  # as twisted.test.test_threads does


class B_UsesThreads(trial_unittest.TestCase):
    timeout = 5

    def test_thread_work_runs(self):
        return threads.deferToThread(lambda: 42).addCallback(self.assertEqual, 42)


class C_Waits(trial_unittest.TestCase):
    def test_waits(self):
        return task.deferLater(reactor, 0, lambda: None)


class D_NoCurrentException(trial_unittest.TestCase):
    def test_exc_info_is_clear(self):
        self.assertEqual(sys.exc_info(), (None, None, None))


class E_SynchronousReturns(trial_unittest.SynchronousTestCase):
    def test_fired_success(self):
        return defer.gatherResults([defer.succeed(1), defer.succeed(2)])

    def test_fired_failure(self):
        return defer.fail(ValueError("already failed"))

    def test_unfired(self):
        return defer.Deferred()
