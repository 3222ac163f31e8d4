"""The temp directory: marker, lock, reset, siblings, refusals, and the log file.

Locks are trial's: ``NAME.lock`` is a symlink whose target is the owner's
pid.  A *live* foreign lock is simulated with this test process's own pid
(alive, and never the trialish child's); a *stale* one with the pid of a
subprocess that has already finished.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from trialish._tempdir import MARKER, TempDirError, _reclaim, acquire

from ._support import TestCase, bw, new_folder, outcomes, write_files


def dead_pid() -> int:
    """The pid of a process that has finished (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def lock_target(path: str) -> str:
    return os.readlink(path + ".lock")


# The test checks its working directory against $EXPECT_CWD and leaves a
# file there, so a run proves where it ran and what the next run removes.
WHERE_SOURCE = textwrap.dedent("""\
    import os
    import unittest
    from twisted.python import log

    class Where(unittest.TestCase):
        def test_cwd(self):
            log.msg("LOG-MARKER")
            self.assertEqual(os.getcwd(), os.environ["EXPECT_CWD"])
            with open("left-behind.txt", "w") as handle:
                handle.write("by the test")
    """)


class Acquire(TestCase):
    """The in-process API, in a temp folder of its own."""

    def setUp(self) -> None:
        self.base = new_folder(self)

    def claim(self, name: str = "_trial_temp"):  # type: ignore[no-untyped-def]
        temp = acquire(name, base=self.base)
        self.addCleanup(temp.release)
        return temp

    def test_creates_the_directory_with_marker_and_lock(self) -> None:
        temp = self.claim()
        self.assertEqual(temp.path, os.path.join(self.base, "_trial_temp"))
        self.assertEqual(os.listdir(temp.path), [MARKER])
        self.assertEqual(lock_target(temp.path), str(os.getpid()))
        temp.release()
        self.assertFalse(os.path.lexists(temp.lock_path))
        self.assertTrue(os.path.isdir(temp.path))  # kept after the run

    def test_next_claim_empties_it(self) -> None:
        temp = self.claim()
        write_files(temp.path, {"old/file.txt": "x"})
        temp.release()
        again = self.claim()
        self.assertEqual(again.path, temp.path)
        self.assertEqual(os.listdir(again.path), [MARKER])

    def test_held_locks_give_numbered_siblings_for_any_name(self) -> None:
        for name in ("_trial_temp", "work"):
            paths = [self.claim(name).path for _ in range(3)]
            expected = os.path.join(self.base, name)
            self.assertEqual(paths, [expected, expected + "-1", expected + "-2"])

    def test_live_foreign_lock_is_respected(self) -> None:
        os.symlink(str(os.getppid()), os.path.join(self.base, "_trial_temp.lock"))
        self.assertEqual(self.claim().path, os.path.join(self.base, "_trial_temp-1"))
        self.assertEqual(os.readlink(os.path.join(self.base, "_trial_temp.lock")), str(os.getppid()))

    def test_stale_lock_is_reclaimed(self) -> None:
        os.symlink(str(dead_pid()), os.path.join(self.base, "_trial_temp.lock"))
        temp = self.claim()
        self.assertEqual(temp.path, os.path.join(self.base, "_trial_temp"))
        self.assertEqual(lock_target(temp.path), str(os.getpid()))

    def test_reclaim_spares_a_lock_that_changed_hands(self) -> None:
        lock = os.path.join(self.base, "x.lock")
        os.symlink(str(os.getpid()), lock)  # taken by a live process meanwhile
        _reclaim(lock, dead=dead_pid())
        self.assertEqual(os.readlink(lock), str(os.getpid()))
        self.assertFalse(os.path.lexists(lock + ".reclaim"))

    def test_a_lock_that_is_not_a_pid_symlink_is_never_deleted(self) -> None:
        write_files(self.base, {"_trial_temp.lock": "someone else's file"})
        self.assertEqual(self.claim().path, os.path.join(self.base, "_trial_temp-1"))
        with open(os.path.join(self.base, "_trial_temp.lock"), encoding="utf-8") as handle:
            self.assertEqual(handle.read(), "someone else's file")

    def test_directory_without_marker_is_refused_and_kept(self) -> None:
        write_files(self.base, {"_trial_temp/precious.txt": "mine"})
        with self.assertRaises(TempDirError) as caught:
            acquire("_trial_temp", base=self.base)
        message = str(caught.exception)
        self.assertIn(MARKER, message)
        self.assertNotIn("\n", message)
        self.assertEqual(os.listdir(os.path.join(self.base, "_trial_temp")), ["precious.txt"])
        self.assertFalse(os.path.lexists(os.path.join(self.base, "_trial_temp.lock")))

    def test_a_file_in_the_way_is_refused_and_kept(self) -> None:
        write_files(self.base, {"_trial_temp": "a file"})
        self.assertRaises(TempDirError, acquire, "_trial_temp", base=self.base)
        self.assertTrue(os.path.isfile(os.path.join(self.base, "_trial_temp")))

    def test_missing_parent_folders_are_made(self) -> None:
        temp = self.claim(os.path.join("build", "tmp"))
        self.assertEqual(os.listdir(temp.path), [MARKER])

    def test_place_under_a_file_is_a_clear_error(self) -> None:
        write_files(self.base, {"afile": ""})
        with self.assertRaises(TempDirError) as caught:
            acquire(os.path.join("afile", "tmp"), base=self.base)
        self.assertIn(os.path.join(self.base, "afile"), str(caught.exception))
        self.assertIn("it is not a folder", str(caught.exception))
        self.assertNotIn("\n", str(caught.exception))

    def test_read_only_place_is_a_clear_error(self) -> None:
        if os.geteuid() == 0:
            self.skipTest("running as root: permissions do not stop root from writing")
        os.chmod(self.base, 0o555)
        self.addCleanup(os.chmod, self.base, 0o755)
        with self.assertRaises(TempDirError) as caught:
            acquire("_trial_temp", base=self.base)
        self.assertIn("Permission denied", str(caught.exception))
        self.assertIn("--temp-directory", str(caught.exception))


class TempDirOfARun(TestCase):
    """What a user sees on the command line."""

    def suite(self) -> str:
        return write_files(new_folder(self), {"test_where.py": WHERE_SOURCE,
                                           "test_other.py": "import unittest\n\nclass O(unittest.TestCase):\n"
                                                            "    def test_o(self): pass\n"})

    def run_where(self, folder: str, temp: str, *args: str):  # type: ignore[no-untyped-def]
        run = bw(*args, "test_where", cwd=folder, env={"EXPECT_CWD": os.path.join(folder, temp)})
        self.assertEqual(outcomes(run.out), [("test_where.Where.test_cwd", "OK")], run)
        self.assertEqual(run.code, 0, run)
        return run

    def test_tests_run_inside_the_temp_dir_which_is_kept_then_reset(self) -> None:
        folder = self.suite()
        run = self.run_where(folder, "_trial_temp")
        self.assertEqual(sorted(os.listdir(os.path.join(folder, "_trial_temp"))),
                         [MARKER, "left-behind.txt", "test.log"])
        self.assertIn("LOG-MARKER", run.temp_file("test.log"))
        self.assertFalse(os.path.lexists(os.path.join(folder, "_trial_temp.lock")))
        self.assertEqual(bw("test_other", cwd=folder).code, 0)
        self.assertEqual(sorted(os.listdir(os.path.join(folder, "_trial_temp"))), [MARKER, "test.log"])

    def test_temp_directory_option(self) -> None:
        folder = self.suite()
        self.run_where(folder, os.path.join("scratch", "tmp"), "--temp-directory", "scratch/tmp")
        self.assertTrue(os.path.isfile(os.path.join(folder, "scratch", "tmp", MARKER)))
        self.assertFalse(os.path.exists(os.path.join(folder, "_trial_temp")))

    def test_unmarked_directory_is_refused_before_any_test_code_runs(self) -> None:
        folder = write_files(self.suite(), {
            "_trial_temp/precious.txt": "mine",
            "test_imported.py": "open('imported.flag', 'w').close()\n"})
        run = bw(cwd=folder)
        self.assertEqual(run.code, 4, run)
        self.assertEqual(len(run.err.splitlines()), 1, run)
        self.assertIn("_trial_marker", run.err)
        self.assertIn("refusing to delete", run.err)
        self.assertEqual(run.out, "")
        self.assertEqual(os.listdir(os.path.join(folder, "_trial_temp")), ["precious.txt"])
        self.assertFalse(os.path.exists(os.path.join(folder, "imported.flag")))

    def test_live_lock_sends_a_second_run_to_a_numbered_sibling(self) -> None:
        folder = self.suite()
        for name, option in (("_trial_temp", ()), ("custom", ("--temp-directory", "custom"))):
            lock = os.path.join(folder, name + ".lock")
            os.symlink(str(os.getpid()), lock)  # alive, and not the trialish child
            self.run_where(folder, name + "-1", *option)
            self.assertEqual(os.readlink(lock), str(os.getpid()))  # left alone
            self.assertFalse(os.path.exists(os.path.join(folder, name)))
            self.assertFalse(os.path.lexists(os.path.join(folder, name + "-1.lock")))

    def test_stale_lock_is_reclaimed(self) -> None:
        folder = self.suite()
        os.symlink(str(dead_pid()), os.path.join(folder, "_trial_temp.lock"))
        self.run_where(folder, "_trial_temp")
        self.assertFalse(os.path.lexists(os.path.join(folder, "_trial_temp.lock")))
        self.assertFalse(os.path.exists(os.path.join(folder, "_trial_temp-1")))

    def test_unusable_place_is_one_line_and_exit_4(self) -> None:
        folder = write_files(self.suite(), {"afile": ""})
        run = bw("--temp-directory", "afile/tmp", "test_other", cwd=folder)
        self.assertEqual(run.code, 4, run)
        self.assertEqual(len(run.err.splitlines()), 1, run)
        self.assertIn("afile", run.err)
        self.assertNotIn("Traceback", run.err)

    def test_logfile_option_names_the_log(self) -> None:
        folder = self.suite()
        run = self.run_where(folder, "_trial_temp", "-l", "other.log")
        self.assertIn("LOG-MARKER", run.temp_file("other.log"))
        self.assertFalse(os.path.exists(os.path.join(folder, "_trial_temp", "test.log")))

    def test_logfile_dash_writes_the_log_to_stdout(self) -> None:
        folder = self.suite()
        run = self.run_where(folder, "_trial_temp", "--logfile", "-")
        self.assertIn("LOG-MARKER", run.out)
        self.assertEqual(sorted(os.listdir(os.path.join(folder, "_trial_temp"))), [MARKER, "left-behind.txt"])
