"""Several waiting tests and some synchronous ones: the reactor turns only while one waits."""

import sys

from twisted.internet import defer, task

from trialish import SynchronousTestCase, TestCase

SEEN = []


class A_Synchronous(SynchronousTestCase):
    def test_no_reactor_needed(self):
        # Nothing so far has waited, so trialish has not imported a reactor.
        self.assertNotIn("twisted.internet.reactor", sys.modules)


class B_Waiting(TestCase):
    def setUp(self):
        from twisted.internet import reactor

        self.assertFalse(reactor.running)  # each test starts outside the loop

    def tearDown(self):
        from twisted.internet import reactor

        self.assertFalse(reactor.running)  # and the loop stops turning when the wait is over

    def _turn(self):
        from twisted.internet import reactor

        SEEN.append(id(reactor))
        return task.deferLater(reactor, 0, lambda: self.assertTrue(reactor.running))

    def test_one(self):
        return self._turn()

    async def test_two(self):
        await self._turn()

    def test_three(self):
        return self._turn()

    def test_four_fired_already(self):
        return defer.succeed(None)

    def test_zz_same_reactor_not_running(self):
        from twisted.internet import reactor

        self.assertFalse(reactor.running)  # every test starts outside the loop, as under trial
        self.assertEqual(len(set(SEEN)), 1)
        self.assertEqual(len(SEEN), 3)
