"""The canary: known outcomes that `make canary` checks with grep and exit status.

Two tests pass (one waits on a Deferred), one fails, one errors, one is
skipped, so trialish must exit 1 and end with exactly
``FAILED (skips=1, failures=1, errors=1, successes=2)``.  Change these only
together with CANARY_SUMMARY in the Makefile.
"""

import unittest

from twisted.internet import reactor, task

import trialish


class Canary(trialish.TestCase):
    def test_passes(self):
        self.assertEqual(1 + 1, 2)

    def test_passes_after_waiting(self):
        return task.deferLater(reactor, 0.01, self.assertEqual, 2 * 2, 4)

    def test_fails(self):
        self.assertEqual(1 + 1, 3)

    def test_errors(self):
        raise ValueError("the canary's error")

    def test_skipped(self):
        raise unittest.SkipTest("the canary's skip")
