"""A test that blocks the reactor's thread past its timeout is interrupted; the run goes on."""

from __future__ import annotations

import time

from trialish._watchdog import GRACE, BlockedTestError, Watchdog

from ._support import TestCase, block_of, run_sample, statuses

BLOCKS = "test_blocking.Blocks"


class BlockingBlackBox(TestCase):
    def test_blocked_tests_are_interrupted_and_the_next_one_runs(self) -> None:
        run = run_sample("eng_blocking")
        self.assertEqual(statuses(run.out), {
            f"{BLOCKS}.test_a_sleeps": "[ERROR]",
            f"{BLOCKS}.test_b_busy_loop": "[ERROR]",
            f"{BLOCKS}.test_c_callback_sleeps": "[ERROR]",
            f"{BLOCKS}.test_d_passes": "[OK]",
        }, run)
        message = ("trialish.BlockedTestError: <test_blocking.Blocks testMethod={0}> ({0}) blocked "
                   "the reactor's thread for more than its timeout of 0.3 secs")
        sleeps = block_of(run.out, f"{BLOCKS}.test_a_sleeps")
        self.assertIn(message.format("test_a_sleeps"), sleeps)
        self.assertRegex(sleeps, r'test_blocking\.py", line \d+, in test_a_sleeps\n'
                                 r"    time\.sleep\(30\)\n")
        busy = block_of(run.out, f"{BLOCKS}.test_b_busy_loop")
        self.assertRegex(busy, r"in test_b_busy_loop\n    while True:\n")
        self.assertIn(message.format("test_c_callback_sleeps"),
                      block_of(run.out, f"{BLOCKS}.test_c_callback_sleeps"))
        self.assertEqual(run.code, 1, run)


class WatchdogUnit(TestCase):
    """The real watchdog of this process, driven directly."""

    def test_interrupts_a_blocked_call(self) -> None:
        watchdog = Watchdog()
        try:
            watchdog.arm(0.05, "case", "phase")
            with self.assertRaises(BlockedTestError):
                time.sleep(5 + GRACE)
        finally:
            watchdog.close()

    def test_disarmed_in_time_never_fires(self) -> None:
        watchdog = Watchdog()
        try:
            watchdog.arm(0.01, "case", "phase")
            watchdog.disarm()
            time.sleep(0.01 + GRACE + 0.3)  # would have been interrupted
        finally:
            watchdog.close()
