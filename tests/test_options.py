"""trial's command line: each option's parsing, and its effect on a real run.

The black-box tests run trialish on ``tests/samples/opt_suite`` (copied to a
fresh folder each time) and look at what a user sees: the output, the exit
status and what is left in ``_trial_temp``.
"""

from __future__ import annotations

import io
import os
import pstats
import re
import subprocess
import sys
import textwrap
import types

from trialish._config import Config, UsageError, build_parser, parse, test_case_names

from ._support import REPO, Run, TestCase, copy_sample, outcomes, trialish, write_files

SAMPLE = "opt_suite"


def _suite(test: TestCase) -> str:
    return copy_sample(SAMPLE, os.path.abspath(test.mktemp()))


def bw(*args: str, cwd: str, **kwargs) -> Run:  # type: ignore[no-untyped-def]
    return trialish("--reporter=bwverbose", *args, cwd=cwd, **kwargs)


def with_input(text: str, *args: str, cwd: str) -> Run:
    """Run trialish with ``text`` on its standard input (for the debugger)."""
    environment = dict(os.environ, PYTHONPATH=REPO, PYTHONDONTWRITEBYTECODE="1")
    environment.pop("FORCE_COLOR", None)
    process = subprocess.run(
        [sys.executable, "-m", "trialish", *args], cwd=cwd, env=environment, input=text,
        capture_output=True, text=True, timeout=60,
    )
    return Run(process.returncode, process.stdout, process.stderr, cwd)


# -- parsing ---------------------------------------------------------------------------


class ParseOptions(TestCase):
    def test_flags(self) -> None:
        flags = {
            "-b": "debug", "--debug": "debug", "-B": "debug_stacktraces",
            "--debug-stacktraces": "debug_stacktraces", "-e": "rterrors", "--rterrors": "rterrors",
            "-u": "until_failure", "--until-failure": "until_failure", "-n": "dry_run",
            "--dry-run": "dry_run", "--force-gc": "force_gc", "--disablegc": "disablegc",
            "--unclean-warnings": "unclean_warnings", "--spew": "spew", "--profile": "profile",
            "--coverage": "coverage",
        }
        for flag, field in flags.items():
            config = parse([flag])
            self.assertTrue(getattr(config, field), flag)
            self.assertEqual(config, Config(**{field: True}), flag)

    def test_values(self) -> None:
        config = parse(["-b", "--nopm", "--debugger", "pudb", "--recursionlimit", "5000",
                        "--without-module", "a.b, c", "--without-module=d", "--testmodule", "x.py",
                        "--testmodule=y.py", "-o", "toptobottom"])
        self.assertEqual(config, Config(
            debug=True, post_mortem=False, debugger="pudb", recursionlimit=5000,
            without_modules=("a.b", "c", "d"), testmodules=("x.py", "y.py"), order="toptobottom"))
        self.assertEqual((Config().debugger, Config().post_mortem), ("pdb", True))

    def test_bad_values_are_one_line_usage_errors(self) -> None:
        for argv, option in [
            (["--recursionlimit", "x"], "--recursionlimit"),
            (["--recursionlimit", "0"], "--recursionlimit"),
            (["--without-module", ""], "--without-module"),
            (["--without-module", "a,,b"], "--without-module"),
            (["--without-module", "no-dashes"], "--without-module"),
            (["--nopm"], "--nopm"),
            (["--debugger", "pudb"], "--debugger"),
            (["-b", "--debugger", " "], "--debugger"),
        ]:
            with self.assertRaises(UsageError, msg=argv) as caught:
                parse(argv)
            self.assertIn(option, str(caught.exception), argv)
            self.assertNotIn("\n", str(caught.exception), argv)

    def test_conflicts(self) -> None:
        for first, second in [("-n", "-u"), ("-n", "-b"), ("-n", "--profile"), ("-n", "--coverage"),
                              ("-b", "--coverage"), ("-b", "--spew"), ("--spew", "--coverage")]:
            for argv in ([first, second], [second, first]):
                with self.assertRaises(UsageError, msg=argv) as caught:
                    parse(argv)
                message = str(caught.exception)
                self.assertIn("cannot be combined", message)
                self.assertIn(first, message, argv)
                self.assertIn(second, message, argv)
                self.assertNotIn("\n", message)

    def test_compatible_options(self) -> None:
        for argv in (["-b", "-u"], ["-b", "--profile"], ["--profile", "--coverage"], ["-u", "-x"],
                     ["-n", "-e", "-x"], ["--force-gc", "--disablegc"], ["--spew", "--profile"]):
            parse(argv)

    def test_help_lists_every_option_of_trial(self) -> None:
        text = build_parser().format_help()
        for option in ("-b, --debug", "--debugger", "-B, --debug-stacktraces", "-e, --rterrors",
                       "-x, --exitfirst", "-u, --until-failure", "-n, --dry-run", "--force-gc",
                       "--disablegc", "--recursionlimit", "--without-module", "--testmodule",
                       "--tbformat", "--unclean-warnings", "--spew", "--profile", "--coverage",
                       "--nopm", "-o NAME, --order", "-z SEED, --random", "-l NAME, --logfile",
                       "-N, --no-recurse", "--temp-directory", "-r NAME, --reactor", "--reporter",
                       "--help-reporters", "--help-reactors", "--help-orders", "--version"):
            self.assertIn(option, text)


