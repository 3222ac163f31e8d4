"""trialish's TestCase under other runners (issue 11, section 2).

``trialish.TestCase.run(result)``, called by ``python -m unittest`` or pytest,
must run the test through trialish's engine (Deferreds and coroutines waited
for with the test's timeout, the janitor, todo), so the three runners give,
test for test, the same outcome on the sample suite tests/samples/three_runners.

Each runner prints outcomes in its own words; the parsers below read them
into one vocabulary: pass, fail, error, skip, xfail (a todo that failed: an
expected failure) and xpass (a todo that passed: an unexpected success).

=====================  =====================  ======================  ===========
outcome                trialish / trial        python -m unittest -v   pytest -v
                       --reporter=bwverbose
=====================  =====================  ======================  ===========
pass                   [OK]                    ok                      PASSED
fail                   [FAIL] / [FAILURE]      FAIL                    FAILED
error                  [ERROR]                 ERROR                   FAILED
skip                   [SKIPPED]               skipped 'reason'        SKIPPED
xfail                  [TODO]                  expected failure        XFAIL
xpass                  [SUCCESS!?!]            unexpected success      FAILED (1)
=====================  =====================  ======================  ===========

pytest cannot tell a failure from an error in a unittest-style test: its
result object records addFailure and addError alike and the test is FAILED.
(An ERROR line for a unittest-style test means a pytest fixture broke, or a
second problem of a test already FAILED: pytest reports each problem after
the first at teardown.  Read as "pytest-ERROR", it matches nothing expected.)
We do not guess which it was from the exception's type (an assertion failing
in setUp is an ERROR for trial and trialish, a FailTest all the same): for
pytest, expected "fail" and "error" both become "failed", and the distinction
is checked exactly by the two other runners.

(1) pytest reports an unexpected success as FAILED with the message
"Unexpected success" ("explicitly not an XPASS": pytest keeps unittest's
rule), so FAILED with that message in the short summary is read as xpass.
pytest's XPASS only exists for @pytest.mark.xfail and matches nothing.

Exit codes: every runner must exit non-zero, the suite has failures.  On
unexpected successes alone they would differ: trial's and trialish's
wasSuccessful() ignores them (trial keeps the pre-3.4 rule), the stdlib's
fails since Python 3.4, and pytest counts the test as failed.

TwistedTrialReference runs the same suite written against twisted.trial and
checks the harness (the expected table, the parsers) against Twisted's own
trial; what trial's TestCase gives under unittest and pytest is recorded
there, not asserted.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from typing import Callable

from ._support import REPO, Run, TestCase, copy_sample, write_files

SAMPLE = "three_runners"
MODULE = "test_three"

# What each test must give: its name starts with it (checked below).
EXPECTED = {
    "Outcomes.test_pass_plain": "pass",
    "Outcomes.test_fail_assertion": "fail",
    "Outcomes.test_fail_bare_assert": "fail",
    "Outcomes.test_error_exception": "error",
    "Outcomes.test_pass_deferred_fires_later": "pass",
    "Outcomes.test_fail_deferred_assertion_later": "fail",
    "Outcomes.test_fail_deferred_assertionerror_later": "fail",
    "Outcomes.test_error_deferred_fails_later": "error",
    "Outcomes.test_pass_async_awaits_deferred": "pass",
    "Outcomes.test_fail_async_after_await": "fail",
    "Outcomes.test_skip_attribute": "skip",
    "Outcomes.test_skip_raised": "skip",
    "Outcomes.test_xfail_todo_fails": "xfail",
    "Outcomes.test_xfail_todo_deferred_fails_later": "xfail",
    "Outcomes.test_xpass_todo_passes": "xpass",
    "Outcomes.test_error_timeout_never_fires": "error",
    "Outcomes.test_error_dirty_reactor_pending_call": "error",
    "SkippedClass.test_skip_class_attribute": "skip",
    "SetUpDeferredFails.test_error_setup_deferred_fails": "error",
    "SetUpAsserts.test_error_setup_assertion": "error",
    "CleanupDeferredFails.test_error_cleanup_deferred_fails": "error",
    "Synchronous.test_pass_sync": "pass",
    "Synchronous.test_fail_sync": "fail",
}

# Where twisted.trial itself differs from trialish on this suite: trial's
# failureException is its FailTest, so a bare AssertionError is an ERROR there;
# trialish counts every AssertionError as a failure.
TRIAL_DIFFERS = {
    "Outcomes.test_fail_bare_assert": "error",
    "Outcomes.test_fail_deferred_assertionerror_later": "error",
}


def for_pytest(outcome: str) -> str:
    """An outcome as pytest can say it: failure and error are both FAILED."""
    return "failed" if outcome in ("fail", "error") else outcome


# -- parsers --------------------------------------------------------------------------
#
# Each returns (outcomes, statuses, summary): {Class.method: outcome} (several
# statuses for one test are joined with "+", a test announced with none is
# "none"), a Counter of every status line read, and the Counter the runner's
# own summary line gives, to check the first two against.


def _segments(text: str, header: str) -> list[tuple[re.Match[str], str]]:
    """Each header match with the text up to the next one (where its status is)."""
    matches = list(re.finditer(header, text, re.M))
    ends = [m.start() for m in matches[1:]] + [len(text)]
    return [(m, text[m.end():end]) for m, end in zip(matches, ends)]


def _collect(found: dict[str, list[str]]) -> dict[str, str]:
    return {key: "+".join(statuses) if statuses else "none" for key, statuses in found.items()}


_TRIAL_WORDS = {"OK": "pass", "FAIL": "fail", "FAILURE": "fail", "ERROR": "error",
                "SKIPPED": "skip", "TODO": "xfail", "SUCCESS!?!": "xpass"}
_TRIAL_SUMMARY = {"successes": "pass", "failures": "fail", "errors": "error", "skips": "skip",
                  "expectedFailures": "xfail", "unexpectedSuccesses": "xpass"}


def parse_trial(out: str) -> tuple[dict[str, str], Counter[str], Counter[str]]:
    """trial's or trialish's ``--reporter=bwverbose``: ``mod.Class.test ... [OK]``."""
    lines = out.split("\n" + "=" * 79 + "\n", 1)[0]
    found: dict[str, list[str]] = {}
    statuses: Counter[str] = Counter()
    for match, rest in _segments(lines, r"^([\w.]+) \.\.\. "):
        key = ".".join(match.group(1).split(".")[-2:])
        found.setdefault(key, [])
        status = re.search(r"(?:^|\.\.\. )\[(OK|FAIL|FAILURE|ERROR|SKIPPED|TODO|SUCCESS!\?!)\]$",
                           "... " + rest, re.M)
        if status:
            found[key].append(_TRIAL_WORDS[status.group(1)])
            statuses[_TRIAL_WORDS[status.group(1)]] += 1
    statuses["tests"] = len(found)
    summary: Counter[str] = Counter()
    ran = re.search(r"^Ran (\d+) tests? in ", out, re.M)
    summary["tests"] = int(ran.group(1)) if ran else -1
    line = re.search(r"^(?:PASSED|FAILED) \((.*)\)$", out, re.M)
    for name, count in re.findall(r"(\w+)=(\d+)", line.group(1) if line else ""):
        summary[_TRIAL_SUMMARY.get(name, name)] += int(count)
    return _collect(found), statuses, summary


_UNITTEST_STATUS = re.compile(
    r"(?:^|\.\.\. )(ok|FAIL|ERROR|skipped(?: .*)?|expected failure|unexpected success)$", re.M)
_UNITTEST_WORDS = {"ok": "pass", "FAIL": "fail", "ERROR": "error", "skipped": "skip",
                   "expected failure": "xfail", "unexpected success": "xpass"}
_UNITTEST_SUMMARY = {"failures": "fail", "errors": "error", "skipped": "skip",
                     "expected failures": "xfail", "unexpected successes": "xpass"}


def parse_unittest(out: str) -> tuple[dict[str, str], Counter[str], Counter[str]]:
    """``python -m unittest -v``, written to stderr.

    A test is announced as ``test_x (mod.Class.test_x)`` (``(mod.Class)``
    before Python 3.11), then `` ... `` and its status.  Variations: the first
    docstring line (or, for trial's TestCase, the method name) on a line of
    its own before `` ... ``; warnings printed between `` ... `` and the
    status, which then starts a line; no status at all (the next test's
    announcement then follows `` ... `` on the same line); one announcement
    per status when a test gets several.
    """
    lines = re.split(r"^(?:=|-){70}$", out, maxsplit=1, flags=re.M)[0]
    found: dict[str, list[str]] = {}
    statuses: Counter[str] = Counter()
    header = r"(?:^|(?<=\.\.\. ))(\w+) \(([\w.]+)\)(?:\n[^\n]*?)? \.\.\. "
    for match, rest in _segments(lines, header):
        method, where = match.groups()
        parts = where.split(".")
        cls = parts[-2] if parts[-1] == method and len(parts) > 1 else parts[-1]
        key = f"{cls}.{method}"
        found.setdefault(key, [])
        status = _UNITTEST_STATUS.search("... " + rest)
        if status:
            word = _UNITTEST_WORDS[status.group(1).split(" '")[0].split(' "')[0]]
            found[key].append(word)
            statuses[word] += 1
    del statuses["pass"]  # unittest's summary counts tests run, not passes
    statuses["tests"] = len(found)
    summary: Counter[str] = Counter()
    ran = re.search(r"^Ran (\d+) tests? in ", out, re.M)
    summary["tests"] = int(ran.group(1)) if ran else -1
    line = re.search(r"^(?:OK|FAILED)(?: \((.*)\))?$", out, re.M)
    for name, count in re.findall(r"([a-z ]+)=(\d+)", (line.group(1) or "") if line else ""):
        summary[_UNITTEST_SUMMARY[name.strip()]] += int(count)
    return _collect(found), statuses, summary


_PYTEST_SUMMARY = {"passed": "pass", "failed": "failed", "skipped": "skip", "xfailed": "xfail",
                   "xpassed": "pytest-XPASS", "error": "pytest-ERROR", "errors": "pytest-ERROR"}


def parse_pytest(out: str) -> tuple[dict[str, str], Counter[str], Counter[str]]:
    """``pytest -v -rfE``: ``file.py::Class::test PASSED  [ 4%]``, and the short summary."""
    unexpected = {
        nodeid for nodeid, message in re.findall(r"^FAILED (\S+) - (.*)$", out, re.M)
        if re.match(r"(?:Failed: )?Unexpected success\b", message)
    }
    found: dict[str, list[str]] = {}
    statuses: Counter[str] = Counter()
    for nodeid, word in re.findall(
            r"^(\S+::\S+) (PASSED|FAILED|SKIPPED|XFAIL|XPASS|ERROR)\b", out, re.M):
        key = ".".join(nodeid.split("::")[1:])
        outcome = {"PASSED": "pass", "FAILED": "failed", "SKIPPED": "skip", "XFAIL": "xfail",
                   "XPASS": "pytest-XPASS", "ERROR": "pytest-ERROR"}[word]
        statuses[outcome] += 1
        if outcome == "failed" and nodeid in unexpected:
            outcome = "xpass"
        found.setdefault(key, []).append(outcome)
    statuses["tests"] = len(found)
    summary: Counter[str] = Counter()
    collected = re.search(r"^collect(?:ing \.\.\. collect)?ed (\d+) items?", out, re.M)
    summary["tests"] = int(collected.group(1)) if collected else -1
    line = re.search(r"^=+ (.*\d+ \w+.*) in [\d.]+s", out.rstrip().rsplit("\n", 1)[-1])
    for count, name in re.findall(r"(\d+) (\w+)", line.group(1) if line else ""):
        if name in _PYTEST_SUMMARY:
            summary[_PYTEST_SUMMARY[name]] += int(count)
    return _collect(found), statuses, summary


# -- running ----------------------------------------------------------------------


def run_concurrently(commands: dict[str, tuple[list[str], str]]) -> dict[str, Run]:
    """Run ``{name: (argv, cwd)}`` at once; stdout and stderr interleaved in ``out``."""
    environment = dict(os.environ, PYTHONPATH=REPO, PYTHONDONTWRITEBYTECODE="1",
                       COLUMNS="400")  # pytest must not cut its short summary
    for name in ("FORCE_COLOR", "PYTEST_ADDOPTS", "PYTEST_PLUGINS"):
        environment.pop(name, None)
    started = {}
    for name, (argv, cwd) in commands.items():
        output = tempfile.TemporaryFile("w+", encoding="utf-8")
        process = subprocess.Popen(argv, cwd=cwd, env=environment, stdout=output,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True)
        started[name] = (process, output, cwd)
    runs = {}
    for name, (process, output, cwd) in started.items():
        try:
            code = process.wait(timeout=120)
        except subprocess.TimeoutExpired:
            process.kill()
            code = process.wait()
        output.seek(0)
        runs[name] = Run(code, output.read(), "", cwd)
        output.close()
    return runs


def runner_commands(folder: str, trial: str) -> dict[str, tuple[list[str], str]]:
    """The three runners on ``MODULE`` in ``folder``; ``trial`` runs trial's runner."""
    return {
        "trial": ([sys.executable, "-m", trial, "--reporter=bwverbose", MODULE], folder),
        "unittest": ([sys.executable, "-m", "unittest", "-v", MODULE], folder),
        "pytest": ([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-rfE",
                    MODULE + ".py"], folder),
    }


PARSERS: dict[str, Callable[[str], tuple[dict[str, str], Counter[str], Counter[str]]]] = {
    "trial": parse_trial, "unittest": parse_unittest, "pytest": parse_pytest,
}


class _ThreeRunners(TestCase):
    """Runs the sample once per class under the three runners, at the same time."""

    trial_runner = ""  # the module run as trial: trialish or twisted.trial
    maxDiff = None

    @classmethod
    def prepare(cls, folder: str) -> str:
        return copy_sample(SAMPLE, folder)

    @classmethod
    def setUpClass(cls) -> None:
        folder = tempfile.mkdtemp(prefix="three-runners-")
        cls.addClassCleanup(shutil.rmtree, folder, ignore_errors=True)
        cls.runs = run_concurrently(runner_commands(cls.prepare(folder), cls.trial_runner))
        cls.parsed = {name: PARSERS[name](run.out) for name, run in cls.runs.items()}

    def outcomes(self, runner: str) -> dict[str, str]:
        return self.parsed[runner][0]

    def check_summary(self, runner: str) -> None:
        """The parser read every status line the runner's own summary counts."""
        _, statuses, summary = self.parsed[runner]
        self.assertTrue(summary, f"no summary line read\n{self.runs[runner]}")
        self.assertEqual(+statuses, +summary, self.runs[runner])


class TrialishUnderOtherRunners(_ThreeRunners):
    """The proof for issue 11 section 2: fails until TestCase.run() uses the engine."""

    trial_runner = "trialish"

    def test_expected_table_follows_the_names(self) -> None:
        for key, outcome in EXPECTED.items():
            self.assertTrue(key.split(".")[1].startswith(f"test_{outcome}_"), key)

    def test_trialish_gives_the_expected_outcomes(self) -> None:
        self.assertEqual(self.outcomes("trial"), EXPECTED, self.runs["trial"])

    def test_unittest_gives_the_expected_outcomes(self) -> None:
        self.assertEqual(self.outcomes("unittest"), EXPECTED, self.runs["unittest"])

    def test_pytest_gives_the_expected_outcomes(self) -> None:
        expected = {key: for_pytest(outcome) for key, outcome in EXPECTED.items()}
        self.assertEqual(self.outcomes("pytest"), expected, self.runs["pytest"])

    def test_the_three_runners_agree_test_for_test(self) -> None:
        trialish = self.outcomes("trial")
        self.assertEqual(self.outcomes("unittest"), trialish, self.runs["unittest"])
        self.assertEqual(self.outcomes("pytest"),
                         {key: for_pytest(outcome) for key, outcome in trialish.items()},
                         self.runs["pytest"])

    def test_same_tests_and_no_phantom_runTest(self) -> None:
        for runner in PARSERS:
            found = self.outcomes(runner)
            phantoms = [key for key in found if key.endswith(".runTest")]
            self.assertEqual(phantoms, [], f"{runner} collected a phantom test\n{self.runs[runner]}")
            self.assertEqual(sorted(found), sorted(EXPECTED), self.runs[runner])
            self.assertEqual(len(found), len(EXPECTED))

    def test_every_runner_exits_non_zero(self) -> None:
        for runner, run in self.runs.items():
            self.assertEqual(run.code, 1, f"{runner}: {run}")

    def test_summaries_agree_with_the_lines_read(self) -> None:
        for runner in PARSERS:
            self.check_summary(runner)


# What trial's own TestCase gives under the other runners (Twisted 26.10,
# pytest 9.2, Python 3.11), recorded, not asserted; trial itself gives the
# expected table bar TRIAL_DIFFERS.
#   python -m unittest: everything as trial says except the two todo tests
#     that fail, which get no outcome at all (trial calls the stdlib result's
#     addExpectedFailure through PyUnitResultAdapter with an argument too many),
#     and the todo that passes, FAIL (UnsupportedTrialFeature); and two phantom
#     tests, SynchronousTestCase.runTest and TestCase.runTest, both ok.
#   pytest: as trial says, fail and error alike FAILED, except the todo tests
#     that fail, PASSED, and the todo that passes, FAILED with
#     UnsupportedTrialFeature instead of "Unexpected success"; no phantom test
#     (pytest leaves out twisted.trial's runTest by name).
#   The dirty reactor, timeouts and Deferreds work everywhere: trial's run()
#   is its whole engine.


class TwistedTrialReference(_ThreeRunners):
    """The same suite against twisted.trial: checks the table and the parsers."""

    trial_runner = "twisted.trial"

    @classmethod
    def prepare(cls, folder: str) -> str:
        sample = copy_sample(SAMPLE, folder)
        with open(os.path.join(sample, MODULE + ".py"), encoding="utf-8") as handle:
            source = handle.read()
        ours = "from trialish import SkipTest, SynchronousTestCase, TestCase\n"
        assert source.count(ours) == 1, "the sample's import line changed"
        theirs = "from twisted.trial.unittest import SkipTest, SynchronousTestCase, TestCase\n"
        write_files(sample, {MODULE + ".py": source.replace(ours, theirs)})
        return sample

    def test_trial_gives_the_expected_outcomes_but_for_bare_assertions(self) -> None:
        self.assertEqual(self.outcomes("trial"), {**EXPECTED, **TRIAL_DIFFERS}, self.runs["trial"])

    def test_every_test_is_read_once_under_each_runner(self) -> None:
        for runner in PARSERS:
            found = self.outcomes(runner)
            real = sorted(key for key in found if not key.endswith(".runTest"))
            self.assertEqual(real, sorted(EXPECTED), self.runs[runner])

    def test_summaries_agree_with_the_lines_read(self) -> None:
        for runner in PARSERS:
            self.check_summary(runner)

    def test_every_runner_exits_non_zero(self) -> None:
        for runner, run in self.runs.items():
            self.assertEqual(run.code, 1, f"{runner}: {run}")


class ParsersUnit(TestCase):
    """The parsers on real output (trimmed) for what the sample runs cannot show today."""

    maxDiff = None

    def test_unittest_variations(self) -> None:
        out = (
            "test_both (test_std.Std.test_both) ... FAIL\n"
            "test_both (test_std.Std.test_both) ... ERROR\n"
            "test_doc (test_std.Std.test_doc)\n"
            "First docstring line. ... noise\n"
            "ok\n"
            "test_old (test_std.Std) ... ok\n"  # before Python 3.11
            "test_skip (test_std.Std.test_skip) ... skipped 'why not'\n"
            "test_xfail (test_std.Std.test_xfail) ... expected failure\n"
            "test_lost (test_std.Trial.test_lost)\n"  # trial's TestCase losing its todo
            "test_lost ... test_xpass (test_std.Std.test_xpass) ... unexpected success\n"
            "\n" + "=" * 70 + "\n"
            "ERROR: test_both (test_std.Std.test_both)\n"
            "test_both ... ok\n"
            + "-" * 70 + "\n"
            "Ran 7 tests in 0.001s\n\n"
            "FAILED (failures=1, errors=1, skipped=1, expected failures=1, unexpected successes=1)\n"
        )
        outcomes, statuses, summary = parse_unittest(out)
        self.assertEqual(outcomes, {
            "Std.test_both": "fail+error", "Std.test_doc": "pass", "Std.test_old": "pass",
            "Std.test_skip": "skip", "Std.test_xfail": "xfail", "Trial.test_lost": "none",
            "Std.test_xpass": "xpass",
        })
        self.assertEqual(statuses, summary)

    def test_pytest_variations(self) -> None:
        out = (
            "collecting ... collected 5 items\n\n"
            "test_std.py::Std::test_both FAILED                      [ 20%]\n"
            "test_std.py::Std::test_both ERROR                       [ 20%]\n"
            "test_std.py::Std::test_doc PASSED                       [ 40%]\n"
            "test_std.py::Std::test_skip SKIPPED (why not)           [ 60%]\n"
            "test_std.py::Std::test_xfail XFAIL                      [ 80%]\n"
            "test_std.py::Std::test_xpass FAILED                     [100%]\n\n"
            "=========================== short test summary info ============================\n"
            "FAILED test_std.py::Std::test_both - AssertionError: and\n"
            "FAILED test_std.py::Std::test_xpass - Failed: Unexpected success\n"
            "ERROR test_std.py::Std::test_both - ZeroDivisionError: division by zero\n"
            "========== 2 failed, 1 passed, 1 skipped, 1 xfailed, 1 error in 0.04s ==========\n"
        )
        outcomes, statuses, summary = parse_pytest(out)
        self.assertEqual(outcomes, {
            "Std.test_both": "failed+pytest-ERROR", "Std.test_doc": "pass", "Std.test_skip": "skip",
            "Std.test_xfail": "xfail", "Std.test_xpass": "xpass",
        })
        self.assertEqual(statuses, summary)

    def test_trial_variations(self) -> None:
        out = (
            "m.C.test_a ... [OK]\n"
            "m.C.test_b ... printed by the test\n"
            "[FAILURE]\n"
            "m.C.test_c ... [TODO]\n"
            "m.C.test_d ... [SUCCESS!?!]\n"
            "\n" + "=" * 79 + "\n"
            "[FAIL]\n"
            "m.C.test_b\n"
            + "-" * 79 + "\n"
            "Ran 4 tests in 0.010s\n\n"
            "FAILED (expectedFailures=1, failures=1, unexpectedSuccesses=1, successes=1)\n"
        )
        outcomes, statuses, summary = parse_trial(out)
        self.assertEqual(outcomes, {"C.test_a": "pass", "C.test_b": "fail", "C.test_c": "xfail",
                                    "C.test_d": "xpass"})
        self.assertEqual(statuses, summary)
