"""Where trialish meets the stdlib's own unittest machinery.

Two directions: a plain ``unittest.TestCase`` (and ``IsolatedAsyncioTestCase``)
runs through its own ``run()`` and reports into :class:`StdlibResult`; a case
whose phases trialish drives itself gets a :class:`SubTestOutcome`, so that
``with self.subTest(...)`` reports each failing subtest and carries on, as it
does under the stdlib runner (trial folds them all into the first failure).
"""

from __future__ import annotations

import contextlib
import sys
import unittest
from typing import Any, Callable, Iterator

from twisted.python.failure import Failure

from ._failures import frames_of_traceback, qualified_name, render
from ._outcome import TEST_PHASE, Collector, Todo, classify
from ._results import Kind

EXPECTED_FAILURE_REASON = "@unittest.expectedFailure"
FailureHook = Callable[[Failure], None] | None


def _subtest_text(subtest: Any, err: Any, tb_detail: str) -> str:
    exc_type, value, tb = err
    return f"{subtest._subDescription()}\n" + render(exc_type, value, frames_of_traceback(tb), tb_detail)


def _subtest_kind(case: Any, exc_type: type) -> Kind:
    """A failing subtest is classified as its test would be (a skip never gets here)."""
    return classify(exc_type, getattr(case, "failureException", AssertionError), TEST_PHASE)


class StdlibResult(unittest.TestResult):
    """Receives a stdlib TestCase's own run() and feeds the Collector."""

    def __init__(self, collector: Collector, on_failure: FailureHook) -> None:
        super().__init__()
        self.collector = collector
        self.on_failure = on_failure

    def _add(self, kind: Kind, err: Any, text: str | None = None) -> None:
        exc_type, value, tb = err
        if self.on_failure is not None:
            self.on_failure(Failure(value, exc_type, tb))
        if text is None:
            text = render(exc_type, value, frames_of_traceback(tb), self.collector.tb_detail)
        self.collector.add_text(kind, TEST_PHASE, qualified_name(exc_type), text)

    def addError(self, test: Any, err: Any) -> None:
        if issubclass(err[0], KeyboardInterrupt):
            raise err[1]
        self._add(Kind.ERROR, err)

    def addFailure(self, test: Any, err: Any) -> None:
        self._add(Kind.FAILURE, err)

    def addSkip(self, test: Any, reason: str) -> None:
        self.collector.skip(reason)

    def addExpectedFailure(self, test: Any, err: Any) -> None:
        self.collector.todo = self.collector.todo or Todo(EXPECTED_FAILURE_REASON)
        self.collector.add_expected(TEST_PHASE, err[1])

    def addUnexpectedSuccess(self, test: Any) -> None:
        self.collector.todo = self.collector.todo or Todo(EXPECTED_FAILURE_REASON)

    def addSubTest(self, test: Any, subtest: Any, err: Any) -> None:
        if err is not None:
            text = _subtest_text(subtest, err, self.collector.tb_detail)
            self._add(_subtest_kind(test, err[0]), err, text)


def run_stdlib_case(case: Any, collector: Collector, on_failure: FailureHook) -> None:
    case.run(StdlibResult(collector, on_failure))


class SubTestOutcome:
    """Stands in for ``unittest.case._Outcome`` while trialish drives a case.

    ``TestCase.subTest`` only isolates subtests when ``case._outcome`` says
    its result supports them; it then calls ``testPartExecutor`` around each
    subtest body.  This object offers exactly that: a failing subtest becomes
    one more problem of the test (with its parameters) and the test goes on.
    With ``@expectedFailure`` the first failure is the expected one, and the
    stdlib stops the test there (it raises ``_ShouldStop``, which the engine
    ignores).
    """

    result_supports_subtests = True

    def __init__(self, collector: Collector, case: Any, on_failure: FailureHook) -> None:
        self.collector = collector
        self.case = case
        self.on_failure = on_failure
        self.expecting_failure = bool(collector.todo)
        self.success = True
        self.expectedFailure: Any = None
        self.result = None  # subTest reads result.failfast only when it is not None

    @contextlib.contextmanager
    def testPartExecutor(self, test_case: Any, subTest: bool = False, isTest: bool = False) -> Iterator[None]:
        previous = self.success
        self.success = True
        try:
            yield
        except KeyboardInterrupt:
            raise
        except unittest.SkipTest:
            pass  # a skipped subtest does not skip the test (its others ran)
        except BaseException as exc:
            if type(exc).__name__ == "_ShouldStop":
                pass
            elif self.expecting_failure:
                self.expectedFailure = sys.exc_info()
                self.collector.add_expected(TEST_PHASE, exc)
            else:
                self.success = False
                err = sys.exc_info()
                if self.on_failure is not None:
                    self.on_failure(Failure(exc, type(exc), exc.__traceback__))
                self.collector.add_text(
                    _subtest_kind(self.case, type(exc)), TEST_PHASE, qualified_name(type(exc)),
                    _subtest_text(test_case, err, self.collector.tb_detail),
                )
        finally:
            self.success = self.success and previous


def is_should_stop(error: Any) -> bool:
    """unittest's private signal that a subtest ended the test on purpose."""
    exc_type = getattr(error, "type", None) or type(error)
    return exc_type is getattr(unittest.case, "_ShouldStop", ())
