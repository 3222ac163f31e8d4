"""trial's Deferred assertions, seen from outside; and failures in callbacks."""

from twisted.internet import defer, reactor, task

from trialish import TestCase

PATCHED = "original"


def later(value=None):
    return task.deferLater(reactor, 0.01, lambda: value)


class AssertFailure(TestCase):
    def test_fails_as_expected(self):
        d = self.assertFailure(later().addCallback(lambda _: 1 / 0), ZeroDivisionError)
        return d.addCallback(lambda error: self.assertIsInstance(error, ZeroDivisionError))

    def test_succeeds_instead(self):
        return self.assertFailure(later("a result"), ValueError)

    def test_wrong_type(self):
        return self.assertFailure(defer.fail(KeyError("k")), ValueError, TypeError)


class InCallbacks(TestCase):
    def test_assert_in_callback(self):
        return later(1).addCallback(lambda value: self.assertEqual(value, 2))

    async def test_assert_after_await(self):
        value = await later(3)
        self.assertEqual(value, 4)


class Patching(TestCase):
    def test_a_patch(self):
        import test_assertions

        self.patch(test_assertions, "PATCHED", "patched")
        self.assertEqual(PATCHED, "patched")

    def test_b_undone(self):
        self.assertEqual(PATCHED, "original")
