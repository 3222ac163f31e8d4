"""Big classes without class fixtures, which -j may cut into batches."""

from trialish import TestCase
from twisted.internet import defer


class ManyA(TestCase):
    pass


class ManyB(TestCase):
    pass


for _number in range(40):
    setattr(ManyA, f"test_{_number:02d}", lambda self: None)
    setattr(ManyB, f"test_{_number:02d}", lambda self: defer.succeed(None))
del _number


class Failing(TestCase):
    def test_one_more_failure(self):
        self.assertEqual("spam", "eggs")
