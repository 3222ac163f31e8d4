"""twisted.trial TestCases whose API needs trial's run(): flushLoggedErrors, flushWarnings."""

from __future__ import annotations

import warnings

from twisted.python.failure import Failure

from trialish._logcapture import TestContext
from trialish._trial_bridge import adapt_trial_case

from ._support import TestCase, block_of, run_sample, statuses


class TrialApiBlackBox(TestCase):
    def outcomes(self) -> tuple[object, dict[str, str]]:
        run = run_sample("eng_compat", "test_trial_api")
        return run, statuses(run.out)

    def test_flush_logged_errors_takes_the_error_off_the_test(self) -> None:
        run, found = self.outcomes()
        self.assertEqual(found["test_trial_api.TrialApi.test_flush_logged_errors"], "[OK]", run)

    def test_unflushed_logged_error_is_still_an_error(self) -> None:
        run, found = self.outcomes()
        test_id = "test_trial_api.TrialApi.test_unflushed_logged_error"
        self.assertEqual(found[test_id], "[ERROR]", run)
        self.assertIn("builtins.KeyError: 'not flushed'", block_of(run.out, test_id))

    def test_flush_warnings_by_offending_function(self) -> None:
        run, found = self.outcomes()
        self.assertEqual(found["test_trial_api.TrialApi.test_flush_warnings"], "[OK]", run)
        self.assertNotIn("from _warn", run.out)  # flushed warnings are not printed

    def test_deferred_cleanup(self) -> None:
        run, found = self.outcomes()
        self.assertEqual(found["test_trial_api.TrialApi.test_deferred_cleanup"], "[OK]", run)


class _FakeTrialCase:
    pass


class Unit(TestCase):
    def test_adapted_case_reads_the_context(self) -> None:
        context = TestContext()
        case = _FakeTrialCase()
        adapt_trial_case(case, context)
        context.errors += [Failure(ValueError("v")), Failure(KeyError("k"))]
        self.assertEqual(len(case._observer.getErrors()), 2)  # type: ignore[attr-defined]
        [flushed] = case._observer.flushErrors(KeyError)  # type: ignore[attr-defined]
        self.assertTrue(flushed.check(KeyError))
        self.assertEqual(len(context.errors), 1)
        with context.capturing_warnings():
            warnings.warn("w", UserWarning)
        flushed_warnings = case.flushWarnings()  # type: ignore[attr-defined]
        self.assertEqual([w["message"] for w in flushed_warnings], ["w"])
        self.assertEqual(context.warnings, [])


class BetweenTestsBlackBox(TestCase):
    """Leaks from one test into the next that `make conformance` found."""

    def outcomes(self) -> tuple[object, dict[str, str]]:
        run = run_sample("eng_compat", "test_between_tests")
        return run, statuses(run.out)

    def test_thread_pool_is_fresh_for_each_class(self) -> None:
        run, found = self.outcomes()  # A shrank the pool to 0 in its tearDown
        self.assertEqual(found["test_between_tests.B_UsesThreads.test_thread_work_runs"], "[OK]", run)

    def test_no_current_exception_after_a_waiting_test(self) -> None:
        run, found = self.outcomes()
        self.assertEqual(
            found["test_between_tests.D_NoCurrentException.test_exc_info_is_clear"], "[OK]", run)

    def test_synchronous_case_may_return_an_already_fired_deferred(self) -> None:
        run, found = self.outcomes()
        prefix = "test_between_tests.E_SynchronousReturns"
        self.assertEqual(found[f"{prefix}.test_fired_success"], "[OK]", run)
        self.assertEqual(found[f"{prefix}.test_fired_failure"], "[ERROR]", run)
        self.assertIn("builtins.ValueError: already failed",
                      block_of(run.out, f"{prefix}.test_fired_failure"))
        self.assertEqual(found[f"{prefix}.test_unfired"], "[ERROR]", run)
        self.assertIn("SynchronousResultError", block_of(run.out, f"{prefix}.test_unfired"))
