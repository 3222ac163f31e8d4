"""subTest, expectedFailure and IsolatedAsyncioTestCase, as the stdlib runs them."""

from __future__ import annotations

import unittest

from trialish._outcome import Collector, Todo
from trialish._results import Kind, Status
from trialish._stdlib_bridge import SubTestOutcome

from ._support import TestCase, block_of, run_sample, statuses


class SubTestsBlackBox(TestCase):
    def test_each_failing_subtest_is_reported_with_its_parameters(self) -> None:
        run = run_sample("eng_compat", "test_trial_api")
        for test_id, params in (
            ("test_trial_api.TrialApi.test_subtests", ["(i=1)", "(i=3)"]),  # trial shows only i=1
            ("test_trial_api.Plain.test_subtests", ["(word='b')"]),
        ):
            self.assertEqual(statuses(run.out)[test_id], "[FAILURE]", run)
            block = block_of(run.out, test_id)
            self.assertEqual([line for line in block.splitlines() if line.startswith("(")], params)

    def test_expected_failure_and_unexpected_success(self) -> None:
        run = run_sample("eng_compat", "test_trial_api")
        found = statuses(run.out)
        for cls in ("TrialApi", "Plain"):
            self.assertEqual(found[f"test_trial_api.{cls}.test_expected_failure"], "[TODO]", run)
            self.assertEqual(found[f"test_trial_api.{cls}.test_unexpected_success"], "[SUCCESS!?!]", run)
        self.assertIn("FAILED (expectedFailures=2, failures=2, errors=1, unexpectedSuccesses=2, "
                      "successes=3)", run.out)


class IsolatedAsyncioBlackBox(TestCase):
    """Its run() makes its own asyncio loop, even under -r asyncio once the reactor runs."""

    def check(self, *args: str) -> None:
        run = run_sample("eng_compat", *args, "test_isolated")
        found = statuses(run.out)
        self.assertEqual(found, {
            "test_isolated.A_Waits.test_waits": "[OK]",
            "test_isolated.B_Isolated.test_fails": "[FAILURE]",
            "test_isolated.B_Isolated.test_sleeps": "[OK]",
        }, run)
        self.assertIn("'got' != 'wanted'", block_of(run.out, "test_isolated.B_Isolated.test_fails"))
        self.assertEqual(run.code, 1, run)

    def test_default_reactor(self) -> None:
        self.check()

    def test_asyncio_reactor(self) -> None:
        self.check("--reactor=asyncio")


class SubTestOutcomeUnit(TestCase):
    def drive(self, todo: Todo | None = None) -> Collector:
        collector = Collector("unit.Case.test", todo=todo)

        class Case(unittest.TestCase):
            def test(self) -> None:
                for i in range(3):
                    with self.subTest(i=i):
                        if i:
                            raise ValueError(i) if i == 2 else AssertionError(i)

        case = Case("test")
        case._outcome = SubTestOutcome(collector, case, None)  # type: ignore[attr-defined]
        try:
            case.test()
        except Exception as exc:
            self.assertEqual(type(exc).__name__, "_ShouldStop")  # stops at an expected failure
        return collector

    def test_failing_subtests_become_problems_and_the_test_goes_on(self) -> None:
        collector = self.drive()
        self.assertEqual([p.kind for p in collector.problems], [Kind.FAILURE, Kind.ERROR])
        self.assertTrue(collector.problems[0].text.startswith("(i=1)\n"))
        self.assertEqual(collector.finish().status, Status.ERROR)

    def test_expected_failure_stops_at_the_first_failing_subtest(self) -> None:
        collector = self.drive(Todo("@unittest.expectedFailure"))
        self.assertEqual((collector.problems, len(collector.expected)), ([], 1))
        self.assertEqual(collector.finish().status, Status.TODO)
