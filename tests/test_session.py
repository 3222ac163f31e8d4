"""The session: the reactor turns only while a test waits; Ctrl-C handling."""

from __future__ import annotations

import os
import signal
import subprocess
import time


from ._support import TestCase, copy_sample, start_until, trialish


class ReactorPerWait(TestCase):
    def test_the_loop_turns_for_each_wait_and_never_between_tests(self) -> None:
        folder = copy_sample("sess_reactor", os.path.abspath(self.mktemp()))
        run = trialish("test_reactor_per_wait.py", cwd=folder)
        self.assertEqual(run.code, 0, run)
        self.assertIn("PASSED (successes=6)", run.out, run)
        # Twisted's reactor.run() logs this each time it returns (trial's
        # test.log has one per wait); trialish turns the loop without it.
        self.assertNotIn("Main loop terminated.", run.temp_file("test.log"))


class CtrlC(TestCase):
    def _start(self, name: str) -> tuple[subprocess.Popen, str]:
        folder = copy_sample("sess_interrupt", os.path.abspath(self.mktemp()))
        started = os.path.join(folder, "_trial_temp", "started")
        process = start_until("--reporter=bwverbose", name, cwd=folder,
                              ready=lambda: os.path.exists(started), what="the first test's start")
        return process, folder

    def test_first_ctrl_c_finishes_current_test_and_prints_summary(self) -> None:
        process, folder = self._start("test_interrupt.Interrupted")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 2, (out, err))
        self.assertIn("test_interrupt.Interrupted.test_a_waits ... [OK]", out)
        self.assertNotIn("test_b_never_runs", out)
        self.assertIn("Ran 1 tests in", out)
        self.assertIn("interrupted: 1 of 2 tests ran, 1 did not", err)
        self.assertFalse(os.path.exists(os.path.join(folder, "_trial_temp", "b-ran")))
        with open(os.path.join(folder, "_trial_temp", "test.log")) as log:
            self.assertIn("--> test_interrupt.Interrupted.test_a_waits <--", log.read())

    def test_second_ctrl_c_aborts_a_stuck_test(self) -> None:
        process, folder = self._start("test_interrupt.Stuck")
        process.send_signal(signal.SIGINT)
        time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 2, (out, err))
        self.assertIn("aborting", err)
        self.assertNotIn("test_z_after", out)
        with open(os.path.join(folder, "_trial_temp", "test.log")) as handle:
            log = handle.read()
        self.assertIn("--> test_interrupt.Stuck.test_blocks_on_deferred <--", log)


class ReactorStoppedByATest(TestCase):
    def test_the_waiting_test_and_the_rest_each_get_one_report(self) -> None:
        from ._support import write_files

        folder = write_files(os.path.abspath(self.mktemp()), {"test_stops.py": (
            "from twisted.internet import defer, reactor\n"
            "from trialish import TestCase\n\n"
            "class Stops(TestCase):\n"
            "    def test_a_stops_the_reactor(self):\n"
            "        # reactor.stop itself is refused (test_faults_reactor); the class's is not\n"
            "        reactor.callLater(0, type(reactor).stop, reactor)\n"
            "        return defer.Deferred()\n\n"
            "    def test_b_after(self):\n"
            "        pass\n\n"
            "    def test_c_waits(self):\n"
            "        return defer.Deferred()\n")})
        run = trialish("--reporter=bwverbose", "test_stops.py", cwd=folder)
        self.assertEqual(run.code, 1, run)
        # A test that needs no reactor still passes; every one that waits says why it cannot.
        self.assertIn("test_stops.Stops.test_a_stops_the_reactor ... [ERROR]\n"
                      "test_stops.Stops.test_b_after ... [OK]\n"
                      "test_stops.Stops.test_c_waits ... [ERROR]\n", run.out)
        self.assertEqual(run.out.count("trialish.ReactorStoppedError: the reactor's loop ended while "), 2,
                         run)
