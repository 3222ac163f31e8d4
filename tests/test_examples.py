"""The bundled examples pass under trialish (what ``make demo`` runs)."""

from __future__ import annotations

import os


from ._support import REPO, TestCase, trialish

EXAMPLES = os.path.join(REPO, "examples")

# Every example test, by id: a test added to examples/ belongs here too.
EXAMPLE_TESTS = [
    "test_cat_stdlib.AsyncioRunTests.test_forward",
    "test_cat_stdlib.AsyncioRunTests.test_forward_mocked",
    "test_cat_stdlib.IsolatedTests.test_unpetted_cat_refuses",
    "test_cat_trialish.CatTests.test_a_distracted_cat_times_out",
    "test_cat_trialish.CatTests.test_forward",
    "test_cat_trialish.CatTests.test_forward_quickly_then_a_deferred",
    "test_delay_trial.DelayClockTrialTests.test_fires_after_exactly_n_seconds",
    "test_delay_trial.DelayClockTrialTests.test_undo",
    "test_delay_trial.DelayTrialTests.test_delay_coroutine",
    "test_delay_trial.DelayTrialTests.test_delay_deferred",
    "test_delay_trialish.DelayClockTests.test_fires_after_n_seconds",
    "test_delay_trialish.DelayClockTests.test_not_before_n_seconds",
    "test_delay_trialish.DelayClockTests.test_undo",
    "test_delay_trialish.DelayInSetUpTests.test_setup_finished_first",
    "test_delay_trialish.DelayTests.test_delay_coroutine",
    "test_delay_trialish.DelayTests.test_delay_deferred",
    "test_delay_trialish.DelayTests.test_delay_with_timeout",
    "test_echo_trial.EchoTrialTests.test_echo",
    "test_echo_trial.EchoTrialTests.test_hello",
    "test_echo_trial.EchoTrialTests.test_two_clients",
    "test_echo_trialish.EchoTests.test_echo",
    "test_echo_trialish.EchoTests.test_echo_many",
    "test_echo_trialish.EchoTests.test_hello",
    "test_echo_trialish.EchoTests.test_two_clients",
    "test_poetry_trial.PoetryTestCase.test_client",
    "test_poetry_trial.PoetryTestCase.test_failure",
    "test_poetry_trialish.PoetryTests.test_client",
    "test_poetry_trialish.PoetryTests.test_client_async",
    "test_poetry_trialish.PoetryTests.test_failure",
    "test_poetry_trialish.PoetryTests.test_failure_async",
]


class ExamplesPass(TestCase):
    def run_examples(self, *args: str):  # type: ignore[no-untyped-def]
        cwd = os.path.abspath(self.mktemp())
        os.makedirs(cwd)
        temp = os.path.join(cwd, "examples_temp")
        return trialish("--temp-directory", temp, *args, EXAMPLES, cwd=cwd), temp

    def test_every_example_passes(self) -> None:
        run, temp = self.run_examples("--reporter=bwverbose", "--reactor=asyncio")
        self.assertEqual(run.code, 0, run)
        for test_id in EXAMPLE_TESTS:
            self.assertIn(f"{test_id} ... [OK]\n", run.out, run)
        self.assertEqual(run.out.count(" ... "), len(EXAMPLE_TESTS), run)
        self.assertIn(f"PASSED (successes={len(EXAMPLE_TESTS)})", run.out, run)
        self.assertEqual(run.err, "")
        with open(os.path.join(temp, "test.log"), encoding="utf-8") as handle:
            log = handle.read()
        for test_id in EXAMPLE_TESTS:
            self.assertIn(f"] --> {test_id} <--\n", log)
        self.assertNotIn("Unhandled error", log)

    def test_default_tree_output(self) -> None:
        run, _ = self.run_examples("--reactor=asyncio")  # as make demo runs it
        self.assertEqual(run.code, 0, run)
        self.assertIn(
            "test_poetry_trialish\n"
            "  PoetryTests\n"
            "    test_client ...                                                        [OK]\n",
            run.out,
        )

    def test_the_cat_needs_the_asyncio_reactor_and_says_so(self) -> None:
        run, _ = self.run_examples("--reporter=bwverbose")
        asyncio_tests = [t for t in EXAMPLE_TESTS if t.startswith("test_cat_trialish.")]
        for test_id in EXAMPLE_TESTS:
            expected = "[ERROR]" if test_id in asyncio_tests else "[OK]"
            self.assertIn(f"{test_id} ... {expected}\n", run.out, run)
        self.assertEqual(run.out.count("run trialish with --reactor asyncio"), len(asyncio_tests))
