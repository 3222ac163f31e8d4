"""Signals to a serial run: SIGTERM as a first Ctrl-C; a second signal aborts.

SIGINT once and twice are covered by tests/test_session.py (CtrlC).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time


from ._support import Run, TestCase, assert_temp_intact, copy_sample, outcomes, start_until


def start(test: TestCase, name: str) -> tuple[subprocess.Popen, str]:
    folder = copy_sample("fault_signals", os.path.abspath(test.mktemp()))
    started = os.path.join(folder, "_trial_temp", "started")
    process = start_until("--reporter=bwverbose", name, cwd=folder,
                          ready=lambda: os.path.exists(started), what="the first test's start")
    return process, folder


def finish(process: subprocess.Popen, folder: str) -> Run:
    out, err = process.communicate(timeout=60)
    return Run(process.returncode, out, err, folder)


class Sigterm(TestCase):
    def check_summary(self, run: Run, first: str, status: str) -> None:
        self.assertEqual(run.code, 2, run)
        self.assertEqual(outcomes(run.out), [(first, status)], run)
        self.assertIn("Ran 1 tests in", run.out, run)
        self.assertIn("trialish: terminated (SIGTERM), stopping after the current test", run.err)
        self.assertIn("interrupted: 1 of 2 tests ran, 1 did not", run.err)
        self.assertFalse(os.path.exists(os.path.join(run.cwd, "_trial_temp", "b-ran")))
        assert_temp_intact(self, run, [first])

    def test_while_a_test_waits_it_finishes_then_the_summary(self) -> None:
        process, folder = start(self, "test_signals.A_Waits")
        process.send_signal(signal.SIGTERM)
        self.check_summary(finish(process, folder), "test_signals.A_Waits.test_a_waits", "OK")

    def test_a_busy_synchronous_test_is_interrupted(self) -> None:
        process, folder = start(self, "test_signals.B_Busy")
        process.send_signal(signal.SIGTERM)
        run = finish(process, folder)
        self.check_summary(run, "test_signals.B_Busy.test_a_busy", "ERROR")
        self.assertIn("KeyboardInterrupt", run.out)

    def test_a_second_signal_aborts_a_stuck_test(self) -> None:
        process, folder = start(self, "test_signals.C_Stuck")
        process.send_signal(signal.SIGTERM)
        time.sleep(0.2)  # not a timing assertion: only lets the first signal land first
        process.send_signal(signal.SIGTERM)
        run = finish(process, folder)
        self.assertEqual(run.code, 2, run)
        self.assertIn("aborting", run.err)
        self.assertNotIn("test_b_never_runs", run.out)
        self.assertIn("--> test_signals.C_Stuck.test_a_stuck <--", run.temp_file("test.log"))
