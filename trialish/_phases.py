"""Call one phase and wait for what it hands back: the one phase caller.

A phase is anything trialish calls on the user's behalf: a test's setUp,
the test method, a cleanup, tearDown, and the class and module fixtures
(``setUpClass``, ``tearDownModule``, their cleanups).  Every one of them is
called here, so every one gets the same treatment:

- a generator function (whose body would never run) is an error;
- a Deferred or a coroutine is waited for, up to the phase's timeout, with
  the reactor turning (:meth:`_host.ReactorHost.wait`) -- unless the phase
  belongs to a synchronous TestCase, which never waits: then a Deferred that
  has already fired counts (as under trial), anything else is an error;
- a coroutine runs under an asyncio reactor as an asyncio Task and may await
  Deferreds too (:mod:`_coroutines`);
- the watchdog interrupts a phase that blocks the thread past its timeout;
- a timeout says where the coroutine was stuck and what calls were pending;
- with a ``contextvars.Context``, the phase (and each step of its coroutine)
  runs in it, so all phases of one test share their ContextVars.

What a phase raised or handed back is returned as data (exceptions and
Failures); deciding what they mean is :mod:`_outcome`'s job.
"""

from __future__ import annotations

import contextvars
import inspect
from typing import Any, Callable, Iterator

from twisted.internet.defer import Deferred, TimeoutError as DeferredTimeout
from twisted.python.failure import Failure

from ._coroutines import coroutine_deferred, suspended_at
from ._host import ReactorHost, ReactorStoppedError
from ._waiting import Waiting
from ._watchdog import Watchdog

NO_ERRORS: tuple[Any, ...] = ()


class SynchronousResultError(TypeError):
    """A phase of a synchronous TestCase handed back a Deferred or a coroutine."""


SynchronousResultError.__module__ = "trialish"


class GeneratorPhaseError(TypeError):
    """A phase is a generator function: calling it runs none of its body."""


GeneratorPhaseError.__module__ = "trialish"


def popped_cleanups(cleanups: Any) -> Iterator[tuple[str, Callable[[], Any]]]:
    """``addCleanup``-style ``(function, args, kwargs)`` entries, last added first.

    Yields each one's name and a call of it; popped one at a time, so a
    cleanup that adds another has it run too (as the stdlib does).  For a
    test's cleanups and for class and module cleanups alike.
    """
    while isinstance(cleanups, list) and cleanups:
        function, args, kwargs = cleanups.pop()
        yield getattr(function, "__name__", repr(function)), _bound(function, args, kwargs)


def _bound(function: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]) -> Callable[[], Any]:
    return lambda: function(*args, **kwargs)


class PhaseCaller:
    """Calls phases for the engine and the fixtures alike."""

    def __init__(self, host: ReactorHost, watchdog: Watchdog | None,
                 pending_calls: Callable[[], list[str]], before_wait: Callable[[], None],
                 on_timeout: Callable[[], None]) -> None:
        self.host = host
        self.watchdog = watchdog
        self._pending_calls = pending_calls  # the test's delayed calls, for a timeout's report
        self._before_wait = before_wait  # e.g. flush test.log: the test may now hang
        self._on_timeout = on_timeout  # e.g. flush test.log at once

    def call(
        self, label: str, function: Callable[[], Any], waits: bool, timeout: float | None,
        describe: Any = None, context: contextvars.Context | None = None,
    ) -> tuple[Any, ...] | list[Any]:
        """Call ``function`` (the phase ``label``) and wait for its result.

        Returns what went wrong -- exceptions and Failures, in order -- or an
        empty tuple if the phase succeeded.  ``describe`` (the test case) is
        named in a timeout's message; it is only turned into text then.
        """
        watchdog = self.watchdog if waits and timeout is not None else None
        if watchdog is not None:
            watchdog.arm(timeout, describe, label)  # type: ignore[arg-type]
        try:
            result = function() if context is None else context.run(function)
            if result is None:  # by far the most common: nothing to wait for
                return NO_ERRORS
            if inspect.isgenerator(result):
                # Its body would never run: calling a generator function
                # only makes the generator.  (trial says the same.)
                result.close()
                raise GeneratorPhaseError(
                    f"{label} is a generator function and therefore will never run "
                    "(did you mean 'async def', or @inlineCallbacks?)")
            is_coroutine = inspect.iscoroutine(result)
            if not (is_coroutine or isinstance(result, Deferred)):
                return NO_ERRORS
            if not waits:
                return self._unwaited(label, result, is_coroutine)
            deferred = coroutine_deferred(result, context) if is_coroutine else result
            box: list[Any] = []
            deferred.addBoth(box.append)
            if box:  # it had fired, or the coroutine never had to wait
                outcome = box[0]
                return [outcome] if isinstance(outcome, Failure) else NO_ERRORS
            return self._wait(label, deferred, box, timeout, describe, result if is_coroutine else None)
        except BaseException as exc:
            return [exc]
        finally:
            if watchdog is not None:
                watchdog.disarm()

    def turn(self) -> None:
        """Let the reactor turn once (the janitor's grace for closing ports)."""
        deferred = self.host.turn()
        box: list[Any] = []
        deferred.addBoth(box.append)
        if not box:
            self.host.wait(Waiting(deferred, box, None))

    # -- the slow paths ----------------------------------------------------------

    def _unwaited(self, label: str, result: Any, is_coroutine: bool) -> tuple[Any, ...] | list[Any]:
        if isinstance(result, Deferred) and result.called:
            # Already fired: its result is known without waiting (trial
            # passes such tests too), so take it.
            box: list[Any] = []
            result.addBoth(box.append)
            if box:
                return [box[0]] if isinstance(box[0], Failure) else NO_ERRORS
        if is_coroutine:
            result.close()
        else:
            result.addErrback(lambda _: None)
        return [SynchronousResultError(
            f"{label} returned a {'coroutine' if is_coroutine else 'Deferred'}, which a "
            "SynchronousTestCase never waits for: subclass trialish.TestCase instead")]

    def _wait(self, label: str, deferred: Deferred, box: list[Any], timeout: float | None,
              describe: Any, coroutine: Any) -> tuple[Any, ...] | list[Any]:
        suspended: list[str] = []
        pending: list[str] = []

        def note_where() -> None:  # just before the cancel, while the chain is intact
            self._on_timeout()
            if coroutine is not None:
                suspended.extend(suspended_at(coroutine))
            pending.extend(self._pending_calls())

        self._before_wait()
        waiting = Waiting(deferred, box, timeout, note_where)
        self.host.wait(waiting)
        if waiting.timed_out:
            return self._timed_out(label, timeout, describe, suspended, pending, waiting.cancel_error)
        if waiting.misuse is not None:
            return [waiting.misuse]
        if waiting.stopped or not box:
            return [ReactorStoppedError(
                f"the reactor's loop ended while {label} waited, without its result: something "
                "stopped the reactor for good, so no test can wait any more")]
        outcome = box[0]
        return [outcome] if isinstance(outcome, Failure) else NO_ERRORS

    @staticmethod
    def _timed_out(label: str, timeout: float | None, describe: Any, suspended: list[str],
                   pending: list[str], cancel_error: Failure | None) -> list[Any]:
        who = f"{describe!r} ({label})" if describe is not None else label
        message = f"{who} still running at {timeout} secs"
        if suspended:
            message += "\nIt was suspended at (innermost last):\n" + "\n".join(suspended)
        if pending:
            message += "\nPending delayed calls:\n" + "\n".join(pending)
        errors: list[Any] = [DeferredTimeout(message)]
        if cancel_error is not None:
            errors.append(cancel_error)
        return errors