class TestCaseNames(TestCase):
    def write(self, name: str, text: str) -> str:
        folder = os.path.abspath(self.mktemp())
        write_files(folder, {name: text})
        return os.path.join(folder, name)

    def test_header_on_either_of_the_first_two_lines(self) -> None:
        first = self.write("a.py", "# -*- test-case-name: pkg.test_a, pkg.test_b -*-\n")
        self.assertEqual(test_case_names(first), ["pkg.test_a", "pkg.test_b"])
        second = self.write("b.py", "#!/usr/bin/env python\n# -*- test-case-name: pkg.test_b -*-\n")
        self.assertEqual(test_case_names(second), ["pkg.test_b"])

    def test_a_coding_line_does_not_hide_the_next_one(self) -> None:
        path = self.write("c.py", "# -*- coding: utf-8 -*-\n# -*- test-case-name: t.test_c -*-\n")
        self.assertEqual(test_case_names(path), ["t.test_c"])

    def test_other_variables_on_the_line(self) -> None:
        path = self.write("d.py", "# -*- mode: python; test-case-name: t.test_d; tab-width: 4 -*-\n")
        self.assertEqual(test_case_names(path), ["t.test_d"])

    def test_no_header_or_a_later_one_names_nothing(self) -> None:
        self.assertEqual(test_case_names(self.write("e.py", "x = 1\n")), [])
        late = self.write("f.py", "\n\n# -*- test-case-name: t.test_f -*-\n")
        self.assertEqual(test_case_names(late), [])
        self.assertEqual(test_case_names(self.write("g.py", "# -*- a: b: c -*-\n")), [])

    def test_a_test_file_stands_for_itself(self) -> None:
        path = self.write("test_h.py", "# -*- test-case-name: other -*-\n")
        self.assertEqual(test_case_names(path), [path])


class WithoutModuleInProcess(TestCase):
    def test_an_imported_module_is_disabled_with_a_warning(self) -> None:
        from trialish._debugging import disable_modules

        name = "trialish_options_fake_module"
        sys.modules[name] = types.ModuleType(name)
        self.addCleanup(sys.modules.pop, name, None)
        self.addCleanup(sys.modules.pop, name + "_other", None)
        said: list[str] = []
        disable_modules((name, name + "_other"), said.append)
        self.assertEqual(said, [f"warning: module {name!r} was already imported; disabling it anyway"])
        with self.assertRaises(ImportError):
            __import__(name)
        with self.assertRaises(ImportError):
            __import__(name + "_other")


class DebuggerChoice(TestCase):
    def test_unknown_or_unusable_debuggers_are_usage_errors(self) -> None:
        from trialish._debugging import make_debugger

        for name, words in (("no_such_debugger_module", "cannot find"),
                            ("os.no_such_attribute", "cannot find"),
                            ("os.path", "has no runcall()")):
            with self.assertRaises(UsageError, msg=name) as caught:
                make_debugger(parse(["-b", "--debugger", name]))
            self.assertIn(words, str(caught.exception))
            self.assertIn("--debugger", str(caught.exception))

    def test_a_class_is_instantiated(self) -> None:
        import pdb

        from trialish._debugging import make_debugger

        debugger = make_debugger(parse(["-b", "--debugger", "pdb.Pdb"]))
        self.assertIsInstance(debugger.target, pdb.Pdb)


