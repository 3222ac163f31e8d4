"""Reporters draw trial's formats; colour only when wanted.

Unit: reporters fed with hand-made reports.  Black-box: the rep_blocks sample
(written against twisted.trial) run by trial and by trialish, compared line
for line, and the tree reporter's colours with FORCE_COLOR=1.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import tempfile

from trialish._reporters import (
    BwVerboseReporter,
    SummaryReporter,
    TextReporter,
    TimingReporter,
    TreeReporter,
    make_reporter,
    wants_colour,
)
from trialish._results import Kind, Problem, RunTotals, Status, TestReport

from ._support import Run, TestCase, copy_sample, normalise, temp_folder, trialish


def _tb(message: str) -> Problem:
    return Problem(Kind.ERROR, "test", "builtins.ValueError",
                   f"Traceback (most recent call last):\nFailure: builtins.ValueError: {message}\n")


REPORTS = [
    TestReport("pkg.mod.A.test_ok", Status.OK, duration=0.0123),
    TestReport("pkg.mod.A.test_err1", Status.ERROR, (_tb("same"),)),
    TestReport("pkg.mod.A.test_err2", Status.ERROR, (_tb("same"),)),
    TestReport("pkg.mod.B.test_unexpected", Status.UNEXPECTED_SUCCESS, reason="should fail",
               expected_errors=("builtins.KeyError", "builtins.OSError")),
    TestReport("pkg.mod.B.test_fail", Status.FAIL,
               (Problem(Kind.FAILURE, "test", "trialish.FailTest", "Traceback:\nFailTest: no\n"),)),
    TestReport("pkg.mod.B.test_todo", Status.TODO, (_tb("expected"),), reason="not yet"),
    TestReport("pkg.other.C.test_skip1", Status.SKIP, reason="why"),
    TestReport("pkg.other.C.test_skip2", Status.SKIP, reason="why", warnings=("f.py:1: UserWarning: w",)),
]


class _Stream(io.StringIO):
    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def draw(reporter: TextReporter, reports: list[TestReport] = REPORTS, elapsed: float = 1.5) -> str:
    reporter.run_started(len(reports))
    for report in reports:
        reporter.test_started(report.test_id)
        reporter.test_finished(report)
    reporter.run_finished(RunTotals(list(reports), elapsed))
    return reporter.stream.getvalue()  # type: ignore[attr-defined]


class Colour(TestCase):
    def test_terminal_only(self) -> None:
        self.assertTrue(wants_colour(_Stream(True), {"TERM": "xterm"}))
        self.assertFalse(wants_colour(_Stream(False), {}))
        self.assertFalse(wants_colour(_Stream(True), {"TERM": "dumb"}))
        self.assertFalse(wants_colour(object(), {}))  # type: ignore[arg-type]

    def test_no_color_and_force_color(self) -> None:
        self.assertFalse(wants_colour(_Stream(True), {"NO_COLOR": "1"}))
        self.assertTrue(wants_colour(_Stream(False), {"FORCE_COLOR": "1"}))
        self.assertFalse(wants_colour(_Stream(False), {"FORCE_COLOR": "1", "NO_COLOR": "1"}))
        self.assertTrue(wants_colour(_Stream(True), {"NO_COLOR": ""}))  # empty: not set
        self.assertFalse(wants_colour(_Stream(False), {"FORCE_COLOR": ""}))

    def test_tree_reporter_asks_its_stream(self) -> None:
        self.patch(os, "environ", {})
        self.assertTrue(TreeReporter(_Stream(True)).colour)
        self.assertFalse(TreeReporter(_Stream(False)).colour)
        self.patch(os, "environ", {"NO_COLOR": "1"})
        self.assertFalse(TreeReporter(_Stream(True)).colour)
        self.assertFalse(BwVerboseReporter(_Stream(True)).colour)  # "bw": never


class Formats(TestCase):
    def test_blocks_in_trials_order_with_identical_bodies_grouped(self) -> None:
        out = draw(TextReporter(io.StringIO()))
        headers = re.findall(r"^\[(SKIPPED|TODO|FAIL|ERROR|SUCCESS!\?!)\]$", out, re.M)
        self.assertEqual(headers, ["SKIPPED", "TODO", "FAIL", "ERROR", "SUCCESS!?!"])
        self.assertIn("=" * 79 + "\n[SKIPPED]\nwhy\n\npkg.other.C.test_skip1\npkg.other.C.test_skip2\n", out)
        self.assertIn("[ERROR]\nTraceback (most recent call last):\nFailure: builtins.ValueError: same\n\n"
                      "pkg.mod.A.test_err1\npkg.mod.A.test_err2\n", out)
        self.assertIn("[TODO]\nReason: 'not yet'\nTraceback (most recent call last):\n", out)
        self.assertIn("[SUCCESS!?!]\nReason: 'should fail'\n"
                      "Expected errors: builtins.KeyError, builtins.OSError\n\n"
                      "pkg.mod.B.test_unexpected\n", out)

    def test_text_closing_lines(self) -> None:
        out = draw(TextReporter(io.StringIO()))
        # A test's warnings follow its letter, each on its own line (as in trial).
        self.assertTrue(out.startswith(".EE!FTSSf.py:1: UserWarning: w\n\n"), out)
        self.assertTrue(out.endswith(
            "-" * 79 + "\nRan 8 tests in 1.500s\n\nFAILED (skips=2, expectedFailures=1, failures=1, "
            "errors=2, unexpectedSuccesses=1, successes=1)\n"), out)

    def test_passed_verdict(self) -> None:
        reports = [TestReport("m.C.test_a", Status.OK), TestReport("m.C.test_b", Status.SKIP, reason="r"),
                   TestReport("m.C.test_c", Status.UNEXPECTED_SUCCESS, reason="r")]
        out = draw(TextReporter(io.StringIO()), reports, 0.25)
        self.assertTrue(out.endswith("Ran 3 tests in 0.250s\n\n"
                                     "PASSED (skips=1, unexpectedSuccesses=1, successes=1)\n"), out)

    def test_bwverbose_and_timing(self) -> None:
        out = draw(BwVerboseReporter(io.StringIO()))
        self.assertTrue(out.startswith("pkg.mod.A.test_ok ... [OK]\npkg.mod.A.test_err1 ... [ERROR]\n"))
        self.assertIn("pkg.mod.B.test_fail ... [FAILURE]\n", out)
        self.assertIn("pkg.mod.B.test_unexpected ... [SUCCESS!?!]\n", out)
        timing = draw(TimingReporter(io.StringIO()))
        self.assertTrue(timing.startswith("pkg.mod.A.test_ok ... [OK]\n(0.012 secs)\n"), timing)

    def test_summary(self) -> None:
        out = draw(SummaryReporter(io.StringIO()))
        self.assertEqual(out, "f.py:1: UserWarning: w\n" + "-" * 79
                         + "\nRan 8 tests in 1.500s\n\n1.5 8 8 2 1 2\n")

    def test_tree(self) -> None:
        out = draw(TreeReporter(io.StringIO(), colour=False))
        self.assertTrue(out.startswith(
            "pkg.mod\n  A\n    test_ok ..." + " " * 60 + "[OK]\n    test_err1 ..."), out)
        self.assertIn("  B\n    test_unexpected ...", out)
        self.assertIn("pkg.other\n  C\n    test_skip1 ...", out)
        for line in out.splitlines()[:12]:
            if line.endswith("]"):
                self.assertEqual(len(line), 79, line)

    def test_tree_in_colour(self) -> None:
        out = draw(TreeReporter(io.StringIO(), colour=True))
        for label, code in (("[OK]", 32), ("[ERROR]", 31), ("[FAIL]", 31), ("[SKIPPED]", 34),
                            ("[TODO]", 34), ("[SUCCESS!?!]", 31)):
            self.assertIn(f"\x1b[{code};1m{label}\x1b[0m\n", out)
        self.assertIn("\x1b[31;1mFAILED\x1b[0m (skips=2,", out)

    def test_names(self) -> None:
        self.assertIsInstance(make_reporter("verbose", io.StringIO()), TreeReporter)
        self.assertIsInstance(make_reporter("timing", io.StringIO()), TimingReporter)

    def test_closed_output_does_not_break_the_run(self) -> None:
        stream = io.StringIO()
        stream.close()
        reporter = TextReporter(stream)
        reporter.test_finished(REPORTS[0])
        reporter.run_finished(RunTotals([REPORTS[0]]))


def _trial_command() -> str | None:
    candidate = os.path.join(os.path.dirname(sys.executable), "trial")
    return candidate if os.path.exists(candidate) else shutil.which("trial")


_FOLDER: list[str] = []


def _sample_folder() -> str:
    if not _FOLDER:
        _FOLDER.append(copy_sample("rep_blocks", temp_folder("rep_blocks-")))
    return _FOLDER[0]


def _times(text: str) -> str:
    text = normalise(text)
    text = re.sub(r"\(\d+\.\d{3} secs\)", "(X secs)", text)
    return re.sub(r"^\d+(\.\d+)?(e-\d+)? (\d+ \d+ \d+ \d+ \d+)$", r"T \3", text, flags=re.M)


class SameAsTrial(TestCase):
    """rep_blocks run by both runners, for the reporters test_trial_output leaves out."""

    def compare(self, reporter: str) -> str:
        trial = _trial_command()
        if trial is None:
            self.skipTest("trial is not installed")
        folder = _sample_folder()
        env = dict(os.environ, PYTHONPATH=folder)
        env.pop("FORCE_COLOR", None)
        theirs = subprocess.run([trial, f"--reporter={reporter}", "test_blocks"], cwd=folder, env=env,
                                capture_output=True, text=True, timeout=120)
        ours = trialish(f"--reporter={reporter}", "test_blocks", cwd=folder)
        self.assertEqual((ours.code, theirs.returncode), (1, 1), ours)
        self.assertEqual(_times(ours.out), _times(theirs.stdout))
        return ours.out

    def test_text_blocks_grouped_in_order(self) -> None:
        out = self.compare("text")
        headers = re.findall(r"^\[(SKIPPED|TODO|FAIL|ERROR|SUCCESS!\?!)\]$", out, re.M)
        self.assertEqual(headers, ["SKIPPED", "SKIPPED", "TODO", "FAIL", "FAIL", "ERROR", "SUCCESS!?!"])
        self.assertIn("\ntest_blocks.Blocks.test_fail_one\ntest_blocks.Blocks.test_fail_two\n", out)
        self.assertIn("FAILED (skips=3, expectedFailures=2, failures=3, errors=2, "
                      "unexpectedSuccesses=2, successes=2)\n", out)

    def test_summary(self) -> None:
        out = self.compare("summary")
        self.assertRegex(out, r"\nRan 14 tests in \d+\.\d{3}s\n\n\S+ 14 14 2 3 3\n$")

    def test_timing(self) -> None:
        out = self.compare("timing")
        self.assertRegex(out, r"^test_blocks\.Blocks\.test_error_one \.\.\. \[ERROR\]\n\(\d+\.\d{3} secs\)\n")


class ColourBlackBox(TestCase):
    def test_force_color_paints_the_tree(self) -> None:
        run: Run = trialish("test_blocks", cwd=_sample_folder(), env={"FORCE_COLOR": "1"})
        self.assertRegex(run.out, r"    test_pass_one \.\.\. +\x1b\[32;1m\[OK\]\x1b\[0m\n")
        self.assertRegex(run.out, r"    test_error_one \.\.\. +\x1b\[31;1m\[ERROR\]\x1b\[0m\n")
        self.assertIn("\x1b[31;1mFAILED\x1b[0m (skips=3,", run.out)
        self.assertEqual(run.code, 1)

    def test_not_a_terminal_no_colour(self) -> None:
        run = trialish("--reporter=verbose", "test_blocks", cwd=_sample_folder())
        self.assertNotIn("\x1b[", run.out)
        self.assertIn("    test_pass_one ...", run.out)


class RealTime(TestCase):
    """``-e``: a failed test's tracebacks come before its status, as in trial."""

    REPORTS = [REPORTS[0], REPORTS[4], REPORTS[5]]  # ok, fail, todo (an expected failure)
    FAILURE = "Traceback:\nFailTest: no\n"

    def test_each_reporter(self) -> None:
        expected = {
            "bwverbose": f"pkg.mod.B.test_fail ... {self.FAILURE}[FAILURE]\n",
            "timing": f"pkg.mod.B.test_fail ... {self.FAILURE}[FAILURE]\n(0.000 secs)\n",
            "text": f".{self.FAILURE}FT\n",
            "summary": self.FAILURE + "-" * 79,
            # trial pads counting from the traceback: a long one, no padding at all.
            "verbose": f"    test_fail ... {self.FAILURE}{' ' * (79 - len(self.FAILURE) - 6)}[FAIL]\n",
        }
        for name, text in expected.items():
            out = draw(make_reporter(name, io.StringIO(), realtime=True), self.REPORTS)
            self.assertIn(text, out, name)
            self.assertEqual(out.count("FailTest: no"), 1 if name == "summary" else 2, name)
            self.assertEqual(out.count("ValueError: expected"), 0 if name == "summary" else 1, name)

    def test_off_by_default(self) -> None:
        out = draw(make_reporter("bwverbose", io.StringIO()), self.REPORTS)
        self.assertIn("pkg.mod.B.test_fail ... [FAILURE]\n", out)


class UnprintableNames(TestCase):
    """Test names with control characters or undecodable bytes are escaped, never lost."""

    SOURCE = (
        "from trialish import TestCase\n\n"
        "class Names(TestCase):\n    pass\n\n"
        "setattr(Names, 'test_bell\\x07name', lambda self: None)\n"
        "setattr(Names, 'test_bad\\udcffbytes', lambda self: self.fail('x'))\n"
        "setattr(Names, 'test_plain', lambda self: None)\n"
    )

    def test_every_status_line_survives_a_strict_encoding(self) -> None:
        folder = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, folder)
        with open(os.path.join(folder, "test_names.py"), "w", encoding="utf-8") as handle:
            handle.write(self.SOURCE)
        for reporter in ("verbose", "bwverbose"):
            run = trialish("--reporter", reporter, "test_names.py", cwd=folder,
                           env={"PYTHONIOENCODING": "utf-8:strict"})
            self.assertEqual(run.code, 1, run)
            self.assertNotIn("\x07", run.out)
            self.assertEqual(len(re.findall(r"\[(OK|FAIL|FAILURE)\]", run.out)), 4, run)
            self.assertIn("test_bell\\x07name", run.out)
            self.assertIn("test_names.Names.test_bad\\udcffbytes\n", run.out)
