"""setUpClass must run once per batch: each call appends a line to
fixture_calls.txt next to this file (the pid of the process that ran it)."""

import os

from trialish import TestCase

CALLS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixture_calls.txt")


def _note(what):
    with open(CALLS, "a") as handle:
        handle.write(f"{what} {os.getpid()}\n")


class WithClassFixture(TestCase):
    @classmethod
    def setUpClass(cls):
        _note("setUpClass")
        cls.shared = ["up"]

    @classmethod
    def tearDownClass(cls):
        _note("tearDownClass")


for _number in range(30):
    def _test(self, _number=_number):
        self.assertEqual(self.shared, ["up"])
        _note(f"test{_number:02d}")

    setattr(WithClassFixture, f"test_{_number:02d}", _test)
del _test, _number
