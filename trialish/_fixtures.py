"""Class and module fixtures: ``setUpClass``/``tearDownClass``, ``setUpModule``/``tearDownModule``.

trial silently ignores them; the stdlib's suite runs them around each run of
consecutive tests of one class (module), and so does trialish: the session
asks :meth:`Fixtures.enter` before each test and :meth:`Fixtures.leave`
after it, with the next test to run (or None), so a class that comes back
later in a shuffled order is set up again, as in the stdlib.

Each fixture is called by the same phase caller as a test's phases
(:mod:`_phases`): a fixture of trialish's ``TestCase`` (and any module
fixture) may return a Deferred or be a coroutine, and is waited for with the
class's timeout, the watchdog and the asyncio bridge, exactly like a test.
What it raised is classified by :func:`_outcome.classify`, as a set-up
(a SkipTest skips) or a tear-down (everything is an ERROR).

Each fixture's problems become :class:`Problem` s with the same text for
every test they concern, so the reporters' grouping of identical blocks
prints a failed ``setUpClass`` once, followed by the ids of all its tests.
"""

from __future__ import annotations

import sys
import unittest
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Callable

from twisted.python.failure import Failure

from . import _attributes
from ._failures import format_any, qualified_name
from ._janitor import stop_thread_pool
from ._outcome import SETUP_PHASE, TEARDOWN_PHASE, classify
from ._phases import PhaseCaller, popped_cleanups
from ._results import Kind, Problem, Status, TestReport
from ._specs import TestSpec


@dataclass
class Blocked:
    """Why the tests of a class or module cannot run: its set-up failed or skipped."""

    problems: tuple[Problem, ...] = ()
    skip_reason: str | None = None

    def report_for(self, test_id: str) -> TestReport:
        if self.problems:
            return TestReport(test_id, Status.ERROR, self.problems)
        return TestReport(test_id, Status.SKIP, reason=self.skip_reason or "")


@dataclass
class _Scope:
    """A class (or module) whose set-up has been run for the current group."""

    key: Any  # the class, or the module's name
    needs_teardown: bool = False
    blocked: Blocked | None = None


@dataclass
class _Called:
    problems: list[Problem] = field(default_factory=list)
    skip_reason: str | None = None


def with_problems(report: TestReport, problems: list[Problem]) -> TestReport:
    """``report`` with teardown problems added: the test becomes an ERROR.

    Only a failed test's own problems are kept: a skip or todo has nothing
    to show next to the error (and a todo's "problems" are expected ones).
    """
    if not problems:
        return report
    kept = report.problems if report.status in (Status.FAIL, Status.ERROR) else ()
    return TestReport(report.test_id, Status.ERROR, tuple(kept) + tuple(problems), None,
                      report.expected_errors, report.duration, report.warnings, report.output)


def _setting(value: Any) -> Any:
    """``value`` if it can be a setting (not an imported module, class or function)."""
    return None if isinstance(value, _attributes._NOT_SETTINGS) else value


def _module_attribute(module_name: str, attribute: str) -> Any:
    """``attribute`` of the module or, failing that, of its packages."""
    parts = module_name.split(".")
    while parts:
        module = sys.modules.get(".".join(parts))
        value = _setting(getattr(module, attribute, None)) if isinstance(module, ModuleType) else None
        if value is not None:
            return value
        parts.pop()
    return None


def _class_attribute(cls: type, attribute: str) -> Any:
    """As :func:`_attributes.lookup` for a whole class: the class (MRO), then modules.

    Looked up on the class itself, never on an instance built just to ask:
    some classes (IsolatedAsyncioTestCase) complain when an instance that
    never ran ``__init__`` is freed.
    """
    value = _setting(getattr(cls, attribute, None))
    return value if value is not None else _module_attribute(cls.__module__, attribute)


def _class_skipped(cls: type) -> bool:
    """No test of ``cls`` will run: the stdlib and trial both skip the whole class."""
    return bool(getattr(cls, "__unittest_skip__", False)) or _class_attribute(cls, "skip") is not None


