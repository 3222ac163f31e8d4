"""``-j N`` when things go wrong: workers that die or hang, Ctrl-C and SIGTERM."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections import Counter


from ._support import TestCase, copy_sample, start_until, trialish


def status_lines(out: str) -> dict[str, str]:
    """``{test id: status}`` from a bwverbose run; fails on a test reported twice."""
    found = re.findall(r"^(\S+) \.\.\. \[([^]]+)\]$", out, re.MULTILINE)
    counts = Counter(test_id for test_id, _ in found)
    twice = [test_id for test_id, count in counts.items() if count > 1]
    assert not twice, f"reported more than once: {twice}"
    return dict(found)


class WorkerDeaths(TestCase):
    def _check_deaths(self, run, statuses: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
        self.assertEqual(statuses["test_crash.Dies.test_exit"], "ERROR")
        self.assertEqual(statuses["test_crash.Dies.test_segfault"], "ERROR")
        self.assertEqual(statuses["test_crash.Dies.test_sigkill"], "ERROR")
        self.assertRegex(run.out, r"trialish.WorkerDiedError: the worker process running this "
                                  r"test died \(it exited with code 3; worker \d, pid \d+\)\n"
                                  r"Captured output:\nlast words on stdout\n\n"
                                  r"test_crash.Dies.test_exit\n")
        self.assertRegex(run.out, r"died \(killed by signal 11 \(SIGSEGV\); worker \d, pid \d+\)\n"
                                  r"Captured output:\nFatal Python error: Segmentation fault\n"
                                  r"(.*\n)*?  File \"[^\"]*test_crash.py\", line \d+ in test_segfault\n")
        self.assertRegex(run.out, r"died \(killed by signal 9 \(SIGKILL\); worker \d, pid \d+\)\n\n"
                                  r"test_crash.Dies.test_sigkill\n")
        for name in ("test_a_before", "test_z_after"):
            self.assertEqual(statuses[f"test_crash.Dies.{name}"], "OK")

    def test_dead_and_hung_workers_are_replaced_and_the_run_completes(self) -> None:
        folder = copy_sample("par_crash", os.path.abspath(self.mktemp()))
        run = trialish("-j", "2", "--reporter", "bwverbose", "test_crash", cwd=folder)
        self.assertEqual(run.code, 1, run)
        statuses = status_lines(run.out)
        self.assertEqual(len(statuses), 27, run)  # every test, each exactly once
        self._check_deaths(run, statuses)
        self.assertEqual(statuses["test_crash.Hangs.test_hang"], "ERROR")
        self.assertRegex(run.out, r"trialish.WorkerHungError: this test hung: it kept its worker "
                                  r"busy for more than 3.5 seconds \(its timeout is 0.5 seconds\), "
                                  r"so trialish killed the worker process \(worker \d, pid \d+\)\n")
        self.assertEqual(statuses["test_crash.Hangs.test_z_after"], "OK")
        self.assertEqual([status for test_id, status in statuses.items() if ".Others." in test_id],
                         ["OK"] * 20)
        self.assertIn("Ran 27 tests in", run.out)
        self.assertIn("FAILED (errors=4, successes=23)", run.out)
        log = run.temp_file("test.log")
        self.assertRegex(log, r"\[parent\] \[worker \d\] test_crash.Dies.test_segfault: Failure: "
                              r"trialish.WorkerDiedError")
        self.assertRegex(log, r"\[parent\] \[worker \d\] test_crash.Hangs.test_hang: hung for more "
                              r"than 3.5 seconds, killing the worker")

    def test_spawned_workers_die_the_same_way(self) -> None:
        folder = copy_sample("par_crash", os.path.abspath(self.mktemp()))
        run = trialish("-j", "2", "--reporter", "bwverbose", "test_crash.Dies", cwd=folder,
                       env={"TRIALISH_WORKER_START": "spawn"})
        self.assertEqual(run.code, 1, run)
        statuses = status_lines(run.out)
        self.assertEqual(len(statuses), 5, run)
        self._check_deaths(run, statuses)


    def test_workers_that_cannot_start_are_an_environment_error(self) -> None:
        folder = os.path.abspath(self.mktemp())
        os.makedirs(folder)
        with open(os.path.join(folder, "test_nostart.py"), "w", encoding="utf-8") as handle:
            handle.write("import os, sys\nfrom trialish import SynchronousTestCase\n"
                         "if sys.argv[0] == '-c':  # only in a spawned worker\n    os._exit(1)\n"
                         "class NoStart(SynchronousTestCase):\n    def test_x(self):\n        pass\n")
        run = trialish("-j", "2", "test_nostart.py", cwd=folder,
                       env={"TRIALISH_WORKER_START": "spawn"})
        self.assertEqual(run.code, 4, run)
        self.assertEqual(run.err.splitlines(), [
            line for line in run.err.splitlines() if line.startswith("trialish: error: the worker "
                                                                     "processes could not start")])
        self.assertIn("(the last: it exited with code 1; worker", run.err)
        self.assertNotIn("please report", run.err)


class Signals(TestCase):
    """Ctrl-C and SIGTERM reach the parent only (workers are in their own session)."""

    def _start(self, name: str) -> tuple[subprocess.Popen, str]:
        folder = copy_sample("par_interrupt", os.path.abspath(self.mktemp()))
        process = start_until(
            "-j", "2", "--reporter=bwverbose", name, cwd=folder,
            ready=lambda: len([n for n in os.listdir(folder) if n.startswith("started-")]) >= 2,
            what="both workers starting a test")
        return process, folder

    def _ran(self, folder: str) -> list[str]:
        return sorted(name[4:] for name in os.listdir(folder) if name.startswith("ran-"))

    def test_ctrl_c_lets_the_running_tests_finish_and_prints_the_summary(self) -> None:
        process, folder = self._start("test_interrupt.Waits")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 2, (out, err))
        started = sorted(name[8:] for name in os.listdir(folder) if name.startswith("started-"))
        self.assertEqual(self._ran(folder), started, "no test started after the Ctrl-C")
        self.assertEqual(status_lines(out), {f"test_interrupt.Waits.{name}": "OK" for name in started})
        self.assertIn("Ran 2 tests in", out)
        self.assertIn("stopping the workers after their current tests", err)
        self.assertIn("interrupted: 2 of 4 tests ran, 2 did not", err)

    def test_ctrl_c_interrupts_a_synchronous_test_as_in_a_serial_run(self) -> None:
        process, folder = self._start("test_interrupt.Sleeps")
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 2, (out, err))
        started = sorted(name[8:] for name in os.listdir(folder) if name.startswith("started-"))
        self.assertEqual(status_lines(out), {f"test_interrupt.Sleeps.{name}": "ERROR"
                                             for name in started})
        self.assertIn("in _sleep\n    time.sleep(30)\nbuiltins.KeyboardInterrupt: \n", out)
        self.assertNotIn("Captured output", out)  # the worker's own notice is not the test's
        self.assertIn("interrupted: 2 of 4 tests ran, 2 did not", err)

    def test_a_second_ctrl_c_kills_the_workers(self) -> None:
        process, folder = self._start("test_interrupt.Stuck")
        process.send_signal(signal.SIGINT)
        time.sleep(0.3)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 2, (out, err))
        self.assertEqual(status_lines(out), {"test_interrupt.Stuck.test_a_quick": "OK"})
        self.assertIn("Ran 1 tests in", out)
        self.assertIn("interrupted twice, killing the workers", err)
        self.assertIn("interrupted: 1 of 5 tests ran, 4 did not", err)

    def test_sigterm_kills_the_workers_and_prints_the_summary(self) -> None:
        process, folder = self._start("test_interrupt.Stuck")
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
        self.assertEqual(process.returncode, 2, (out, err))
        self.assertEqual(status_lines(out), {"test_interrupt.Stuck.test_a_quick": "OK"})
        self.assertIn("Ran 1 tests in", out)
        self.assertIn("terminated, killing the workers", err)
        self.assertIn("interrupted: 1 of 5 tests ran, 4 did not", err)
        self.assertNotIn("Traceback", err)
