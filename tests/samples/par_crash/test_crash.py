"""Tests that take their worker down; only ever run under -j (see test_parallel)."""

import ctypes
import os
import signal
import sys
import time

from trialish import TestCase


class Dies(TestCase):
    def test_a_before(self):
        pass

    def test_exit(self):
        print("last words on stdout")
        sys.stdout.flush()
        os._exit(3)

    def test_segfault(self):
        ctypes.string_at(0)

    def test_sigkill(self):
        os.kill(os.getpid(), signal.SIGKILL)

    def test_z_after(self):
        pass


class Hangs(TestCase):
    timeout = 0.5

    def test_hang(self):
        # Swallows the watchdog's BlockedTestError: only the parent can end it.
        while True:
            try:
                time.sleep(60)
            except BaseException:
                pass

    def test_z_after(self):
        pass


class Others(TestCase):
    pass


for _number in range(20):
    setattr(Others, f"test_{_number:02d}", lambda self: None)
del _number
