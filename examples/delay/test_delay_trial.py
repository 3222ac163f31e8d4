"""Testing delay() with twisted.trial: ``trial test_delay_trial``.

The Tornado article needs IOLoop.start/stop, exception handlers and
gen_test; here a test returns the Deferred (or awaits it) and trial waits.
trialish runs this file unchanged.
"""

from twisted.internet import defer, reactor, task
from twisted.trial import unittest

from delay import delay

DELAY = 0.2


class DelayTrialTests(unittest.TestCase):
    def test_delay_deferred(self):
        """Return the Deferred: trial waits for it, then checks how long it took."""
        start = reactor.seconds()
        d = delay(DELAY, "sent")

        def done(result):
            self.assertEqual(result, "sent")
            self.assertGreaterEqual(reactor.seconds() - start, DELAY)

        d.addCallback(done)
        return d

    async def test_delay_coroutine(self):
        """An ``async def`` test awaits the Deferred instead."""
        start = reactor.seconds()
        result = await delay(DELAY, "sent")
        self.assertEqual(result, "sent")
        self.assertGreaterEqual(reactor.seconds() - start, DELAY)


class DelayClockTrialTests(unittest.SynchronousTestCase):
    """With a fake clock the test is synchronous, instant and exact."""

    def test_fires_after_exactly_n_seconds(self):
        clock = task.Clock()
        d = delay(5, "sent", clock=clock)
        clock.advance(4.9)
        self.assertNoResult(d)
        clock.advance(0.1)
        self.assertEqual(self.successResultOf(d), "sent")

    def test_undo(self):
        """Cancelling the Deferred cancels the timer."""
        clock = task.Clock()
        d = delay(5, "sent", clock=clock)
        d.cancel()
        self.failureResultOf(d, defer.CancelledError)
        self.assertEqual(clock.getDelayedCalls(), [])
