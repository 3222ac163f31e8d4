"""trial's reactor model, black-box: ContextVars, child processes, nested runs, async fixtures."""

from __future__ import annotations

import importlib.util
import os

from ._support import TestCase, copy_sample, statuses, trialish


class ReactorModel(TestCase):
    def _run(self, *args: str) -> tuple[object, dict[str, str]]:
        folder = copy_sample("reactor_model", os.path.abspath(self.mktemp()))
        run = trialish("--reporter=bwverbose", *args, cwd=folder)
        return run, statuses(run.out)

    def test_contextvars_processes_and_nested_runs(self) -> None:
        # uvloop: it owns the signal wake-up fd while its loop runs, so the
        # child's exit must reach Twisted through uvloop's signal handling.
        for reactor in ("default", "asyncio", "uvloop"):
            if reactor == "uvloop" and importlib.util.find_spec("uvloop") is None:
                continue
            with self.subTest(reactor=reactor):
                self._check_model(reactor)

    def _check_model(self, reactor: str) -> None:
        # asyncio: its run() leaves its signal handling installed after a
        # nested trial run, which must not take the run's SIGCHLD away.
        run, found = self._run("--reactor", reactor, "test_model.py")
        self.assertEqual(found, {
            "test_model.Phases.test_contextvar_from_setup": "[OK]",
            "test_model.Processes.test_a_child_process_ends_and_is_reaped": "[OK]",
            "test_model.Processes.test_z_again": "[OK]",
            "test_model.Nested.test_runs_a_trialish_case_that_waits": "[OK]",
            "test_model.Nested.test_runs_a_trial_case_that_waits": "[OK]",
            "test_model.Nested.test_iterate_outside_a_wait": "[OK]",
            "test_model.NoStaleException.test_a_fails_first": "[ERROR]",
            "test_model.NoStaleException.test_b_sync": "[OK]",
            "test_model.NoStaleException.test_c_after_a_wait": "[OK]",
        }, run)
        self.assertEqual(run.code, 1, run)  # type: ignore[attr-defined]

    def test_async_class_and_module_fixtures_under_the_asyncio_reactor(self) -> None:
        run, found = self._run("--reactor", "asyncio", "test_asyncio_fixtures.py")
        self.assertEqual(found, {"test_asyncio_fixtures.AsyncFixtures.test_the_same_loop": "[OK]"}, run)
        self.assertEqual(run.code, 0, run)  # type: ignore[attr-defined]
