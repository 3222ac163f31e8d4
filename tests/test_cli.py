"""The command line: parsing, help topics, usage errors, exit codes, reactors."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from trialish._config import Config, UsageError, parse
from trialish._reactor import unavailable_reason

from ._support import REPO, TestCase, bw, case, new_folder, outcomes, trialish, write_files

BAD_ARGUMENTS = [
    (["--bogus"], "--bogus"),
    (["--timeout", "-1"], "--timeout"),
    (["--timeout", "x"], "--timeout"),
    (["--timeout", "nan"], "--timeout"),
    (["--random", "x"], "--random"),
    (["-z", "-2"], "--random"),
    (["--reporter", "nope"], "--reporter"),
    (["--reactor", "nope"], "--reactor"),
    (["--order", "nope"], "--order"),
    (["--tbformat", "nope"], "--tbformat"),
    (["--temp-directory", ""], "--temp-directory"),
    (["--logfile", ""], "--logfile"),
    (["-z", "3", "--order", "toptobottom"], "--random"),
]


class Parse(TestCase):
    def test_defaults(self) -> None:
        self.assertEqual(parse([]), Config())
        self.assertEqual((Config().reporter, Config().temp_directory, Config().logfile, Config().order),
                         ("verbose", "_trial_temp", "test.log", "alphabetical"))

    def test_every_option(self) -> None:
        config = parse(["--reporter", "text", "-r", "poll", "--timeout", "2.5", "--temp-directory", "t",
                        "-l", "x.log", "-N", "--order", "toptobottom", "-x", "--tbformat", "emacs",
                        "pkg", "mod.Class"])
        self.assertEqual(config, Config(
            names=("pkg", "mod.Class"), reporter="text", reactor="poll", timeout=2.5, temp_directory="t",
            logfile="x.log", recurse=False, order="toptobottom", tb_detail="brief", exitfirst=True))
        self.assertEqual(parse(["--random", "9"]).random_seed, 9)
        self.assertEqual(parse(["-z", "0"]).random_seed, 0)
        self.assertEqual(parse(["--no-recurse", "--exitfirst", "--logfile", "-"]),
                         Config(recurse=False, exitfirst=True, logfile="-"))

    def test_help_topics(self) -> None:
        for flag, topic in (("--version", "version"), ("--help-reporters", "reporters"),
                            ("--help-reactors", "reactors"), ("--help-orders", "orders")):
            self.assertEqual(parse([flag]).help_topic, topic)

    def test_bad_arguments_are_one_line_usage_errors(self) -> None:
        for argv, option in BAD_ARGUMENTS:
            with self.assertRaises(UsageError, msg=argv) as caught:
                parse(argv)
            self.assertIn(option, str(caught.exception), argv)
            self.assertNotIn("\n", str(caught.exception), argv)


class HelpTopics(TestCase):
    def test_each_topic_prints_and_exits_0(self) -> None:
        folder = new_folder(self)
        expected = {
            "--help": ["usage: trialish", "--reporter", "--temp-directory", "--exitfirst"],
            "--version": ["trialish 0.1.0", "Twisted"],
            "--help-reporters": ["verbose", "bwverbose", "summary", "text"],
            "--help-reactors": ["select", "poll", "asyncio"],
            "--help-orders": ["alphabetical", "toptobottom"],
        }
        for flag, words in expected.items():
            run = trialish(flag, cwd=folder)
            self.assertEqual((run.code, run.err), (0, ""), f"{flag}: {run}")
            for word in words:
                self.assertIn(word, run.out, f"{flag}: {run}")
        self.assertEqual(os.listdir(folder), [])  # no temp directory for a help topic


class UsageErrors(TestCase):
    def test_bad_arguments_give_one_line_and_exit_4(self) -> None:
        folder = write_files(new_folder(self), {"test_one.py": case("test_ok", "One")})
        for argv, option in BAD_ARGUMENTS + [(["--reactor", "kqueue"], "kqueue")]:
            if argv == ["--reactor", "kqueue"] and unavailable_reason("kqueue") is None:
                continue  # kqueue works here (BSD, macOS): not an error
            run = trialish(*argv, "test_one", cwd=folder)
            self.assertEqual(run.code, 4, f"{argv}: {run}")
            self.assertEqual(run.out, "", f"{argv}: {run}")
            self.assertEqual(len(run.err.splitlines()), 1, f"{argv}: {run}")
            self.assertTrue(run.err.startswith("trialish: error: "), f"{argv}: {run}")
            self.assertIn(option, run.err, f"{argv}: {run}")
            self.assertNotIn("Traceback", run.err)


class ExitCodes(TestCase):
    def test_all_passed_is_0(self) -> None:
        run = bw(cwd=write_files(new_folder(self), {"test_pass.py": case("test_a test_b")}))
        self.assertEqual(run.code, 0, run)
        self.assertEqual(len(outcomes(run.out)), 2, run)

    def test_a_failure_or_an_error_is_1(self) -> None:
        folder = write_files(new_folder(self), {"test_mixed.py": textwrap.dedent("""\
            import unittest
            class Fails(unittest.TestCase):
                def test_fail(self):
                    self.fail("no")
            class Errors(unittest.TestCase):
                def test_error(self):
                    raise ValueError("no")
            """)})
        self.assertEqual(bw("test_mixed.Fails", cwd=folder).code, 1)
        self.assertEqual(bw("test_mixed.Errors", cwd=folder).code, 1)

    def test_no_tests_found_is_5(self) -> None:
        folder = write_files(new_folder(self), {"empty/notes.txt": "", "helpers.py": case("test_x")})
        for args in ((), ("empty",)):
            run = bw(*args, cwd=folder)
            self.assertEqual(run.code, 5, run)
            self.assertIn("no tests found", run.err)
            self.assertEqual(outcomes(run.out), [])

    def test_no_tests_found_says_which_option_emptied_the_run(self) -> None:
        folder = write_files(new_folder(self), {"test_pass.py": case("test_a test_b", name="Store")})
        run = bw("-k", "nothing", cwd=folder)
        self.assertEqual(run.code, 5, run)
        self.assertIn("none of the 2 tests matches -k 'nothing'", run.err)
        run = bw("-k", "test_a", "--shard", "2/2", cwd=folder)
        self.assertEqual(run.code, 5, run)
        self.assertIn("shard 2/2 is empty (there are 1 tests to share)", run.err)

    def test_a_reader_that_goes_away_is_no_traceback(self) -> None:
        folder = write_files(new_folder(self), {"test_pass.py": case(" ".join(
            f"test_{index}" for index in range(300)))})
        command = (f"{sys.executable} -m trialish --lf --shard 1/1 -z 7 --reporter=bwverbose "
                   "| head -c 1")
        for _ in range(3):
            piped = subprocess.run(command, shell=True, cwd=folder, capture_output=True, text=True,
                                   env=dict(os.environ, PYTHONPATH=REPO), timeout=120)
            self.assertEqual(piped.stderr, "", piped.stderr)
            self.assertEqual(piped.stdout, "R")  # "Running tests shuffled with seed 7"

    def test_exitfirst_stops_after_the_first_failure(self) -> None:
        folder = write_files(new_folder(self), {"test_stop.py": textwrap.dedent("""\
            import unittest
            class Stop(unittest.TestCase):
                def test_a_passes(self):
                    pass
                def test_b_fails(self):
                    self.fail("first")
                def test_c_fails(self):
                    self.fail("second")
                def test_d_passes(self):
                    pass
            """)})
        everything = bw("test_stop", cwd=folder)
        self.assertEqual(len(outcomes(everything.out)), 4, everything)
        for flag in ("-x", "--exitfirst"):
            run = bw(flag, "test_stop", cwd=folder)
            self.assertEqual(outcomes(run.out), [("test_stop.Stop.test_a_passes", "OK"),
                                                 ("test_stop.Stop.test_b_fails", "FAILURE")], run)
            self.assertEqual(run.code, 1, run)


class Reactors(TestCase):
    """Each reactor runs a test that really waits on it."""

    SOURCE = textwrap.dedent("""\
        import os
        from twisted.internet import reactor, task
        import trialish

        class Waits(trialish.TestCase):
            def test_deferred(self):
                def check():
                    self.assertEqual(type(reactor).__name__, os.environ["EXPECT_REACTOR"])
                    return "done"
                deferred = task.deferLater(reactor, 0.01, check)
                deferred.addCallback(self.assertEqual, "done")
                return deferred
        """)
    CLASSES = {"select": "SelectReactor", "poll": "PollReactor", "epoll": "EPollReactor",
               "asyncio": "AsyncioSelectorReactor"}

    def test_each_reactor_runs_a_deferred_test(self) -> None:
        folder = write_files(new_folder(self), {"test_wait.py": self.SOURCE})
        tried = 0
        for name, class_name in self.CLASSES.items():
            if unavailable_reason(name) is not None:
                continue  # e.g. epoll off Linux
            tried += 1
            run = bw("--reactor", name, "test_wait", cwd=folder, env={"EXPECT_REACTOR": class_name})
            self.assertEqual(outcomes(run.out), [("test_wait.Waits.test_deferred", "OK")], f"{name}: {run}")
            self.assertEqual(run.code, 0, f"{name}: {run}")
        if tried < 2:
            self.skipTest("fewer than two of select, poll, epoll, asyncio work here")

    def test_a_wrong_reactor_is_noticed(self) -> None:
        """The check above can fail: poll is not select."""
        folder = write_files(new_folder(self), {"test_wait.py": self.SOURCE})
        run = bw("--reactor", "select", "test_wait", cwd=folder, env={"EXPECT_REACTOR": "PollReactor"})
        self.assertEqual(outcomes(run.out), [("test_wait.Waits.test_deferred", "FAILURE")], run)
        self.assertEqual(run.code, 1, run)
