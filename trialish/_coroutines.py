"""Turn a phase's coroutine into a Deferred the engine can wait for.

Under an asyncio-based reactor (``--reactor asyncio``) the coroutine runs
as a real asyncio Task, so ``asyncio.sleep``, ``asyncio.timeout``,
``wait_for``, futures, streams and ``current_task()`` all work; the Task
drives a small bridge that also lets the same coroutine ``await`` a
Deferred (which a Task alone refuses: "Task got bad yield").  Under any
other reactor it runs as Twisted runs coroutines (``Deferred.fromCoroutine``)
and an attempt to use asyncio gets an error that says which option to use.
"""

from __future__ import annotations

import contextvars
import sys
from typing import Any, Callable, Coroutine, Generator

from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

_ASYNCIO_HINT = (
    "this test uses asyncio, which needs an asyncio event loop: run trialish "
    "with --reactor asyncio"
)
# What asyncio raises when there is no loop running, or when one of its
# futures is awaited by something that is not an asyncio Task.
_ASYNCIO_SYMPTOMS = ("no running event loop", "await wasn't used with future",
                     "There is no current event loop", "should be used inside a task")


class AsyncioNeededError(RuntimeError):
    """A coroutine used asyncio under a reactor that has no asyncio loop."""


AsyncioNeededError.__module__ = "trialish"


def asyncio_loop() -> Any | None:
    """The asyncio loop the installed reactor runs on, if it runs on one."""
    reactor = sys.modules.get("twisted.internet.reactor")
    return getattr(reactor, "_asyncioEventloop", None)


def coroutine_deferred(coro: Coroutine[Any, Any, Any], context: contextvars.Context | None = None) -> Deferred:
    """A Deferred of the coroutine's result, run the best way this reactor allows.

    With ``context``, every step of the coroutine runs in it (Twisted's and
    asyncio's drivers would each run it in a copy of their own), so a
    ContextVar the coroutine sets is seen by the test's next phase.
    """
    loop = asyncio_loop()
    if loop is None:
        steps = coro if context is None else _in_context(coro, context)
        return Deferred.fromCoroutine(steps).addErrback(_explain_asyncio)
    task = loop.create_task(_drive(coro, loop, context))
    return Deferred.fromFuture(task)


def _step(context: contextvars.Context, method: Callable[[Any], Any], value: Any) -> Any:
    """``method(value)`` inside ``context``, or where we are if that is already inside it."""
    try:
        return context.run(method, value)
    except RuntimeError as exc:
        if exc.__traceback__ is not None and exc.__traceback__.tb_next is None \
                and str(exc).startswith("cannot enter context"):
            return method(value)  # a phase of the same test, running in it, resumed us
        raise


def _in_context(coro: Coroutine[Any, Any, Any], context: contextvars.Context) -> Generator[Any, Any, Any]:
    """A generator that steps ``coro`` inside ``context``, for Twisted's driver."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            yielded = _step(context, coro.send, value) if error is None else _step(context, coro.throw, error)
        except StopIteration as stop:
            return stop.value
        value = error = None
        try:
            value = yield yielded
        except GeneratorExit:
            coro.close()
            raise
        except BaseException as exc:  # noqa: B902 - handed to the coroutine
            error = exc


def _explain_asyncio(failure: Failure) -> Failure:
    """Replace asyncio's puzzling "no running event loop" with what to do."""
    if failure.check(RuntimeError) and not failure.check(AsyncioNeededError):
        message = str(failure.value)
        if any(symptom in message for symptom in _ASYNCIO_SYMPTOMS):
            explained = Failure(AsyncioNeededError(f"{_ASYNCIO_HINT} ({message})"))
            explained.frames = failure.frames  # where the user's code was, not ours
            return explained
    return failure


class _PassUp:
    """Hand one awaited object up to the Task, and its answer back down."""

    __slots__ = ("awaited",)

    def __init__(self, awaited: Any) -> None:
        self.awaited = awaited

    def __await__(self) -> Generator[Any, Any, Any]:
        return (yield self.awaited)


async def _fired(deferred: Deferred, loop: Any) -> None:
    """Wait, inside the Task, until ``deferred`` has a result, leaving it there.

    The awaiting coroutine is suspended inside the Deferred's own
    ``send()``, which reads the Deferred's result when resumed; so we must
    not consume it, only notice it.
    """
    future = loop.create_future()

    def notice(result: Any) -> Any:
        if not future.done():
            future.set_result(None)
        return result

    deferred.addBoth(notice)
    try:
        await future
    except BaseException:
        # The Task was cancelled (a timeout, asyncio.timeout, wait_for):
        # cancel what it waits on, and keep the resulting CancelledError
        # from being logged as an unhandled error.
        deferred.addErrback(lambda _: None)
        deferred.cancel()
        raise


async def _drive(coro: Coroutine[Any, Any, Any], loop: Any, context: contextvars.Context | None = None) -> Any:
    """Step ``coro`` inside an asyncio Task; Deferreds it awaits are waited for too."""
    steps: Any = coro if context is None else _in_context(coro, context)
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            yielded = steps.send(value) if error is None else steps.throw(error)
        except StopIteration as stop:
            return stop.value
        value = error = None
        try:
            if isinstance(yielded, Deferred):
                await _fired(yielded, loop)
            else:
                value = await _PassUp(yielded)  # an asyncio future, or None
        except BaseException as exc:  # noqa: B902 - handed to the coroutine
            error = exc


def suspended_at(coro: Any) -> list[str]:
    """Where a suspended coroutine waits: its chain of frames, innermost last.

    Follows ``cr_await`` (and generators' ``gi_yieldfrom``) down from the
    phase's coroutine through every coroutine it awaits, then names the
    Deferred or future at the bottom.  Called just before a timed-out
    phase is cancelled, while the chain is still intact.
    """
    lines: list[str] = []
    current, depth = coro, 0
    while current is not None and depth < 100:
        depth += 1
        frame = getattr(current, "cr_frame", None) or getattr(current, "gi_frame", None)
        if frame is None:
            if not hasattr(current, "cr_code") and not hasattr(current, "gi_code"):
                lines.append(f"  waiting on {_describe_awaited(current)}")
            break  # (a finished coroutine waits on nothing)
        owner = frame.f_locals.get("self")
        if isinstance(owner, Deferred) or _is_future(owner):
            lines.append(f"  waiting on {_describe_awaited(owner)}")  # inside its __await__
            break
        code = frame.f_code
        lines.append(f'  File "{code.co_filename}", line {frame.f_lineno}, in {code.co_name}')
        nxt = getattr(current, "cr_await", None)
        if nxt is None:
            nxt = getattr(current, "gi_yieldfrom", None)
        current = nxt
    return lines


def _is_future(thing: Any) -> bool:
    return hasattr(thing, "add_done_callback") and hasattr(thing, "get_loop")


def _describe_awaited(awaited: Any) -> str:
    if type(awaited).__name__ == "FutureIter":
        return "an asyncio future"  # its Future is not reachable from Python
    try:
        text = repr(awaited)
    except Exception:  # a broken __repr__ must not hide the timeout
        text = object.__repr__(awaited)
    return text if len(text) <= 300 else text[:297] + "..."
