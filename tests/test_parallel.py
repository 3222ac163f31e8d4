"""``-j N``: what a user sees of a parallel run, against a serial run of the same suite.

Each test runs trialish in a subprocess on a copy of a ``tests/samples/par_*``
suite.  Process deaths, hangs and signals are in ``test_parallel_deaths``.
"""

from __future__ import annotations

import os
import re


from ._support import Run, TestCase, copy_sample, normalise, trialish, write_files

SUITE = ("test_outcomes", "test_fixtures", "test_many")
SUITE_TESTS = 127  # 16 in test_outcomes, 30 in test_fixtures, 81 in test_many


def same(run: Run) -> str:
    """What must agree between two runs in different folders: times, addresses and paths blanked."""
    return normalise(run.out).replace(run.cwd, "FOLDER")


def verbose_lines(run: Run) -> list[str]:
    """The ``id ... [STATUS]`` lines of a bwverbose run, in order."""
    return [line for line in run.out.splitlines() if re.search(r" \.\.\. \[[^]]+\]$", line)]


class SameReportAsSerial(TestCase):
    """The tree, the summary blocks, the counts and the exit status of a serial run."""

    def _compare(self, *options: str, names: tuple[str, ...] = SUITE,
                 env: dict[str, str] | None = None) -> tuple[Run, Run]:
        serial_dir = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        parallel_dir = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        serial = trialish(*options, *names, cwd=serial_dir)
        parallel = trialish("-j", "2", *options, *names, cwd=parallel_dir, env=env)
        self.assertEqual(parallel.code, serial.code, parallel)
        self.assertEqual(same(parallel), same(serial))
        self.assertEqual(parallel.err, serial.err)
        return serial, parallel

    def test_j2_report_equals_the_serial_report(self) -> None:
        serial, parallel = self._compare()
        self.assertEqual(parallel.code, 1)
        self.assertIn(f"Ran {SUITE_TESTS} tests in", parallel.out)
        self.assertIn("FAILED (skips=3, expectedFailures=3, failures=3, errors=3, "
                      "unexpectedSuccesses=1, successes=114)", parallel.out)
        # trial -j drops these: the todo's traceback and the unexpected success.
        self.assertIn("[TODO]\nReason: 'not done'\nTraceback (most recent call last):", parallel.out)
        self.assertIn("[SUCCESS!?!]\nReason: 'should fail'", parallel.out)

    def test_j_auto_report_equals_the_serial_report(self) -> None:
        serial_dir = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        parallel_dir = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        serial = trialish(*SUITE, cwd=serial_dir)
        parallel = trialish("-j", "auto", *SUITE, cwd=parallel_dir)
        self.assertEqual((parallel.code, same(parallel)), (serial.code, same(serial)))

    def test_file_paths(self) -> None:
        self._compare(names=("test_outcomes.py", "test_many.py"))

    def test_random_order(self) -> None:
        serial, parallel = self._compare("--random", "7")
        self.assertIn("Running tests shuffled with seed 7", parallel.out)

    def test_the_asyncio_reactor(self) -> None:
        self._compare("--reactor", "asyncio")

    def test_spawned_workers(self) -> None:
        """Workers are forked when that is safe; spawned interpreters must agree too."""
        self._compare(env={"TRIALISH_WORKER_START": "spawn"})

    def test_recorded_durations_change_the_schedule_not_the_report(self) -> None:
        folder = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        first = trialish("-j", "2", *SUITE, cwd=folder)
        self.assertTrue(os.path.exists(os.path.join(folder, ".trialish", "state.json")))
        second = trialish("-j", "2", *SUITE, cwd=folder)
        self.assertEqual((second.code, same(second)), (first.code, same(first)))


class Workers(TestCase):
    def setUp(self) -> None:
        self.folder = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        self.run = trialish("-j", "2", *SUITE, cwd=self.folder)
        self.assertEqual(self.run.code, 1, self.run)

    def test_each_worker_works_in_its_own_directory(self) -> None:
        temp = os.path.join(self.folder, "_trial_temp")
        self.assertTrue(os.path.isdir(os.path.join(temp, "0")))
        self.assertTrue(os.path.isdir(os.path.join(temp, "1")))
        written = [slot for slot in ("0", "1")
                   if os.path.exists(os.path.join(temp, slot, "test_pass.txt"))]
        self.assertEqual(len(written), 1, "test_pass writes to its working directory")
        self.assertFalse(os.path.exists(os.path.join(temp, "test_pass.txt")))

    def test_test_log_lines_say_which_worker_wrote_them(self) -> None:
        log = self.run.temp_file("test.log")
        starts = [line for line in log.splitlines() if "--> " in line]
        self.assertEqual(len(starts), SUITE_TESTS)
        for line in starts:
            self.assertRegex(line, r"^\S+ \S+ \[worker [01]\] \[-\] --> \S+ <--$")
        self.assertTrue(any("[worker 0]" in line for line in starts))
        self.assertTrue(any("[worker 1]" in line for line in starts))
        self.assertRegex(log, r"\[worker [01]\] \[-\] a line in test.log\n")
        # The parent's own lines: how long each worker was busy (to judge the balance).
        self.assertEqual(len(re.findall(r"\[parent\] \[worker [01]\] done: \d+ tests in ", log)), 2)
        # A logged error's traceback: continuation lines stay with their record.
        self.assertRegex(log, r"\[worker [01]\] \[-\] Unhandled Error\n\tTraceback")

    def test_class_fixtures_run_once_per_batch(self) -> None:
        with open(os.path.join(self.folder, "fixture_calls.txt")) as handle:
            calls = [line.split() for line in handle]
        self.assertEqual([what for what, _ in calls if not what.startswith("test")],
                         ["setUpClass", "tearDownClass"])
        self.assertEqual([what for what, _ in calls][1:-1], [f"test{n:02d}" for n in range(30)])
        self.assertEqual(len({pid for _, pid in calls}), 1, "one worker ran the whole class")


