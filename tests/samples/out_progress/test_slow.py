"""Tests slow enough for the progress line to be drawn between them."""

from twisted.internet import reactor, task

from trialish import TestCase


class Slow(TestCase):
    def test_one(self):
        return task.deferLater(reactor, 0.3, lambda: None)

    def test_two(self):
        print("a line printed by test_two")
        return task.deferLater(reactor, 0.3, lambda: None)

    def test_three(self):
        self.fail("three fails")
