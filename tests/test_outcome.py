"""_outcome: the one place that classifies exceptions and decides the status."""

from __future__ import annotations

import unittest

from twisted.python.failure import Failure

from trialish import FailTest, Todo, makeTodo
from trialish._outcome import TEST_PHASE, Collector, classify
from trialish._results import Kind, RunTotals, Status, TestReport

from ._support import TestCase


def _raised(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as caught:
        return caught


class Classify(TestCase):
    def test_kinds(self) -> None:
        self.assertEqual(classify(unittest.SkipTest), Kind.SKIP)
        self.assertEqual(classify(AssertionError), Kind.FAILURE)
        self.assertEqual(classify(FailTest), Kind.FAILURE)
        self.assertEqual(classify(ValueError), Kind.ERROR)
        self.assertEqual(classify(KeyboardInterrupt), Kind.ERROR)

    def test_the_case_failure_exception_is_a_failure(self) -> None:
        class Custom(Exception):
            pass

        self.assertEqual(classify(Custom), Kind.ERROR)
        self.assertEqual(classify(Custom, failure_exception=Custom), Kind.FAILURE)

    def test_only_the_test_method_can_fail_or_skip_late(self) -> None:
        # trial: an assertion in a fixture means the fixture is broken.
        self.assertEqual(classify(AssertionError, phase="setUp"), Kind.ERROR)
        self.assertEqual(classify(AssertionError, phase="tearDown"), Kind.ERROR)
        self.assertEqual(classify(AssertionError, phase="cleanup"), Kind.ERROR)
        self.assertEqual(classify(unittest.SkipTest, phase="setUp"), Kind.SKIP)
        self.assertEqual(classify(unittest.SkipTest, phase="tearDown"), Kind.ERROR)


class TodoValues(TestCase):
    def test_forms(self) -> None:
        self.assertIsNone(Todo.from_attribute(None))
        self.assertEqual(Todo.from_attribute("why"), Todo("why"))
        self.assertEqual(Todo.from_attribute((ValueError, "why")), Todo("why", (ValueError,)))
        self.assertEqual(Todo.from_attribute(((KeyError, TypeError), "why")),
                         Todo("why", (KeyError, TypeError)))
        self.assertEqual(makeTodo("why"), Todo("why"))

    def test_expects(self) -> None:
        self.assertTrue(Todo("any").expects(KeyError))
        only = Todo("only", (LookupError,))
        self.assertTrue(only.expects(KeyError))  # a subclass
        self.assertFalse(only.expects(ValueError))


class Decide(TestCase):
    def finish(self, collector: Collector) -> TestReport:
        report = collector.finish(0.5, ["a warning"])
        self.assertEqual((report.test_id, report.duration, report.warnings),
                         ("mod.Class.test", 0.5, ("a warning",)))
        return report

    def test_nothing_wrong_is_ok(self) -> None:
        report = self.finish(Collector("mod.Class.test"))
        self.assertEqual((report.status, report.problems, report.is_failure), (Status.OK, (), False))

    def test_failure_and_error(self) -> None:
        collector = Collector("mod.Class.test")
        self.assertEqual(collector.add(TEST_PHASE, _raised(FailTest("no"))), Kind.FAILURE)
        report = self.finish(collector)
        self.assertEqual((report.status, report.is_failure), (Status.FAIL, True))
        self.assertIn("trialish.FailTest: no", report.problems[0].text)
        collector.add("tearDown", _raised(ValueError("and this")))
        report = self.finish(collector)
        self.assertEqual(report.status, Status.ERROR)  # an error outranks a failure
        self.assertEqual([p.phase for p in report.problems], [TEST_PHASE, "tearDown"])

    def test_failures_from_a_twisted_failure(self) -> None:
        collector = Collector("mod.Class.test")
        collector.add(TEST_PHASE, Failure(_raised(KeyError("k"))))
        report = self.finish(collector)
        self.assertEqual((report.status, report.problems[0].type_name),
                         (Status.ERROR, "builtins.KeyError"))

    def test_skip(self) -> None:
        collector = Collector("mod.Class.test")
        self.assertEqual(collector.add("setUp", _raised(unittest.SkipTest("later"))), Kind.SKIP)
        collector.skip("ignored: the first reason stays")
        report = self.finish(collector)
        self.assertEqual((report.status, report.reason, report.is_failure),
                         (Status.SKIP, "later", False))

    def test_skip_with_an_error_is_an_error(self) -> None:
        collector = Collector("mod.Class.test")
        collector.skip("why")
        collector.add_text(Kind.ERROR, "janitor", "trialish.DirtyReactorAggregateError", "dirty\n")
        self.assertEqual(self.finish(collector).status, Status.ERROR)

    def test_expected_failure(self) -> None:
        collector = Collector("mod.Class.test", todo=Todo("not yet"))
        collector.add(TEST_PHASE, _raised(ValueError("boom")))
        report = self.finish(collector)
        self.assertEqual((report.status, report.reason, report.is_failure),
                         (Status.TODO, "not yet", False))
        self.assertIn("builtins.ValueError: boom", report.problems[0].text)

    def test_wrong_error_type_under_todo_is_an_error(self) -> None:
        collector = Collector("mod.Class.test", todo=Todo("only these", (ValueError,)))
        collector.add(TEST_PHASE, _raised(KeyError("other")))
        report = self.finish(collector)
        self.assertEqual(report.status, Status.ERROR)
        self.assertIn("builtins.KeyError", report.problems[0].text)

    def test_todo_covers_only_the_test_phase(self) -> None:
        collector = Collector("mod.Class.test", todo=Todo("not yet"))
        collector.add(TEST_PHASE, _raised(ValueError("expected")))
        collector.add("tearDown", _raised(ValueError("not expected")))
        report = self.finish(collector)
        self.assertEqual(report.status, Status.ERROR)
        self.assertEqual([p.phase for p in report.problems], ["tearDown"])

    def test_unexpected_success(self) -> None:
        report = self.finish(Collector("mod.Class.test", todo=Todo("should fail", (ValueError,))))
        self.assertEqual((report.status, report.reason, report.expected_errors, report.is_failure),
                         (Status.UNEXPECTED_SUCCESS, "should fail", ("builtins.ValueError",), False))

    def test_stdlib_expected_failure(self) -> None:
        collector = Collector("mod.Class.test", todo=Todo("@unittest.expectedFailure"))
        collector.add_expected(TEST_PHASE, _raised(AssertionError("expected")))
        self.assertEqual(self.finish(collector).status, Status.TODO)

    def test_failure_exception_of_the_case(self) -> None:
        class Custom(Exception):
            pass

        collector = Collector("mod.Class.test", failure_exception=Custom)
        collector.add(TEST_PHASE, _raised(Custom("counts as a failure")))
        self.assertEqual(self.finish(collector).status, Status.FAIL)


class Totals(TestCase):
    def test_counts_and_success(self) -> None:
        totals = RunTotals([TestReport("a", Status.OK), TestReport("b", Status.TODO),
                            TestReport("c", Status.SKIP), TestReport("d", Status.UNEXPECTED_SUCCESS)])
        self.assertEqual([totals.count(s) for s in (Status.OK, Status.TODO, Status.ERROR)], [1, 1, 0])
        self.assertTrue(totals.successful)  # as in trial: unexpected successes do not fail a run
        totals.reports.append(TestReport("e", Status.FAIL))
        self.assertFalse(totals.successful)