class DryRunInProcess(TestCase):
    def test_a_load_error_is_still_an_error(self) -> None:
        from trialish._cli import _dry_run
        from trialish._reporters import make_reporter
        from trialish._results import Status
        from trialish._specs import TestSpec

        specs = [TestSpec("a.T.test_x", cls=object, method_name="test_x"),
                 TestSpec("broken", load_error="Traceback...\nImportError: no\n")]
        stream = io.StringIO()
        totals = _dry_run(parse(["-n"]), specs, make_reporter("bwverbose", stream))
        self.assertEqual([r.status for r in totals.reports], [Status.OK, Status.ERROR])
        self.assertIn("a.T.test_x ... [OK]\nbroken ... [ERROR]\n", stream.getvalue())


# -- black box: what each option does to a run ------------------------------------------


class DryRun(TestCase):
    def test_every_test_passes_without_running_and_nothing_is_written(self) -> None:
        folder = _suite(self)
        for flag in ("--dry-run",):  # -n: see ParseOptions
            run = bw(flag, "test_basic", "test_dirty", cwd=folder)
            self.assertEqual(outcomes(run.out), [
                ("test_basic.Basic.test_fail", "OK"), ("test_basic.Basic.test_ok", "OK"),
                ("test_basic.Basic.test_skip", "OK"), ("test_dirty.Dirty.test_leaves_a_call", "OK"),
            ], run)
            self.assertIn("PASSED (successes=4)", run.out)
            self.assertEqual(run.code, 0, run)
            self.assertFalse(os.path.exists(os.path.join(folder, "_trial_temp")), run)


class RealTimeErrors(TestCase):
    def test_tracebacks_come_before_the_status(self) -> None:
        run = bw("-e", "test_basic", cwd=_suite(self))
        self.assertEqual(run.code, 1, run)
        self.assertIn(
            "test_basic.Basic.test_fail ... Traceback (most recent call last):\n"
            f'  File "{run.cwd}/test_basic.py", line 8, in test_fail\n'
            "    self.assertEqual(1 + 1, 3)\n"
            "trialish.FailTest: 2 != 3\n"
            "[FAILURE]\n"
            "test_basic.Basic.test_ok ... [OK]\n", run.out)
        self.assertEqual(run.out.count("trialish.FailTest: 2 != 3"), 2, run)  # and in the summary


class UntilFailure(TestCase):
    def test_passes_until_one_fails(self) -> None:
        run = bw("-u", "test_flaky", cwd=_suite(self))
        self.assertEqual(run.code, 1, run)
        self.assertEqual(re.findall(r"^Test Pass (\d+)$", run.out, re.M), ["1", "2", "3"], run)
        self.assertEqual([status for _, status in outcomes(run.out)], ["OK", "OK", "FAILURE"], run)
        self.assertEqual(run.out.count("PASSED (successes=1)"), 2, run)
        self.assertTrue(run.out.endswith("FAILED (failures=1)\n"), run)
        self.assertTrue(os.path.exists(os.path.join(run.cwd, "_trial_temp", "left_by_an_earlier_pass")))


