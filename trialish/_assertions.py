"""trial's assertions about Deferreds, logged errors and warnings.

These live in a mixin so that :mod:`_testcase` stays about phases and
state.  Every method reads the per-test context the engine attaches to the
case (``self._trialish``); outside a trialish run a private context is made
on first use so the methods still work under ``python -m unittest``.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, NoReturn, TypeVar

__unittest = True  # hide these frames from tracebacks, as the stdlib does

T = TypeVar("T")


class FailTest(AssertionError):
    """Raised when a test assertion fails (trial's name for it)."""


FailTest.__module__ = "trialish"  # its public name, as shown in tracebacks


def _failure_type():
    from twisted.python.failure import Failure

    return Failure


class DeferredAssertions:
    """Synchronous inspection of Deferreds, as in trial's SynchronousTestCase."""

    failureException: type[BaseException]
    fail: Callable[..., NoReturn]  # provided by unittest.TestCase

    def _result_now(self, deferred: Any) -> tuple[Any, list[Any]]:
        """The Deferred (made from a coroutine if need be) and its result, if any.

        The result passes through unchanged, so the Deferred stays usable,
        except a failure that is there now: the test has seen it, so it is
        consumed (as trial does) and never logged as an unhandled error in
        Deferred.  A result that comes later is left alone.
        """
        from twisted.internet.defer import ensureDeferred

        deferred = ensureDeferred(deferred)
        box: list[Any] = []
        looking = [True]

        def look(result: Any) -> Any:
            box.append(result)
            if looking[0] and isinstance(result, _failure_type()):
                return None
            return result

        deferred.addBoth(look)
        looking[0] = False
        return deferred, box

    def successResultOf(self, deferred: Any) -> Any:
        """Return the result of an already-succeeded Deferred (or coroutine), or fail."""
        deferred, box = self._result_now(deferred)
        if not box:
            self.fail(f"Success result expected on {deferred!r}, found no result instead")
        if isinstance(box[0], _failure_type()):
            self.fail(
                f"Success result expected on {deferred!r}, found failure result "
                f"instead:\n{box[0].getTraceback()}"
            )
        return box[0]

    def failureResultOf(self, deferred: Any, *expected: type[BaseException]) -> Any:
        """Return the Failure of an already-failed Deferred (or coroutine), or fail."""
        deferred, box = self._result_now(deferred)
        if not box:
            self.fail(f"Failure result expected on {deferred!r}, found no result instead")
        result = box[0]
        if not isinstance(result, _failure_type()):
            self.fail(
                f"Failure result expected on {deferred!r}, found success result "
                f"({result!r}) instead"
            )
        if expected and not result.check(*expected):
            names = " or ".join(f"{e.__module__}.{e.__qualname__}" for e in expected)
            self.fail(
                f"Failure of type ({names}) expected on {deferred!r}, found type "
                f"{result.type!r} instead: {result.getTraceback()}"
            )
        return result

    def assertNoResult(self, deferred: Any) -> None:
        """Fail if the Deferred (or coroutine) already has a result."""
        deferred, box = self._result_now(deferred)
        if box:
            self.fail(f"No result expected on {deferred!r}, found {box[0]!r} instead")

    def assertFailure(self, deferred: Any, *expected: type[BaseException]) -> Any:
        """A Deferred that succeeds (with the exception) only if ``deferred``
        (or a coroutine) fails with one of ``expected``; otherwise it fails."""

        def succeeded(result: Any) -> NoReturn:
            raise self.failureException(
                f"did not catch an error, instead got {result!r}"
            )

        def failed(failure: Any) -> Any:
            if failure.check(*expected):
                return failure.value
            raise self.failureException(
                f"\nExpected: {expected!r}\nGot:\n{failure}"
            )

        from twisted.internet.defer import ensureDeferred

        return ensureDeferred(deferred).addCallbacks(succeeded, failed)

    failUnlessFailure = assertFailure


class LogAssertions:
    """Flushing logged errors and captured warnings."""

    def _context(self) -> Any:
        context = getattr(self, "_trialish", None)
        if context is None:
            from ._logcapture import TestContext

            context = TestContext()
            self._trialish = context
        return context

    def flushLoggedErrors(self, *types: type[BaseException]) -> list[Any]:
        """Remove and return the errors logged so far in this test."""
        return self._context().flush_errors(types)

    def flushWarnings(self, offendingFunctions: list[Callable[..., Any]] | None = None) -> list[dict[str, Any]]:
        """Remove and return the warnings emitted so far in this test."""
        return self._context().flush_warnings(offendingFunctions)

    def assertWarns(self, category: Any, *args: Any, **kwargs: Any) -> Any:
        """stdlib form (``with self.assertWarns(C)``) or trial's call form.

        trial's form is ``assertWarns(category, message, filename, f, *args)``
        and returns ``f``'s result.
        """
        if len(args) >= 3 and isinstance(args[0], str) and callable(args[2]):
            message, filename, function, *rest = args
            return self._trial_assert_warns(category, message, filename, function, rest, kwargs)
        return super().assertWarns(category, *args, **kwargs)  # type: ignore[misc]

    failUnlessWarns = assertWarns

    def _trial_assert_warns(
        self, category: Any, message: str, filename: str, function: Callable[..., T],
        args: list[Any], kwargs: dict[str, Any],
    ) -> T:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            result = function(*args, **kwargs)
        if not caught:
            self.fail("No warnings emitted")  # type: ignore[attr-defined]
        first = caught[0]
        self.assertEqual(first.category, category)  # type: ignore[attr-defined]
        self.assertEqual(str(first.message), message)  # type: ignore[attr-defined]
        import os

        self.assertEqual(  # type: ignore[attr-defined]
            os.path.splitext(os.path.normcase(first.filename))[0],
            os.path.splitext(os.path.normcase(filename))[0],
            "Warning in %r, expected %r" % (first.filename, filename),
        )
        return result
