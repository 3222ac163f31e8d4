from trialish import TestCase


class InSkippedPackage(TestCase):
    def test_would_fail(self):
        self.fail("must not run: its package is skipped")