class ProcessAndEngineOptions(TestCase):
    """Each sample test passes only under its option; without them they fail."""

    def test_options_that_change_the_process(self) -> None:
        run = bw("--disablegc", "--recursionlimit", "2345", "-B", "--without-module",
                 "colorsys,fractions", "test_process", cwd=_suite(self))
        self.assertEqual(outcomes(run.out), [
            ("test_process.CalledTwice.test_called_twice", "ERROR"),
            ("test_process.Process.test_deferred_debugging", "OK"),
            ("test_process.Process.test_gc_disabled", "OK"),
            ("test_process.Process.test_recursion_limit", "OK"),
            ("test_process.Process.test_without_modules", "OK"),
        ], run)
        # -B: an AlreadyCalledError says where the Deferred was made and first fired.
        self.assertIn(" C: Deferred was created:", run.out)
        self.assertIn(" I: First Invoker was:", run.out)
        self.assertEqual(run.err, "")

    def test_force_gc_and_unclean_warnings(self) -> None:
        run = bw("--force-gc", "--unclean-warnings", "test_gcwatch", "test_dirty", cwd=_suite(self))
        self.assertEqual(outcomes(run.out), [
            ("test_dirty.Dirty.test_leaves_a_call", "OK"),
            ("test_gcwatch.GCWatch.test_a_watch", "OK"),
            ("test_gcwatch.GCWatch.test_b_full_collection_ran", "OK"),
        ], run)
        self.assertIn("DelayedCall", run.out)  # the dirty reactor, as a warning
        self.assertEqual(run.code, 0, run)

    def test_without_the_options_the_checks_fail(self) -> None:
        run = bw("test_process", "test_gcwatch", "test_dirty", cwd=_suite(self))
        self.assertEqual([status for _, status in outcomes(run.out)], [
            "ERROR",  # test_dirty: a dirty reactor is an error
            "OK", "FAILURE",  # test_gcwatch: no full collection
            "ERROR", "FAILURE", "FAILURE", "FAILURE", "FAILURE",  # test_process
        ], run)
        self.assertNotIn("Deferred was created", run.out)


class Diagnostics(TestCase):
    def test_spew_prints_every_call(self) -> None:
        run = bw("--spew", "test_basic.Basic.test_ok", cwd=_suite(self))
        self.assertEqual(run.code, 0, run)
        self.assertRegex(run.out, r"(?m)^method test_ok of test_basic\.Basic at \d+$")
        self.assertRegex(run.out, r"(?m)^function \w+ in .*, line \d+$")

    def test_profile_writes_stats_into_the_temp_directory(self) -> None:
        run = bw("--profile", "test_basic", cwd=_suite(self))
        self.assertEqual(run.code, 1, run)
        data = os.path.join(run.cwd, "_trial_temp", "profile.data")
        functions = {name for _, _, name in pstats.Stats(data).stats}  # type: ignore[attr-defined]
        self.assertIn("test_ok", functions)
        self.assertIn("test_basic.py", run.temp_file("profile.txt"))
        self.assertIn("(test_fail)", run.temp_file("profile.txt"))

    def test_coverage_writes_data_and_a_report(self) -> None:
        try:
            import coverage
        except ImportError:
            self.skipTest("coverage.py is not installed (pip install -e '.[test]')")
        run = bw("--coverage", "test_basic", cwd=_suite(self))
        self.assertEqual(run.code, 1, run)
        report = run.temp_file("coverage.txt")
        self.assertRegex(report, r"(?m)^test_basic\.py\s+\d+\s+1\s+\d+%\s+14$")  # test_skip's pass
        self.assertNotIn("trialish", report)
        data = coverage.CoverageData(basename=os.path.join(run.cwd, "_trial_temp", ".coverage"))
        data.read()
        self.assertIn(os.path.join(run.cwd, "test_basic.py"), data.measured_files())

    def test_coverage_without_coverage_installed_is_a_usage_error(self) -> None:
        folder = _suite(self)
        fake = write_files(os.path.join(folder, "fake"), {
            "coverage/__init__.py": "raise ImportError('No module named coverage')\n"})
        run = bw("--coverage", "test_basic", cwd=folder, env={"PYTHONPATH": f"{fake}{os.pathsep}{REPO}"})
        self.assertEqual(run.code, 4, run)
        self.assertEqual(run.out, "")
        self.assertEqual(len(run.err.splitlines()), 1, run)
        self.assertIn("--coverage", run.err)
        self.assertIn("pip install coverage", run.err)
        self.assertFalse(os.path.exists(os.path.join(folder, "_trial_temp")))

    def test_tbformat_emacs_and_cgitb(self) -> None:
        folder = _suite(self)
        emacs = bw("--tbformat=emacs", "test_basic.Basic.test_fail", cwd=folder)
        self.assertIn("[FAIL]\nTraceback: trialish.FailTest: 2 != 3\n"
                      f"{folder}/test_basic.py:8:test_fail\n\ntest_basic.Basic.test_fail\n", emacs.out)
        cgitb = bw("--tbformat", "cgitb", "test_basic.Basic.test_fail", cwd=folder)
        self.assertIn("[FAIL]\nTraceback (most recent call last):\n"
                      f"{folder}/test_basic.py:8: test_fail(...)\ntrialish.FailTest: 2 != 3\n", cgitb.out)


