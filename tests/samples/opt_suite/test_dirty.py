"""A test that leaves a delayed call behind (--unclean-warnings)."""

from twisted.internet import reactor

from trialish import TestCase


class Dirty(TestCase):
    def test_leaves_a_call(self):
        reactor.callLater(100, lambda: None)
