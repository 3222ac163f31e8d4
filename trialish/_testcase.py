"""trialish's TestCase classes, built on the stdlib's ``unittest.TestCase``.

The classes hold the test's API (assertions, ``mktemp``, ``patch``).  Inside
trialish the engine drives their phases (setUp, the test, cleanups,
tearDown) so that any phase may return a Deferred or a coroutine.  Their
``run()`` and ``debug()`` -- what the stdlib's runner, pytest and IDEs call
-- go through the same engine (:mod:`_foreign`), so a test gives the same
outcome whoever runs it.
"""

from __future__ import annotations

import os
import tempfile
import unittest
from typing import Any, Callable

from ._assertions import DeferredAssertions, FailTest, LogAssertions
from ._compat import TrialAliases

__unittest = True

SkipTest = unittest.SkipTest

_MAX_PATH_PART = 32


class _Patch:
    """One attribute replaced by :meth:`SynchronousTestCase.patch`."""

    _missing = object()

    def __init__(self, obj: Any, name: str, value: Any) -> None:
        self.obj, self.name = obj, name
        self.original = getattr(obj, name, self._missing)
        setattr(obj, name, value)
        self.active = True

    def restore(self) -> None:
        if not self.active:
            return
        self.active = False
        if self.original is self._missing:
            delattr(self.obj, self.name)
        else:
            setattr(self.obj, self.name, self.original)


class SynchronousTestCase(TrialAliases, LogAssertions, DeferredAssertions, unittest.TestCase):
    """A test case whose phases must all finish synchronously.

    A test method here that returns a Deferred or a coroutine is an ERROR
    telling you to use :class:`TestCase` (trial silently passes it).
    """

    failureException = FailTest
    waits_for_results = False  # the engine reads this: may phases be async?

    def __init__(self, methodName: str = "runTest") -> None:
        # The stdlib lets a case be built for a "runTest" it does not have;
        # no placeholder method, so that a runner collecting an imported
        # TestCase finds no test in it.
        super().__init__(methodName)
        self._trialish: Any = None

    def run(self, result: Any = None) -> Any:
        """Run the test through trialish's engine and report it to ``result``."""
        from ._foreign import run_case

        stop_test_run = None
        if result is None:
            result = self.defaultTestResult()
            start_test_run = getattr(result, "startTestRun", None)
            stop_test_run = getattr(result, "stopTestRun", None)
            if start_test_run is not None:
                start_test_run()
        result.startTest(self)
        try:
            run_case(self, result)
        finally:
            result.stopTest(self)
            if stop_test_run is not None:
                stop_test_run()
        return result

    def debug(self) -> None:
        """Run the test without a result: what made it fail is raised."""
        from ._foreign import debug_case

        debug_case(self)

    def mktemp(self) -> str:
        """Return a unique path under the temp directory; its parent exists."""
        base = os.path.join(
            os.getcwd(),
            type(self).__module__[:_MAX_PATH_PART],
            type(self).__name__[:_MAX_PATH_PART],
            self._testMethodName[:_MAX_PATH_PART],
        )
        os.makedirs(base, exist_ok=True)
        return os.path.join(tempfile.mkdtemp("", "", base), "temp")

    def patch(self, obj: Any, attribute: str, value: Any) -> _Patch:
        """Set ``obj.attribute = value`` for this test; undone afterwards."""
        patched = _Patch(obj, attribute, value)
        self.addCleanup(patched.restore)
        return patched

    # trial's accessors, for code that calls them directly.
    def getSkip(self) -> tuple[bool, str | None]:
        from ._attributes import lookup

        reason = lookup(self, self._testMethodName, "skip")
        return (reason is not None, reason)

    def getTodo(self) -> Any:
        from ._attributes import lookup
        from ._outcome import Todo

        return Todo.from_attribute(lookup(self, self._testMethodName, "todo"))


class TestCase(SynchronousTestCase):
    """A test case whose setUp, test, cleanups and tearDown may wait.

    Any of them may return a Deferred, return a coroutine or be ``async
    def``; trialish runs them under the reactor and waits, up to the test's
    ``timeout`` (120 seconds unless set on the method, class, module or
    package, or by ``--timeout``).
    """

    waits_for_results = True

    def getTimeout(self) -> float:
        from ._attributes import timeout_for

        return timeout_for(self, self._testMethodName, 120.0)


def is_trial_case(case: Any) -> bool:
    """Whether ``case`` is a twisted.trial TestCase (without importing trial)."""
    for klass in type(case).__mro__:
        if klass.__module__ in ("twisted.trial._synctest", "twisted.trial._asynctest"):
            return True
    return False


def is_plain_stdlib(case: Any) -> bool:
    """A stdlib TestCase, neither trialish's nor trial's: it runs via its own run()."""
    return not isinstance(case, SynchronousTestCase) and not is_trial_case(case)


def waits_for_results(case: Any) -> bool:
    """Whether the engine should wait for Deferreds this case's phases return."""
    flag = getattr(case, "waits_for_results", None)
    if flag is not None:
        return bool(flag)
    return any(
        klass.__module__ == "twisted.trial._asynctest" and klass.__name__ == "TestCase"
        for klass in type(case).__mro__
    )


Cleanup = tuple[Callable[..., Any], tuple[Any, ...], dict[str, Any]]
