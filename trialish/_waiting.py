"""One wait of one test: what the engine's procedure yields, and what the reactor calls back.

:mod:`_engine` writes a test as a generator that yields a :class:`_Wait`
whenever a phase hands back a Deferred that has not fired.  When the driver
cannot resume at once, a :class:`_Waiting` holds everything the reactor
needs to resume the test later: on the result, on the timeout, or when a
reactor callback of the test misuses the reactor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generator

from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from ._coroutines import suspended_at
from ._reactor import on_misuse

if TYPE_CHECKING:
    from ._engine import Engine

_TIMED_OUT = object()


class _Wait:
    """What the procedure yields: a Deferred to wait for, and for how long."""

    __slots__ = ("deferred", "timeout", "label", "phase", "coroutine", "box", "cancel_error",
                 "suspended", "pending_calls")

    def __init__(
        self, deferred: Deferred, timeout: float | None, label: str, coroutine: Any = None,
        phase: str = "",
    ) -> None:
        self.deferred = deferred
        self.timeout = timeout
        self.label = label
        self.phase = phase  # the phase the wait belongs to, for its problems
        self.coroutine = coroutine  # the phase's coroutine, to say where it is stuck
        # The Deferred's result, once it has one: filled by a callback the
        # first of the phase or the driver adds (only once: it eats the result).
        self.box: list[Any] | None = None
        self.cancel_error: Failure | None = None  # what cancelling it on timeout raised
        self.suspended: tuple[str, ...] = ()  # where it was when it timed out
        self.pending_calls: tuple[str, ...] = ()  # the reactor's delayed calls at that moment


Procedure = Generator[_Wait, Any, None]


class _Waiting:
    """One wait of one test that did not end at once: what the reactor calls back.

    Whichever comes first -- the result, the timeout, a misuse of the
    reactor -- ends the wait and resumes the test's procedure; the others
    then do nothing.  (One object per wait rather than five closures and a
    dict: this runs for every wait of every waiting test.)
    """

    __slots__ = ("engine", "procedure", "wait", "box", "done", "finish", "timer", "resumed")

    def __init__(
        self, engine: "Engine", procedure: Procedure, wait: _Wait, box: list, done: Deferred, finish: tuple,
    ) -> None:
        self.engine = engine
        self.procedure = procedure
        self.wait = wait
        self.box = box  # the Deferred's result lands here first (see Engine._step)
        self.done = done
        self.finish = finish
        self.timer: Any = None
        self.resumed = False

    def advance(self, value: Any) -> None:
        # Called by the reactor: whatever goes wrong must end up in
        # ``done``, or the session would wait for this test forever.
        try:
            self.engine._step(self.procedure, value, self.done, self.finish)
        except BaseException:
            if not self.done.called:
                self.done.errback(Failure())

    def _end(self) -> bool:
        """Mark the wait as over; False if it already was."""
        if self.resumed:
            return False
        self.resumed = True
        on_misuse(None)
        timer = self.timer
        if timer is not None and timer.active():
            timer.cancel()
        return True

    def on_result(self, _: Any) -> None:
        if self._end():
            self.advance(self.box[0])

    def misused(self, error: BaseException) -> bool:
        # A reactor callback of this test called reactor.stop() (or
        # run/crash/iterate): end the wait with that error now, from a
        # fresh reactor turn, rather than wait for the timeout.
        if not self._end():
            return False
        try:
            self.wait.deferred.cancel()  # its result (CancelledError) goes to on_result: ignored
        except BaseException:
            pass
        self.engine._call_later(0, self.advance, Failure(error))
        return True

    def on_timeout(self) -> None:
        if not self._end():
            return
        engine, wait = self.engine, self.wait
        engine.logs.flush()
        if wait.coroutine is not None:
            wait.suspended = tuple(suspended_at(wait.coroutine))
        wait.pending_calls = tuple(engine.janitor.pending_call_lines())
        try:
            wait.deferred.cancel()
        except BaseException:  # a canceller that raises: one more problem
            wait.cancel_error = Failure()
        self.advance(_TIMED_OUT)
