from twisted.internet import defer

from trialish import TestCase


class Stuck(TestCase):
    timeout = 0.2

    @classmethod
    def setUpClass(cls):
        return defer.Deferred()

    def test_never(self):
        pass
