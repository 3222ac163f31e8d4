"""``.trialish/state.json``: the failed tests and durations kept between runs."""

from __future__ import annotations

import json
import os
import stat

from trialish._results import Status, TestReport
from trialish._state import State, load, path_in, record, save, updated

from ._support import TestCase, copy_sample, trialish


class StateFile(TestCase):
    def setUp(self) -> None:
        self.folder = os.path.abspath(self.mktemp())
        os.makedirs(self.folder)

    def test_nothing_recorded(self) -> None:
        self.assertEqual(load(self.folder), State())

    def test_round_trip_and_gitignore(self) -> None:
        save(self.folder, State({"a.B.test_c"}, {"a.B.test_c": 0.25, "a.B.test_d": 1.0}))
        self.assertEqual(load(self.folder), State({"a.B.test_c"}, {"a.B.test_c": 0.25, "a.B.test_d": 1.0}))
        with open(os.path.join(self.folder, ".trialish", ".gitignore")) as handle:
            self.assertIn("*", handle.read().splitlines())
        # Written atomically: no temporary file is left behind.
        self.assertEqual(sorted(os.listdir(os.path.join(self.folder, ".trialish"))),
                         [".gitignore", "state.json"])

    def test_unreadable_or_foreign_files_count_as_nothing(self) -> None:
        os.makedirs(os.path.join(self.folder, ".trialish"))
        for content in ("{not json", "[1, 2]", json.dumps({"version": 99, "failed": ["x"]}),
                        json.dumps({"version": 1, "failed": "x", "durations": [1]})):
            with open(path_in(self.folder), "w") as handle:
                handle.write(content)
            self.assertEqual(load(self.folder), State(), content)

    def test_only_the_tests_that_ran_change(self) -> None:
        before = State({"m.A.test_fixed", "m.A.test_not_run"}, {"m.A.test_not_run": 2.0})
        after = updated(before, [
            TestReport("m.A.test_fixed", Status.OK, duration=0.5),
            TestReport("m.A.test_new_failure", Status.FAIL, duration=0.125),
            TestReport("m.A.test_error", Status.ERROR),
            TestReport("m.A.test_skip", Status.SKIP),
            TestReport("m.A.test_todo", Status.TODO),
        ])
        self.assertEqual(after.failed, {"m.A.test_not_run", "m.A.test_new_failure", "m.A.test_error"})
        self.assertEqual(after.durations["m.A.test_not_run"], 2.0)
        self.assertEqual(after.durations["m.A.test_fixed"], 0.5)
        self.assertEqual(before.failed, {"m.A.test_fixed", "m.A.test_not_run"}, "not changed in place")

    def test_an_unwritable_folder_is_a_warning(self) -> None:
        if os.getuid() == 0:
            target = os.path.join(self.folder, "a-file")  # root ignores permissions: a file instead
            with open(target, "w"):
                pass
        else:
            target = self.folder
            os.chmod(target, stat.S_IRUSR | stat.S_IXUSR)
            self.addCleanup(os.chmod, target, stat.S_IRWXU)
        message = record(target, [TestReport("m.A.test", Status.OK)])
        self.assertIsNotNone(message)
        self.assertTrue(message.startswith("warning: cannot record the run in .trialish/: "), message)
        self.assertEqual(len(message.splitlines()), 1)


class RecordedByRuns(TestCase):
    def test_a_run_records_failures_and_durations_outside_the_temp_directory(self) -> None:
        folder = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        run = trialish("-j", "2", "test_outcomes", cwd=folder)
        self.assertEqual(run.code, 1, run)
        with open(os.path.join(folder, ".trialish", "state.json")) as handle:
            data = json.load(handle)
        self.assertEqual(data["version"], 1)
        self.assertEqual(data["failed"], sorted([
            "test_outcomes.Outcomes.test_deferred_fails", "test_outcomes.Outcomes.test_error",
            "test_outcomes.Outcomes.test_fail", "test_outcomes.Outcomes.test_logged_error",
            "test_outcomes.Stdlib.test_subtests"]))
        self.assertEqual(len(data["durations"]), 16)
        self.assertGreaterEqual(data["durations"]["test_outcomes.Outcomes.test_deferred"], 0.01)
        self.assertFalse(os.path.exists(os.path.join(folder, "_trial_temp", ".trialish")))

    def test_a_dry_run_records_nothing(self) -> None:
        folder = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        run = trialish("-n", "test_outcomes", cwd=folder)
        self.assertEqual(run.code, 0, run)
        self.assertFalse(os.path.exists(os.path.join(folder, ".trialish")))

    def test_a_broken_state_file_is_ignored(self) -> None:
        folder = copy_sample("par_suite", os.path.abspath(self.mktemp()))
        os.makedirs(os.path.join(folder, ".trialish"))
        with open(os.path.join(folder, ".trialish", "state.json"), "w") as handle:
            handle.write("\x00garbage")
        run = trialish("--lf", "-j", "2", "test_many", cwd=folder)
        self.assertEqual(run.code, 1, run)
        self.assertIn("--lf: no failed tests recorded in .trialish/, running all tests", run.out)
        self.assertEqual(load(folder).failed, {"test_many.Failing.test_one_more_failure"})
