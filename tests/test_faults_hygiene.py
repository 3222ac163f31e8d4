"""Tests that change the process and leave it so: put back, and said on that test."""

from __future__ import annotations

from ._support import TestCase, assert_each_once, assert_temp_intact, fresh_run, warnings_after


class ProcessState(TestCase):
    def test_each_change_is_put_back_and_named_on_its_test(self) -> None:
        run = fresh_run(self, "fault_hygiene", "test_changes")
        names = ["1_change_cwd", "1_check_cwd", "2_change_sys_path", "2_check_sys_path",
                 "3_change_signals", "3_check_signals", "4_change_log_observers",
                 "4_check_log_observers", "5_change_start_logging", "5_check_start_logging",
                 "6_leave_a_thread", "6_release_the_thread", "7_tidy"]
        ids = [f"test_changes.Changes.test_{name}" for name in names]
        self.assertEqual(run.code, 0, run)
        assert_each_once(self, run, dict.fromkeys(ids, "OK"))
        assert_temp_intact(self, run, ids)

        # What the next test found: everything back.
        self.assertIn("CHECK cwd _trial_temp\n", run.out)
        self.assertIn("CHECK path []\n", run.out)
        self.assertIn("CHECK signals True True\n", run.out)
        self.assertIn("CHECK print reaches stdout\n", run.out)
        self.assertNotIn("STRAY OBSERVER", run.out)
        log = run.temp_file("test.log")
        self.assertIn("LOGGED AFTER 4", log)
        self.assertIn("STDLIB LOGGED AFTER 4", log)

        said = warnings_after(run.out)
        prefix = "test_changes.Changes.test_"
        self.assertEqual(len(said[prefix + "1_change_cwd"]), 1, run)
        self.assertIn("changed the working directory to '/'", said[prefix + "1_change_cwd"][0])
        self.assertIn("'/nowhere-first', '/nowhere-last'", said[prefix + "2_change_sys_path"][0])
        self.assertEqual(sorted(line.split(" and ")[0] for line in said[prefix + "3_change_signals"]),
                         ["the test changed the handler of signal SIGINT",
                          "the test changed the handler of signal SIGUSR1"])
        self.assertEqual(len(said[prefix + "4_change_log_observers"]), 2, run)
        self.assertTrue(any("sys.stdout" in line for line in said[prefix + "5_change_start_logging"]))
        self.assertIn("non-daemon thread 'left-behind' running", said[prefix + "6_leave_a_thread"][0])
        # A test that changes things and puts them back (addCleanup) gets nothing,
        # and neither does any test that only looked.
        for name in names:
            if "check" in name or name in ("6_release_the_thread", "7_tidy"):
                self.assertEqual(said[prefix + name], [], f"{name}: {run}")

    def test_a_test_that_deletes_the_temp_directory(self) -> None:
        run = fresh_run(self, "fault_hygiene", "test_deletes_temp")
        ids = ["test_deletes_temp.Deletes.test_a_deletes_the_temp_directory",
               "test_deletes_temp.Deletes.test_b_after"]
        self.assertEqual(run.code, 0, run)
        assert_each_once(self, run, dict.fromkeys(ids, "OK"))
        self.assertIn("deleted the temp directory", warnings_after(run.out)[ids[0]][0])
        assert_temp_intact(self, run, ids)  # made again, with its marker
        self.assertEqual(run.temp_file("b-ran"), "yes")
        log = run.temp_file("test.log")
        self.assertIn("LOGGED BEFORE THE DELETE", log)  # kept from the deleted file
        self.assertIn("LOGGED AFTER THE DELETE", log)


class ClassFixtures(TestCase):
    def test_fixture_changes_are_not_leftovers_and_every_test_is_checked(self) -> None:
        run = fresh_run(self, "fault_hygiene", "test_class_fixture")
        self.assertEqual(run.code, 0, run)
        said = warnings_after(run.out)
        prefix = "test_class_fixture.WithFixture.test_"
        self.assertEqual([said[prefix + name] for name in ("a_clean", "b_clean", "d_sees_it_put_back")],
                         [[], [], []], run)
        self.assertEqual(len(said[prefix + "c_changes_path"]), 1, run)
        self.assertIn("'/left-by-test-c'", said[prefix + "c_changes_path"][0])
        self.assertIn("CHECK d False True\n", run.out)
        self.assertIn("CHECK after False\n", run.out)
        self.assertEqual(said["test_class_fixture.After.test_fixture_undone"], [], run)
