"""One wait: a Deferred the reactor is turned for, and the three ways it can end.

:mod:`_phases` hands the host (:meth:`_host.ReactorHost.wait`) a
:class:`Waiting` when a phase returns a Deferred (or a coroutine) that has
not fired.  The host turns the reactor until the wait ends, whichever comes
first:

- the Deferred fires (its result is already in ``box``);
- the timeout's reactor timer fires: the Deferred is cancelled;
- a reactor callback of the test calls ``reactor.stop()``, ``crash()``,
  ``run()`` or ``iterate()``: the wait ends with that misuse as its error.

Each way marks the wait as ended and calls ``end_loop`` (the host crashes the
reactor's loop), so the others then do nothing.  One object per wait, with
slots: this is made for every wait of every waiting test.
"""

from __future__ import annotations

from typing import Any, Callable

from twisted.internet.defer import Deferred
from twisted.python.failure import Failure


def _nothing() -> None:
    """``end_loop`` until the host sets the real one."""


class Waiting:
    """A Deferred being waited for, and how the wait ended."""

    __slots__ = ("deferred", "box", "timeout", "on_timeout", "end_loop", "ended", "timed_out",
                 "misuse", "cancel_error", "stopped")

    def __init__(
        self, deferred: Deferred, box: list[Any], timeout: float | None,
        on_timeout: Callable[[], None] | None = None,
    ) -> None:
        self.deferred = deferred
        self.box = box  # the Deferred's result lands here (a callback added before the wait)
        self.timeout = timeout
        self.on_timeout = on_timeout  # notes what the test was doing, before the cancel
        self.end_loop: Callable[[], None] = _nothing
        self.ended = False
        self.timed_out = False
        self.misuse: BaseException | None = None
        self.cancel_error: Failure | None = None  # what cancelling it on timeout raised
        self.stopped = False  # the loop ended under the wait, by none of the three

    def fired(self, result: Any) -> Any:
        if not self.ended:
            self.ended = True
            self.end_loop()
        return result

    def time_out(self) -> None:
        if self.ended:
            return
        self.ended = True
        self.timed_out = True
        if self.on_timeout is not None:
            self.on_timeout()
        try:
            self.deferred.cancel()  # its CancelledError lands in box: the timeout wins
        except BaseException:  # a canceller that raises: one more problem
            self.cancel_error = Failure()
        self.end_loop()

    def misused(self, error: BaseException) -> bool:
        """End the wait with ``error``; False if it had already ended."""
        if self.ended:
            return False
        self.ended = True
        self.misuse = error
        try:
            self.deferred.cancel()
        except BaseException:
            pass
        self.end_loop()
        return True