class CapturedOutput(TestCase):
    def test_a_tests_output_is_shown_with_its_result(self) -> None:
        folder = copy_sample("par_output", os.path.abspath(self.mktemp()))
        run = trialish("-j", "2", "test_output", cwd=folder)
        self.assertEqual(run.code, 1, run)
        self.assertIn("trialish.FailTest: see the output above\nCaptured output:\n"
                      "to stdout from print\nto stderr from sys.stderr\nto fd 1 directly\n\n"
                      "test_output.Talks.test_fails_loudly\n", run.out)
        self.assertIn("Captured output:\nworking on it\n\ntest_output.Talks.test_todo_talks", run.out)
        self.assertIn("nothing to do\nCaptured output:\nwhy skip\n", run.out)
        # Captured, so never printed anywhere else.
        self.assertNotIn("chatter", run.out + run.err)
        self.assertEqual(run.out.count("to stdout from print"), 1)
        self.assertNotIn("to stderr", run.err)
        self.assertNotIn("to test.log", run.out)
        self.assertIn("to test.log, not to the output", run.temp_file("test.log"))


class WithOptions(TestCase):
    def test_exitfirst_stops_every_worker(self) -> None:
        folder = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        run = trialish("-j", "2", "-x", "--reporter", "bwverbose", *SUITE, cwd=folder)
        self.assertEqual(run.code, 1, run)
        ran = int(re.search(r"Ran (\d+) tests", run.out).group(1))
        self.assertLess(ran, SUITE_TESTS)
        self.assertEqual(ran, len(verbose_lines(run)))
        self.assertRegex(run.out, r"\[(FAIL|ERROR)\]\n")
        self.assertNotIn("interrupted", run.err)

    def test_until_failure(self) -> None:
        folder = write_files(os.path.abspath(self.mktemp()), {
            "test_flaky.py": (
                "import os\n"
                "from trialish import TestCase\n"
                "COUNT = os.path.join(os.path.dirname(os.path.abspath(__file__)), 'count')\n"
                "class Flaky(TestCase):\n"
                "    def test_third_time(self):\n"
                "        with open(COUNT, 'a') as handle:\n"
                "            handle.write('x')\n"
                "        with open(COUNT) as handle:\n"
                "            self.assertLess(len(handle.read()), 3)\n"
                "    def test_other(self):\n"
                "        pass\n"
            ),
        })
        run = trialish("-j", "2", "-u", "test_flaky", cwd=folder)
        self.assertEqual(run.code, 1, run)
        self.assertEqual(re.findall(r"Test Pass \d+", run.out), ["Test Pass 1", "Test Pass 2",
                                                                  "Test Pass 3"])
        self.assertIn("FAILED (failures=1, successes=1)", run.out)

    def test_exitfirst_stops_at_an_import_error_before_any_worker_starts(self) -> None:
        folder = write_files(os.path.abspath(self.mktemp()), {
            "test_broken.py": "import no_such_module_here\n",
            "test_fine.py": ("from trialish import TestCase\n"
                             "class Fine(TestCase):\n"
                             "    def test_a(self):\n"
                             "        open('ran', 'w').close()\n"),
        })
        run = trialish("-j", "2", "-x", "--reporter", "bwverbose", "test_broken", "test_fine",
                       cwd=folder)
        self.assertEqual(run.code, 1, run)
        self.assertEqual(verbose_lines(run), ["test_broken ... [ERROR]"])
        self.assertIn("No module named 'no_such_module_here'", run.out)
        self.assertFalse(os.path.exists(os.path.join(folder, "_trial_temp", "0")))

    def test_a_logfile_elsewhere(self) -> None:
        folder = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        run = trialish("-j", "2", "--logfile", "logs/run.log", "test_many", cwd=folder)
        self.assertEqual(run.code, 1, run)
        log = run.temp_file("logs", "run.log")
        self.assertEqual(len(re.findall(r"\[worker [01]\] \[-\] --> test_many\.", log)), 81)
        self.assertFalse(os.path.exists(os.path.join(folder, "_trial_temp", "test.log")))

    def test_zero_jobs_is_a_usage_error(self) -> None:
        folder = os.path.abspath(self.mktemp())
        os.makedirs(folder)
        for value in ("0", "-1", "many"):
            run = trialish("-j", value, "test_nothing", cwd=folder)
            self.assertEqual(run.code, 4, run)
            self.assertEqual(len(run.err.strip().splitlines()), 1, run)
            self.assertIn("-j/--jobs", run.err)


class ForkSafety(TestCase):
    """Workers are forked only when the parent holds nothing a child could not own."""

    def _forkable(self, setup: str) -> bool:
        import subprocess
        import sys

        from ._support import REPO

        code = (f"import sys\nsys.path.insert(0, {REPO!r})\n{setup}\n"
                "from trialish._worker import reactor_forkable\nprint(reactor_forkable())\n")
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout.strip() == "True"

    def test_what_can_be_forked(self) -> None:
        self.assertTrue(self._forkable(""))
        self.assertTrue(self._forkable("from twisted.internet import reactor"))
        self.assertTrue(self._forkable("from twisted.internet import pollreactor\npollreactor.install()"))

    def test_what_cannot(self) -> None:
        self.assertFalse(self._forkable(
            "from twisted.internet import reactor\nreactor.callLater(5, print)"))
        self.assertFalse(self._forkable(
            "from twisted.internet import asyncioreactor\nasyncioreactor.install()"))
        self.assertFalse(self._forkable(
            "import asyncio\nasyncio.set_event_loop(asyncio.new_event_loop())"))