class TestModule(TestCase):
    def test_runs_the_tests_the_header_names(self) -> None:
        folder = _suite(self)
        run = bw("--testmodule", "helper.py", "--testmodule=test_dirty.py", cwd=folder)
        self.assertEqual(sorted(outcomes(run.out)), [
            ("test_basic.Basic.test_ok", "OK"), ("test_basic.Basic.test_skip", "SKIPPED"),
            ("test_dirty.Dirty.test_leaves_a_call", "ERROR")], run)

    def test_a_missing_file_is_a_warning_and_no_header_no_tests(self) -> None:
        folder = _suite(self)
        run = bw("--testmodule", "nothere.py", "--testmodule", "fakedebugger.py", cwd=folder)
        self.assertEqual(run.code, 5, run)  # not: every test under the folder
        self.assertEqual(outcomes(run.out), [])
        self.assertIn("trialish: warning: --testmodule: file 'nothere.py' doesn't exist\n", run.err)


class Debug(TestCase):
    def test_pdb_starts_first_then_post_mortem_on_the_failing_line(self) -> None:
        run = with_input("c\np 40 + 2\nc\n", "-b", "--reporter=bwverbose", "test_basic", cwd=_suite(self))
        self.assertEqual(run.code, 1, run)
        self.assertIn("(Pdb) ", run.out)
        self.assertIn("Jumping into debugger for post-mortem of exception '2 != 3':\n"
                      f"> {run.cwd}/test_basic.py(8)test_fail()\n"
                      "-> self.assertEqual(1 + 1, 3)\n(Pdb) 42\n", run.out)
        self.assertEqual([s for _, s in outcomes(run.out.replace("(Pdb) ", ""))],
                         ["FAILURE", "OK", "SKIPPED"], run)

    def test_quitting_the_post_mortem_stops_the_run(self) -> None:
        run = with_input("c\nq\n", "-b", "--reporter=bwverbose", "test_basic", cwd=_suite(self))
        self.assertEqual(run.code, 2, run)
        self.assertIn("interrupted: 1 of 3 tests ran", run.err)

    def test_nopm_and_quitting_at_the_start(self) -> None:
        folder = _suite(self)
        run = with_input("c\n", "-b", "--nopm", "--reporter=bwverbose", "test_basic", cwd=folder)
        self.assertEqual(run.code, 1, run)
        self.assertNotIn("post-mortem", run.out)
        self.assertEqual(run.out.count("(Pdb) "), 1, run)
        quit_at_once = with_input("", "-b", "test_basic", cwd=folder)
        self.assertEqual(quit_at_once.code, 2, quit_at_once)
        self.assertIn("trialish: interrupted: the debugger quit", quit_at_once.err)

    def test_another_debugger_by_name(self) -> None:
        folder = _suite(self)
        run = bw("-b", "--debugger", "fakedebugger", "test_basic", cwd=folder)
        self.assertEqual(run.code, 1, run)
        self.assertTrue(run.out.startswith("Running the tests under the debugger"), run)
        self.assertIn("fakedebugger: runcall\n", run.out)
        self.assertIn("fakedebugger: post-mortem at test_fail line 8\n", run.out)
        missing = bw("-b", "--debugger", "nosuchdebugger", "test_basic", cwd=folder)
        self.assertEqual((missing.code, missing.out), (4, ""), missing)
        self.assertEqual(missing.err, "trialish: error: argument --debugger: cannot find "
                                      "'nosuchdebugger'\n")


class Conflicts(TestCase):
    def test_a_conflict_is_one_line_and_exit_4(self) -> None:
        folder = _suite(self)
        run = bw("-n", "-u", "test_basic", cwd=folder)
        self.assertEqual((run.code, run.out), (4, ""), run)
        self.assertEqual(run.err, textwrap.dedent("""\
            trialish: error: argument -u/--until-failure: cannot be combined with -n/--dry-run: \
a dry run always passes, so it would never stop (see trialish --help)
            """))
