"""Faults in test code: broken modules, sys.exit, recursion, MemoryError, Ctrl-C from a test.

Every test here runs trialish on a sample suite (tests/samples/fault_*) and
checks four things: the exit status, that every test is reported exactly
once (and the ones after the fault did run), a clear message, and that
``_trial_temp`` (its marker) and ``test.log`` (a header per test) are intact.
The helpers (in _support) are shared with the other test_faults_* modules.
"""

from __future__ import annotations

import os


from ._support import (
    Run, TestCase, assert_each_once, assert_temp_intact, error_blocks, fresh_run, outcomes,
)


CODE_EXPECTED = {
    "test_exitimport": "ERROR",
    "test_exits.StdlibExits.test_exit_0": "ERROR",
    "test_exits.StdlibExits.test_exit_7": "ERROR",
    "test_exits.WaitingExits.test_exit_in_a_callback": "ERROR",
    "test_exits.WaitingExits.test_exit_in_setup_of_the_next": "ERROR",
    "test_failimport": "ERROR",
    "test_memory.Memory.test_raised": "ERROR",
    "test_memory.Memory.test_real": "ERROR",
    "test_raiseimport": "ERROR",
    "test_recursion.R.test_recurse": "ERROR",
    "test_syntax": "ERROR",
    "test_zz_last.Last.test_last": "OK",
}


class BrokenTestCode(TestCase):
    def test_each_fault_is_one_error_and_the_run_reaches_the_end(self) -> None:
        run = fresh_run(self, "fault_code")
        self.assertEqual(run.code, 1, run)
        assert_each_once(self, run, CODE_EXPECTED)
        self.assertIn("FAILED (errors=11, successes=1)", run.out, run)
        self.assertEqual(run.temp_file("last-ran"), "yes")
        self.assertEqual(run.err, "", run)
        ran = [test_id for test_id in CODE_EXPECTED if "." in test_id]  # loaded, so logged
        assert_temp_intact(self, run, ran)

        blocks = error_blocks(run.out)
        self.assertIn("builtins.SyntaxError", blocks["test_syntax"])
        self.assertIn("line 4\n    def test_x(self)", blocks["test_syntax"])
        self.assertIn("ModuleNotFoundError: No module named 'no_such_module_here'",
                      blocks["test_failimport"])
        self.assertIn("builtins.RuntimeError: boom at import", blocks["test_raiseimport"])
        self.assertIn("builtins.SystemExit: 3", blocks["test_exitimport"])
        self.assertIn("builtins.SystemExit: 0", blocks["test_exits.StdlibExits.test_exit_0"])
        self.assertIn("builtins.SystemExit: 4", blocks["test_exits.WaitingExits.test_exit_in_a_callback"])
        self.assertIn("builtins.SystemExit: from setUp",
                      blocks["test_exits.WaitingExits.test_exit_in_setup_of_the_next"])
        self.assertIn("builtins.MemoryError: pretend", blocks["test_memory.Memory.test_raised"])
        self.assertIn("builtins.MemoryError", blocks["test_memory.Memory.test_real"])

    def test_infinite_recursion_is_one_short_traceback(self) -> None:
        run = fresh_run(self, "fault_code", "test_recursion")
        block = error_blocks(run.out)["test_recursion.R.test_recurse"]
        self.assertIn("builtins.RecursionError: maximum recursion depth exceeded", block)
        self.assertRegex(block, r"\[Previous line repeated \d{3} more times\]")
        self.assertEqual(block.count('test_recursion.py", line 2, in f'), 3, block)
        self.assertLess(len(block.splitlines()), 20, block)


class KeyboardInterruptFromATest(TestCase):
    """As in trial: the test is an ERROR, the run stops there with a summary, exit 2."""

    def test_raised_by_a_synchronous_test(self) -> None:
        run = fresh_run(self, "fault_kbd", "test_kbd.A_Sync")
        self.check(run, "test_kbd.A_Sync", "c-ran")

    def test_raised_in_a_callback_while_the_test_waits(self) -> None:
        run = fresh_run(self, "fault_kbd", "test_kbd.B_Waits")
        self.check(run, "test_kbd.B_Waits", "waits-c-ran")

    def check(self, run: Run, prefix: str, flag: str) -> None:
        self.assertEqual(run.code, 2, run)
        assert_each_once(self, run, {f"{prefix}.test_a_runs": "OK",
                                     **{test_id: "ERROR" for test_id, _ in outcomes(run.out)
                                        if test_id.startswith(f"{prefix}.test_b_")}})
        self.assertEqual(len(outcomes(run.out)), 2, run)
        self.assertIn("builtins.KeyboardInterrupt", run.out)
        self.assertIn("FAILED (errors=1, successes=1)", run.out)
        self.assertIn("interrupted: 2 of 3 tests ran, 1 did not", run.err)
        self.assertEqual(len(run.err.splitlines()), 1, run)
        self.assertFalse(os.path.exists(os.path.join(run.cwd, "_trial_temp", flag)))
        assert_temp_intact(self, run, [test_id for test_id, _ in outcomes(run.out)])
