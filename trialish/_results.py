"""Plain data that flows from the engine to the reporters.

Everything here is frozen and made of strings, numbers and tuples so that a
result can cross a process boundary (parallel workers) unchanged.  Reporters
only *draw* these objects; deciding a status happens in :mod:`_outcome`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Status(enum.Enum):
    """The one final status of a test, in trial's vocabulary."""

    OK = "OK"
    FAIL = "FAIL"
    ERROR = "ERROR"
    SKIP = "SKIPPED"
    TODO = "TODO"
    UNEXPECTED_SUCCESS = "SUCCESS!?!"


class Kind(enum.Enum):
    """What a single problem means, before the test's status is decided."""

    ERROR = "error"
    FAILURE = "failure"
    SKIP = "skip"


@dataclass(frozen=True)
class Problem:
    """One thing that went wrong in one phase of a test.

    ``text`` is the already formatted body (a traceback, or a message) so the
    reporters never need the live exception.  ``type_name`` is the qualified
    exception name, kept for machine-readable reporters.
    """

    kind: Kind
    phase: str
    type_name: str
    text: str


@dataclass(frozen=True)
class TestReport:
    """The single final event of one test: its status and all its problems."""

    test_id: str
    status: Status
    problems: tuple[Problem, ...] = ()
    reason: str | None = None  # skip reason, or todo reason
    expected_errors: tuple[str, ...] = ()  # todo's expected exception names
    duration: float = 0.0
    warnings: tuple[str, ...] = ()
    output: str = ""

    @property
    def is_failure(self) -> bool:
        """Whether this test makes the run fail (trial: failures and errors)."""
        return self.status in (Status.FAIL, Status.ERROR)


@dataclass
class RunTotals:
    """Counts of a finished (or interrupted) run, for the closing summary."""

    reports: list[TestReport] = field(default_factory=list)
    elapsed: float = 0.0
    interrupted: bool = False

    def count(self, status: Status) -> int:
        return sum(1 for report in self.reports if report.status is status)

    @property
    def successful(self) -> bool:
        return not any(report.is_failure for report in self.reports)
