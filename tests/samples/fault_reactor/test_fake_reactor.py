"""What Twisted's own tests do (twisted.test.test_task): take the reactor out
of sys.modules for a moment, install a fake one and let task.react run it.
That is the test's business: it must not count as installing a reactor."""

import sys

from twisted.internet import defer, task
from twisted.internet.main import installReactor
from twisted.internet.testing import MemoryReactorClock

from trialish import SynchronousTestCase


class FakeReactor(MemoryReactorClock):
    def run(self):
        self.running = True
        for when, what, args, kwargs in self.whenRunningHooks:
            what(*args, **kwargs)
        for event in self.triggers.get("shutdown", {}).get("before", []):
            event[0](*event[1], **event[2])

    def stop(self):
        self.running = False

    def callWhenRunning(self, f, *args, **kwargs):
        self.whenRunningHooks.append((None, f, args, kwargs))


class Fake(SynchronousTestCase):
    def test_a_real_reactor_first(self):
        from twisted.internet import reactor

        self.assertTrue(hasattr(reactor, "callLater"))

    def test_b_install_a_fake_and_react(self):
        import twisted.internet

        saved = sys.modules.pop("twisted.internet.reactor")
        try:
            fake = FakeReactor()
            installReactor(fake)
            seen = []
            with self.assertRaises(SystemExit) as exit:
                task.react(lambda reactor: defer.succeed(seen.append(reactor)), [])
            self.assertEqual(exit.exception.code, 0)
            self.assertEqual(seen, [fake])
        finally:  # what Twisted's NoReactor() puts back
            sys.modules["twisted.internet.reactor"] = twisted.internet.reactor = saved

    def test_c_install_reactor_keeps_its_name(self):
        self.assertEqual(installReactor.__qualname__, "installReactor")
        self.assertIn("LoopingCall<None>(installReactor", repr(task.LoopingCall(installReactor)))
