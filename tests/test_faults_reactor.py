"""Tests that misuse the reactor: run/stop/crash/iterate, or install another one."""

from __future__ import annotations


from ._support import TestCase, assert_each_once, assert_temp_intact, error_blocks, fresh_run

MISUSED = ("crash", "iterate", "run", "stop")


class LoopControls(TestCase):
    def test_each_call_is_an_error_that_says_why_and_the_run_goes_on(self) -> None:
        run = fresh_run(self, "fault_reactor", "test_misuse", "test_zz_after")
        expected = {f"test_misuse.A_Sync.test_{name}": "ERROR" for name in MISUSED}
        expected.update({f"test_misuse.B_Waits.test_{name}": "ERROR" for name in MISUSED})
        expected.update({
            "test_misuse.B_Waits.test_a_waits": "OK",
            "test_misuse.B_Waits.test_stop_from_a_delayed_call": "ERROR",
            "test_misuse.B_Waits.test_crash_from_a_callback": "ERROR",
            "test_misuse.B_Waits.test_z_still_waits": "OK",
            "test_zz_after.After.test_reactor_still_serves": "OK",
        })
        self.assertEqual(run.code, 1, run)
        assert_each_once(self, run, expected)
        self.assertTrue(run.temp_file("after-ran") == "", run)
        assert_temp_intact(self, run, list(expected))
        # One reactor run served the whole session: nothing stopped it early.
        self.assertEqual(run.temp_file("test.log").count("Main loop terminated."), 1)

        blocks = error_blocks(run.out)
        for klass in ("A_Sync", "B_Waits"):
            for name in MISUSED:
                block = blocks[f"test_misuse.{klass}.test_{name}"]
                self.assertIn(f"trialish.ReactorMisuseError: a test must not call reactor.{name}() "
                              "(called at ", block)
                self.assertIn("test_misuse.py:", block)
        self.assertIn("the tests after this one need it", blocks["test_misuse.A_Sync.test_stop"])
        self.assertIn("return a Deferred", blocks["test_misuse.A_Sync.test_run"])
        # From the reactor's loop: the test ends at once (not at its timeout).
        for test_id, name in (("test_stop_from_a_delayed_call", "stop"),
                              ("test_crash_from_a_callback", "crash")):
            block = blocks[f"test_misuse.B_Waits.{test_id}"]
            self.assertIn(f"must not call reactor.{name}() (called by the reactor", block)
            self.assertNotIn("still running at", block)


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
