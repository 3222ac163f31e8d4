"""Tests that misuse the reactor: run/stop/crash/iterate, or install another one."""

from __future__ import annotations


from ._support import TestCase, assert_each_once, assert_temp_intact, error_blocks, fresh_run

MISUSED = ("crash", "iterate", "run", "stop")


class LoopControls(TestCase):
    def test_what_trial_allows_works_what_cannot_work_is_an_error_and_the_run_goes_on(self) -> None:
        run = fresh_run(self, "fault_reactor", "test_misuse", "test_zz_after")
        expected = {f"test_misuse.{klass}.test_{name}": "OK"
                    for klass in ("A_Sync", "B_Waits") for name in ("crash", "iterate", "run")}
        expected.update({
            "test_misuse.A_Sync.test_stop": "ERROR",
            "test_misuse.B_Waits.test_stop": "ERROR",
            "test_misuse.B_Waits.test_a_waits": "OK",
            "test_misuse.B_Waits.test_stop_from_a_delayed_call": "ERROR",
            "test_misuse.B_Waits.test_crash_from_a_callback": "ERROR",
            "test_misuse.B_Waits.test_run_from_a_callback": "ERROR",
            "test_misuse.B_Waits.test_iterate_from_a_callback": "ERROR",
            "test_misuse.B_Waits.test_z_still_waits": "OK",
            "test_misuse.C_Starts.test_not_running_and_call_when_running_waits_for_a_wait": "OK",
            "test_zz_after.After.test_reactor_still_serves": "OK",
        })
        self.assertEqual(run.code, 1, run)
        assert_each_once(self, run, expected)
        self.assertTrue(run.temp_file("after-ran") == "", run)
        assert_temp_intact(self, run, list(expected))

        blocks = error_blocks(run.out)
        for klass in ("A_Sync", "B_Waits"):
            block = blocks[f"test_misuse.{klass}.test_stop"]
            self.assertIn("trialish.ReactorNotRunningError: Can't stop reactor that isn't running: "
                          "a test starts outside the reactor's loop", block)
            self.assertIn("test_misuse.py", block)
        # From the reactor's loop: the test ends at once (not at its timeout).
        for test_id, name in (("test_stop_from_a_delayed_call", "stop"),
                              ("test_crash_from_a_callback", "crash"),
                              ("test_run_from_a_callback", "run"),
                              ("test_iterate_from_a_callback", "iterate")):
            block = blocks[f"test_misuse.B_Waits.{test_id}"]
            self.assertIn(f"trialish.ReactorMisuseError: reactor.{name}() was called while the test "
                          "waited (called by the reactor", block)
            self.assertNotIn("still running at", block)
        # trial's DeprecationWarning for iterate() in a TestCase, not in a stdlib case.
        self.assertIn("reactor.iterate cannot be used inside unit tests", run.out)
        self.assertEqual(run.out.count("reactor.iterate cannot be used inside unit tests"), 1, run)


class ATestModuleInstallsAReactor(TestCase):
    def test_the_module_is_an_error_naming_the_option(self) -> None:
        for args, chosen in (((), "default"), (("--reactor", "poll"), "poll")):
            run = fresh_run(self, "fault_reactor", *args, "installs")
            self.assertEqual(run.code, 1, run)
            assert_each_once(self, run, {"test_installs": "ERROR",
                                         "test_fine.Fine.test_waits": "OK"})
            block = error_blocks(run.out)["test_installs"]
            self.assertIn("trialish.WrongReactorError: test code tried to install "
                          "AsyncioSelectorReactor, but the reactor is chosen with --reactor "
                          f"(this run: --reactor {chosen}", block)
            self.assertIn("run with --reactor asyncio instead", block)
            assert_temp_intact(self, run, ["test_fine.Fine.test_waits"])

    def test_the_same_reactor_as_chosen_says_so(self) -> None:
        run = fresh_run(self, "fault_reactor", "--reactor", "asyncio", "installs")
        assert_each_once(self, run, {"test_installs": "ERROR",
                                     "test_fine.Fine.test_waits": "OK"})
        self.assertIn("it is already installed: remove the install() call",
                      error_blocks(run.out)["test_installs"])


class ATestSwapsInAFakeReactor(TestCase):
    """Twisted's own tests (test_task) install a fake reactor inside NoReactor()."""

    def test_allowed_and_unguarded_and_install_reactor_keeps_its_name(self) -> None:
        run = fresh_run(self, "fault_reactor", "test_fake_reactor")
        self.assertEqual(run.code, 0, run)
        assert_each_once(self, run, {
            "test_fake_reactor.Fake.test_a_real_reactor_first": "OK",
            "test_fake_reactor.Fake.test_b_install_a_fake_and_react": "OK",
            "test_fake_reactor.Fake.test_c_install_reactor_keeps_its_name": "OK",
        })
