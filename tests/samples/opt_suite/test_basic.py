"""One test of each plain outcome, for the command-line options' tests."""

from trialish import SynchronousTestCase


class Basic(SynchronousTestCase):
    def test_fail(self):
        self.assertEqual(1 + 1, 3)

    def test_ok(self):
        self.assertEqual(1 + 1, 2)

    def test_skip(self):
        pass

    test_skip.skip = "not today"
