"""Load: many tests, many waiting on timers, many passes -- no growth but the results.

Memory is measured, not timed: the peak RSS of a child trialish (from
``wait4``'s rusage), and the RSS and open descriptors a test sees in each
``--until-failure`` pass.  The bounds are loose on purpose (allocator noise),
but far below what a per-test leak of even a few KB would produce.
"""

from __future__ import annotations

import os
import subprocess
import sys


from ._support import REPO, TestCase, write_files

GENERATED = '''\
import unittest

from twisted.internet import reactor, task

import trialish


def _sync(self):
    self.assertTrue(True)


def _waits(self):
    return task.deferLater(reactor, 0.001, lambda: None)


CLASSES = int({total}) // 100
for number in range(CLASSES):
    waiting = number < CLASSES // 10  # a tenth of them wait on a timer
    body = {{f"test_{{i:03}}": (_waits if waiting else _sync) for i in range(100)}}
    base = trialish.TestCase if waiting else unittest.TestCase
    globals()[f"Case{{number:04}}"] = type(f"Case{{number:04}}", (base,), body)
'''


def run_counted(folder: str, total: int) -> tuple[int, str, int]:
    """Run the generated suite; exit code, output, and peak RSS in KB."""
    write_files(folder, {f"test_many_{total}.py": GENERATED.format(total=total)})
    env = dict(os.environ, PYTHONPATH=REPO, PYTHONDONTWRITEBYTECODE="1")
    env.pop("FORCE_COLOR", None)
    with open(os.path.join(folder, f"out-{total}.txt"), "w+") as out:
        process = subprocess.Popen([sys.executable, "-m", "trialish", "--reporter=text",
                                    f"test_many_{total}"], cwd=folder, env=env, stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        return process.returncode, out.read(), usage.ru_maxrss


class ManyTests(TestCase):
    def test_ten_thousand_tests_a_thousand_waiting_memory_grows_only_with_results(self) -> None:
        folder = os.path.abspath(self.mktemp())
        os.makedirs(folder)
        small = run_counted(folder, 2000)
        large = run_counted(folder, 10000)
        for (code, out, _), total in ((small, 2000), (large, 10000)):
            self.assertEqual(code, 0, out[-2000:])
            self.assertIn(f"Ran {total} tests in", out)
            self.assertIn(f"PASSED (successes={total})", out)
        with open(os.path.join(folder, "_trial_temp", "test.log")) as handle:
            log = handle.read()
        self.assertEqual(log.count("--> test_many_10000.Case"), 10000)
        per_test_kb = (large[2] - small[2]) / 8000
        # A kept TestReport and its share of the totals is well under 1 KB;
        # anything kept per test beyond that (a case, its frames) is several.
        self.assertLess(per_test_kb, 2.0, f"peak RSS {small[2]} KB -> {large[2]} KB")


PROBE = '''\
import os
import resource

from twisted.internet import reactor, task

import trialish


def _rss_kb():
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * resource.getpagesize() // 1024


class Probe(trialish.TestCase):
    def test_a_waits(self):
        return task.deferLater(reactor, 0, lambda: None)

    def test_b_logs_and_warns(self):
        import warnings
        from twisted.python import log
        log.msg("a line for test.log")
        warnings.warn("a warning", DeprecationWarning)

    def test_z_measures(self):
        with open(os.environ["PROBE_FILE"], "a") as handle:
            handle.write(f"{{len(os.listdir('/proc/self/fd'))}} {{_rss_kb()}}\\n")
        with open(os.environ["PROBE_FILE"]) as handle:
            if len(handle.readlines()) >= 50:
                self.fail("fifty passes: the only way to end --until-failure")
'''


class UntilFailure(TestCase):
    def test_fifty_passes_leak_no_descriptor_and_no_memory(self) -> None:
        if not os.path.isdir("/proc/self/fd"):
            self.skipTest("needs /proc")
        folder = write_files(os.path.abspath(self.mktemp()), {"test_probe.py": PROBE.format()})
        probe = os.path.join(folder, "probe.txt")
        env = dict(os.environ, PYTHONPATH=REPO, PYTHONDONTWRITEBYTECODE="1", PROBE_FILE=probe)
        process = subprocess.run(
            [sys.executable, "-m", "trialish", "--reporter=text", "-u", "test_probe"],
            cwd=folder, env=env, capture_output=True, text=True, timeout=300,
            stdin=subprocess.DEVNULL)
        self.assertEqual(process.returncode, 1, process.stderr[-2000:])
        self.assertIn("Test Pass 50\n", process.stdout)
        self.assertNotIn("Test Pass 51", process.stdout)
        with open(probe) as handle:
            samples = [tuple(map(int, line.split())) for line in handle]
        self.assertEqual(len(samples), 50, process.stdout[-2000:])
        fds = [fd for fd, _ in samples]
        self.assertEqual(set(fds[5:50]), {fds[5]}, fds)
        rss = [kb for _, kb in samples]
        self.assertLess(rss[49] - rss[9], 2048, rss)
