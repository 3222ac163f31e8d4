"""One trialish test of each outcome, written as a user would.

tests/test_other_runners.py runs this module under ``python -m trialish``,
``python -m unittest`` and ``pytest``; all three must agree.  Each test's
name starts with the outcome it must have: test_pass_, test_fail_,
test_error_, test_skip_, test_xfail_ (todo that fails) or test_xpass_ (todo
that passes).  The names imported below are TestCase classes at module
level: no runner may collect a phantom ``runTest`` from them.
"""

from twisted.internet import defer, reactor

from trialish import SkipTest, SynchronousTestCase, TestCase


def later(value=None, delay=0.01):
    """A Deferred that fires with ``value`` on a later reactor turn."""
    d = defer.Deferred()
    reactor.callLater(delay, d.callback, value)
    return d


def fails_later(exception, delay=0.01):
    """A Deferred that fails with ``exception`` on a later reactor turn."""
    d = defer.Deferred()
    reactor.callLater(delay, d.errback, exception)
    return d


class Outcomes(TestCase):
    def test_pass_plain(self):
        self.assertEqual(1 + 1, 2)

    def test_fail_assertion(self):
        self.assertEqual(1 + 1, 3)

    def test_error_exception(self):
        raise ValueError("boom")

    def test_pass_deferred_fires_later(self):
        d = later(2)
        d.addCallback(self.assertEqual, 2)
        return d

    def test_fail_bare_assert(self):
        assert 1 + 1 == 3, "a bare assert is a failure, not an error"

    def test_fail_deferred_assertion_later(self):
        d = later(2)
        d.addCallback(self.assertEqual, 3)  # raises failureException in a later turn
        return d

    def test_fail_deferred_assertionerror_later(self):
        return fails_later(AssertionError("a bare AssertionError is a failure too"))

    def test_error_deferred_fails_later(self):
        return fails_later(KeyError("missing"))

    async def test_pass_async_awaits_deferred(self):
        value = await later("done")
        self.assertEqual(value, "done")

    async def test_fail_async_after_await(self):
        value = await later("done")
        self.assertEqual(value, "not done")

    def test_skip_attribute(self):
        self.fail("a skipped test must not run")

    test_skip_attribute.skip = "skipped by its skip attribute"

    def test_skip_raised(self):
        raise SkipTest("skipped by raising SkipTest")

    def test_xfail_todo_fails(self):
        self.fail("fails, as its todo says")

    test_xfail_todo_fails.todo = "not done yet"

    def test_xfail_todo_deferred_fails_later(self):
        return fails_later(self.failureException("fails later, as its todo says"))

    test_xfail_todo_deferred_fails_later.todo = "not done yet either"

    def test_xpass_todo_passes(self):
        pass

    test_xpass_todo_passes.todo = "was meant to fail"

    def test_error_timeout_never_fires(self):
        return defer.Deferred()

    test_error_timeout_never_fires.timeout = 0.2

    def test_error_dirty_reactor_pending_call(self):
        reactor.callLater(100, lambda: None)


class SkippedClass(TestCase):
    skip = "the whole class is skipped by its skip attribute"

    def test_skip_class_attribute(self):
        self.fail("a skipped test must not run")


class SetUpDeferredFails(TestCase):
    def setUp(self):
        return fails_later(RuntimeError("setUp's Deferred failed"))

    def test_error_setup_deferred_fails(self):
        pass


class SetUpAsserts(TestCase):
    def setUp(self):
        self.fail("an assertion in setUp is an error, as in trial (the stdlib says FAIL)")

    def test_error_setup_assertion(self):
        pass


class CleanupDeferredFails(TestCase):
    def test_error_cleanup_deferred_fails(self):
        self.addCleanup(fails_later, RuntimeError("the cleanup's Deferred failed"))


class Synchronous(SynchronousTestCase):
    def test_pass_sync(self):
        self.assertTrue(True)

    def test_fail_sync(self):
        self.assertIn("a", "xyz")
