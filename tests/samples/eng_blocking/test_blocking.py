"""Tests that hold the reactor's thread past their timeout, then one that passes."""

import time

from twisted.internet import reactor, task

from trialish import TestCase


class Blocks(TestCase):
    timeout = 0.3

    def test_a_sleeps(self):
        time.sleep(30)

    def test_b_busy_loop(self):
        while True:
            pass

    def test_c_callback_sleeps(self):
        return task.deferLater(reactor, 0.01, time.sleep, 30)

    def test_d_passes(self):
        return task.deferLater(reactor, 0.01, lambda: None)