def _class_waits(cls: type) -> bool:
    """Whether the class's phases may wait (as ``_testcase.waits_for_results``)."""
    flag = getattr(cls, "waits_for_results", None)
    if flag is not None:
        return bool(flag)
    return any(klass.__module__ == "twisted.trial._asynctest" and klass.__name__ == "TestCase"
               for klass in cls.__mro__)


class Fixtures:
    """Runs class and module fixtures around groups of consecutive tests."""

    def __init__(self, phases: PhaseCaller, default_timeout: float = 120.0,
                 tb_detail: str = "default") -> None:
        self._phases = phases
        self.default_timeout = default_timeout
        self.tb_detail = tb_detail
        self.interrupted = False  # a fixture raised KeyboardInterrupt
        self._class: _Scope | None = None
        self._module: _Scope | None = None

    # -- what the session calls ----------------------------------------------------

    def enter(self, spec: TestSpec) -> Blocked | None:
        """Set up ``spec``'s module and class if they are not; None if it may run."""
        cls = spec.cls
        if cls is None:
            return None
        module_name = cls.__module__
        if self._module is None or self._module.key != module_name:
            self._leave_class()
            self._leave_module()  # normally done by leave() already
            self._module = self._set_up_module(module_name)
        if self._module.blocked is not None:
            return self._module.blocked
        if self._class is None or self._class.key is not cls:
            self._leave_class()
            self._class = self._set_up_class(cls)
        return self._class.blocked

    def leave(self, next_spec: TestSpec | None) -> list[Problem]:
        """Tear down what ``next_spec`` (None: nothing, the run ends) does not share."""
        next_cls = next_spec.cls if next_spec is not None else None
        problems: list[Problem] = []
        if self._class is not None and self._class.key is not next_cls:
            problems += self._leave_class()
        next_module = next_cls.__module__ if next_cls is not None else None
        if self._module is not None and self._module.key != next_module:
            problems += self._leave_module()
        return problems

    # -- classes -------------------------------------------------------------------

    def _set_up_class(self, cls: type) -> _Scope:
        scope = _Scope(cls)
        if _class_skipped(cls):
            return scope  # as the stdlib: a skipped class is neither set up nor torn down
        name = f"{cls.__module__}.{cls.__qualname__}"
        waits = _class_waits(cls)
        timeout = self._class_timeout(cls, "setUpClass")
        called = self._call(f"setUpClass ({name})", getattr(cls, "setUpClass"), waits, timeout)
        if not called.problems and called.skip_reason is None:
            scope.needs_teardown = True
            return scope
        problems = called.problems + self._class_cleanups(cls, name, waits, timeout)
        scope.blocked = Blocked(tuple(_not_run(p) for p in problems), called.skip_reason)
        return scope

    def _leave_class(self) -> list[Problem]:
        scope, self._class = self._class, None
        if scope is None:
            return []
        try:
            return self._tear_down_class(scope)
        finally:
            stop_thread_pool()  # as trial, after every class

    def _tear_down_class(self, scope: _Scope) -> list[Problem]:
        if not scope.needs_teardown:
            return []
        cls = scope.key
        name = f"{cls.__module__}.{cls.__qualname__}"
        waits = _class_waits(cls)
        timeout = self._class_timeout(cls, "tearDownClass")
        called = self._call(f"tearDownClass ({name})", getattr(cls, "tearDownClass"),
                            waits, timeout, tearing_down=True)
        problems = called.problems + self._class_cleanups(cls, name, waits, timeout)
        return [_after(p) for p in problems]

    def _class_cleanups(self, cls: type, name: str, waits: bool, timeout: float) -> list[Problem]:
        """``addClassCleanup`` functions, last added first (``doClassCleanups``)."""
        problems: list[Problem] = []
        for function_name, cleanup in popped_cleanups(getattr(cls, "_class_cleanups", None)):
            called = self._call(f"class cleanup {function_name} ({name})", cleanup, waits, timeout,
                                tearing_down=True)
            problems += called.problems
        return problems

    # -- modules -------------------------------------------------------------------

    def _set_up_module(self, module_name: str) -> _Scope:
        scope = _Scope(module_name)
        module = sys.modules.get(module_name)
        set_up = getattr(module, "setUpModule", None)
        timeout = self._timeout(_module_attribute(module_name, "timeout"), "setUpModule")
        if callable(set_up):
            called = self._call(f"setUpModule ({module_name})", set_up, True, timeout)
            if called.problems or called.skip_reason is not None:
                problems = called.problems + self._module_cleanups(module_name, timeout)
                scope.blocked = Blocked(tuple(_not_run(p) for p in problems), called.skip_reason)
                return scope
        scope.needs_teardown = True  # module cleanups may be added by any test
        return scope

    def _leave_module(self) -> list[Problem]:
        scope, self._module = self._module, None
        if scope is None or not scope.needs_teardown:
            return []
        module_name = scope.key
        module = sys.modules.get(module_name)
        tear_down = getattr(module, "tearDownModule", None)
        timeout = self._timeout(_module_attribute(module_name, "timeout"), "tearDownModule")
        problems: list[Problem] = []
        if callable(tear_down):
            called = self._call(f"tearDownModule ({module_name})", tear_down, True, timeout,
                                tearing_down=True)
            problems += called.problems
        problems += self._module_cleanups(module_name, timeout)
        return [_after(p) for p in problems]

    def _module_cleanups(self, module_name: str, timeout: float) -> list[Problem]:
        """``unittest.addModuleCleanup`` functions, last added first."""
        problems: list[Problem] = []
        for function_name, cleanup in popped_cleanups(getattr(unittest.case, "_module_cleanups", None)):
            called = self._call(f"module cleanup {function_name} ({module_name})", cleanup, True,
                                timeout, tearing_down=True)
            problems += called.problems
        return problems

    # -- calling one fixture ---------------------------------------------------------

    def _class_timeout(self, cls: type, label: str) -> float:
        """The class's ``timeout`` (class, module, packages), as for its tests."""
        return self._timeout(_class_attribute(cls, "timeout"), label)

    def _timeout(self, value: Any, label: str) -> float:
        try:
            return _attributes.checked_timeout(value, label, self.default_timeout)
        except _attributes.TimeoutValueError:
            return self.default_timeout  # the tests themselves report the bad value

    def _call(self, label: str, function: Callable[[], Any], waits: bool, timeout: float,
              tearing_down: bool = False) -> _Called:
        """Call one fixture and wait for what it hands back, up to ``timeout``."""
        called = _Called()
        for error in self._phases.call(label, function, waits, timeout):
            self._note(label, error, called, tearing_down)
        return called

    def _note(self, label: str, error: Any, called: _Called, tearing_down: bool) -> None:
        exc_type = error.type if isinstance(error, Failure) else type(error)
        if issubclass(exc_type, KeyboardInterrupt):
            self.interrupted = True
        if classify(exc_type, phase=TEARDOWN_PHASE if tearing_down else SETUP_PHASE) is Kind.SKIP:
            value = error.value if isinstance(error, Failure) else error
            if called.skip_reason is None:
                called.skip_reason = str(value.args[0]) if getattr(value, "args", None) else ""
            return
        text = format_any(error, self.tb_detail)
        called.problems.append(Problem(Kind.ERROR, label, qualified_name(exc_type), text))


def _not_run(problem: Problem) -> Problem:
    """The set-up's problem as every test it kept from running shows it."""
    return Problem(problem.kind, problem.phase, problem.type_name,
                   f"Not run: {problem.phase} failed.\n{problem.text}")


def _after(problem: Problem) -> Problem:
    """A tear-down's problem, as the last test of the class or module shows it."""
    return Problem(problem.kind, problem.phase, problem.type_name,
                   f"{problem.phase}, run after this test, failed.\n{problem.text}")
