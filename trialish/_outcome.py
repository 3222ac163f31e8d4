"""The one place that classifies exceptions and decides a test's status.

The engine feeds a :class:`Collector` every problem of every phase (setUp,
the test, cleanups, tearDown, the janitor, logged errors).  ``finish()`` then
decides the single final status, so a test is never reported twice and a
reporter never has to guess.
"""

from __future__ import annotations

import unittest
from dataclasses import dataclass
from typing import Any, Iterable

from ._failures import format_any, qualified_name
from ._results import Kind, Problem, Status, TestReport

TEST_PHASE = "test"
SETUP_PHASE = "setUp"  # also setUpClass and setUpModule: a SkipTest there skips
TEARDOWN_PHASE = "tearDown"  # also cleanups and every fixture's tear-down


def classify(exc_type: type, failure_exception: type = AssertionError, phase: str = TEST_PHASE) -> Kind:
    """Map an exception type, raised in ``phase``, to what it means for a test.

    As in trial: only the test method can FAIL; an assertion failing in
    setUp, a cleanup or tearDown is an ERROR (the fixture is broken), and
    SkipTest skips only from setUp or the test itself.
    """
    if issubclass(exc_type, unittest.SkipTest):
        return Kind.SKIP if phase in (SETUP_PHASE, TEST_PHASE) else Kind.ERROR
    if issubclass(exc_type, (failure_exception, AssertionError)):
        return Kind.FAILURE if phase == TEST_PHASE else Kind.ERROR
    return Kind.ERROR


@dataclass(frozen=True)
class Todo:
    """A test expected to fail: why, and optionally with which exceptions."""

    reason: str | None
    errors: tuple[type, ...] | None = None

    def expects(self, exc_type: type) -> bool:
        return self.errors is None or issubclass(exc_type, self.errors)

    @classmethod
    def from_attribute(cls, value: Any) -> "Todo | None":
        """Read trial's ``todo`` attribute: a reason, or ``(types, reason)``."""
        if value is None:
            return None
        if isinstance(value, tuple) and len(value) == 2:
            errors, reason = value
            if isinstance(errors, type):
                errors = (errors,)
            return cls(reason, tuple(errors))
        return cls(value)


def _type_and_value(error: Any) -> tuple[type, object]:
    if hasattr(error, "getTraceback"):  # a twisted Failure (itself a BaseException)
        return error.type, error.value
    return type(error), error


class Collector:
    """Gathers the problems of one test and decides its status at the end."""

    def __init__(
        self,
        test_id: str,
        todo: Todo | None = None,
        failure_exception: type = AssertionError,
        tb_detail: str = "default",
    ) -> None:
        self.test_id = test_id
        self.todo = todo
        self.failure_exception = failure_exception
        self.tb_detail = tb_detail
        self.problems: list[Problem] = []
        self.expected: list[Problem] = []
        self.skip_reason: str | None = None

    def add(self, phase: str, error: Any) -> Kind:
        """Record an exception (or Failure) raised by ``phase``."""
        exc_type, value = _type_and_value(error)
        kind = classify(exc_type, self.failure_exception, phase)
        if kind is Kind.SKIP:
            if self.skip_reason is None:
                self.skip_reason = str(value.args[0]) if getattr(value, "args", None) else ""
            return kind
        problem = Problem(kind, phase, qualified_name(exc_type), format_any(error, self.tb_detail))
        if phase == TEST_PHASE and self.todo is not None and self.todo.expects(exc_type):
            self.expected.append(problem)
        else:
            self.problems.append(problem)
        return kind

    def add_expected(self, phase: str, error: Any) -> None:
        """Record a failure the test declared it expects (stdlib expectedFailure)."""
        exc_type, _ = _type_and_value(error)
        self.expected.append(
            Problem(Kind.FAILURE, phase, qualified_name(exc_type), format_any(error, self.tb_detail))
        )

    def add_text(self, kind: Kind, phase: str, type_name: str, text: str) -> None:
        """Record a problem that was never a live exception (janitor, log)."""
        self.problems.append(Problem(kind, phase, type_name, text))

    def skip(self, reason: str) -> None:
        if self.skip_reason is None:
            self.skip_reason = reason

    def finish(
        self, duration: float = 0.0, warnings: Iterable[str] = (), output: str = ""
    ) -> TestReport:
        if not (self.problems or self.expected or self.todo is not None or self.skip_reason is not None):
            # Passed, nothing expected: most tests; no deciding to do.
            return TestReport(self.test_id, Status.OK, (), None, (), duration, tuple(warnings), output)
        status, reason = self._decide()
        problems = tuple(self.problems) if self.problems else tuple(self.expected)
        expected_errors: tuple[str, ...] = ()
        if self.todo is not None and self.todo.errors:
            expected_errors = tuple(qualified_name(e) for e in self.todo.errors)
        return TestReport(
            test_id=self.test_id,
            status=status,
            problems=problems,
            reason=reason,
            expected_errors=expected_errors,
            duration=duration,
            warnings=tuple(warnings),
            output=output,
        )

    def _decide(self) -> tuple[Status, str | None]:
        kinds = {problem.kind for problem in self.problems}
        if Kind.ERROR in kinds:
            return Status.ERROR, None
        if Kind.FAILURE in kinds:
            return Status.FAIL, None
        if self.skip_reason is not None:
            return Status.SKIP, self.skip_reason
        todo_reason = self.todo.reason if self.todo is not None else None
        if self.expected:
            return Status.TODO, todo_reason
        if self.todo is not None:
            return Status.UNEXPECTED_SUCCESS, todo_reason
        return Status.OK, None


def makeTodo(value: Any) -> Todo:
    """trial's ``makeTodo``: a Todo from a reason or ``(types, reason)``."""
    todo = Todo.from_attribute(value)
    assert todo is not None
    return todo
