"""Testing delay() with trialish: the same tests on ``trialish.TestCase``,
plus waiting setUp/cleanups and a per-test timeout."""

from twisted.internet import defer, reactor, task

from trialish import SynchronousTestCase, TestCase

from delay import delay

DELAY = 0.2


class DelayTests(TestCase):
    def test_delay_deferred(self):
        """Return the Deferred: trialish waits for it."""
        start = reactor.seconds()
        d = delay(DELAY, "sent")

        def done(result):
            self.assertEqual(result, "sent")
            self.assertGreaterEqual(reactor.seconds() - start, DELAY)

        d.addCallback(done)
        return d

    async def test_delay_coroutine(self):
        """An ``async def`` test awaits the Deferred."""
        start = reactor.seconds()
        result = await delay(DELAY, "sent")
        self.assertEqual(result, "sent")
        self.assertGreaterEqual(reactor.seconds() - start, DELAY)

    async def test_delay_with_timeout(self):
        """A test that must finish within 5 seconds instead of the default 120."""
        self.assertEqual(await delay(DELAY, "sent"), "sent")

    test_delay_with_timeout.timeout = 5


class DelayInSetUpTests(TestCase):
    """setUp and cleanups may wait too, as the Tornado article's setup_coro had to."""

    async def setUp(self):
        self.events = [await delay(0.05, "set up")]
        self.addCleanup(self.wait_then_record, "cleaned up")

    async def wait_then_record(self, event):
        self.events.append(await delay(0.05, event))

    async def test_setup_finished_first(self):
        self.assertEqual(self.events, ["set up"])


class DelayClockTests(SynchronousTestCase):
    """With a fake clock the test is synchronous, instant and exact."""

    def test_not_before_n_seconds(self):
        clock = task.Clock()
        d = delay(5, "sent", clock=clock)
        clock.advance(4.9)
        self.assertNoResult(d)

    def test_fires_after_n_seconds(self):
        clock = task.Clock()
        d = delay(5, "sent", clock=clock)
        clock.advance(5)
        self.assertEqual(self.successResultOf(d), "sent")

    def test_undo(self):
        """Cancelling the Deferred cancels the timer."""
        clock = task.Clock()
        d = delay(5, "sent", clock=clock)
        d.cancel()
        self.failureResultOf(d, defer.CancelledError)
        self.assertEqual(clock.getDelayedCalls(), [])
