"""Find what a test left in the reactor, report it, and remove it.

Checking must be cheap because it runs after every test: when the reactor
module was never imported there is nothing to check, and otherwise we only
look at the reactor's delayed calls and at the selectables that are not the
reactor's own (its waker and signal pipes).  Only when something is
left over does the engine give the reactor two turns (to let a closing
port or connection finish) before calling :meth:`Janitor.clean`.
"""

from __future__ import annotations

import sys
import weakref
from typing import Any

from ._failures import render
from ._sites import described


class DirtyReactorAggregateError(Exception):
    """The reactor still held delayed calls or selectables after a test."""


DirtyReactorAggregateError.__module__ = "trialish"


class DirtyReactorWarning(Warning):
    """With --unclean-warnings: what a dirty reactor is reported as instead."""


DirtyReactorWarning.__module__ = "trialish"


class Janitor:
    def __init__(self) -> None:
        # The reactor's reader and writer registrations when it was last
        # found clean: if no call is scheduled and they are unchanged, it
        # is still clean, and the full check (which builds lists and sets
        # of every selectable) is skipped.  Most tests take this path.
        self._clean_registrations: tuple[Any, Any] | None = None
        # The reactor once it was found clean with ``_reads``/``_writes`` to
        # compare and no asyncio loop: later checks skip the other questions.
        self._plain_reactor: Any = None
        self._watching = False

    @staticmethod
    def _registrations(reactor: Any) -> tuple[Any, Any] | None:
        reads, writes = getattr(reactor, "_reads", None), getattr(reactor, "_writes", None)
        if reads is None or writes is None:
            return None
        return reads, writes

    def _still_clean(self, reactor: Any) -> bool:
        pending = getattr(reactor, "_pendingTimedCalls", None)
        new = getattr(reactor, "_newTimedCalls", None)
        if pending is None or new is None:
            return False
        if pending or new:
            # Clean if they are only cancelled calls not yet dropped from
            # the heap (timeout timers: one per wait) or trialish's own.
            for calls in (pending, new):
                for call in calls:
                    if not (call.cancelled or getattr(call, "trialish_own", False)):
                        return False
        clean = self._clean_registrations
        return clean is not None and reactor._reads == clean[0] and reactor._writes == clean[1]

    @staticmethod
    def _reactor() -> Any | None:
        """The installed reactor, without installing one."""
        return sys.modules.get("twisted.internet.reactor")

    def _selectables(self, reactor: Any) -> set[Any]:
        try:
            return set(reactor.getReaders()) | set(reactor.getWriters())
        except (AttributeError, NotImplementedError):
            return set()

    def _new_selectables(self, reactor: Any) -> list[Any]:
        """Selectables a test added: all but the reactor's own (its waker...)."""
        own = set(getattr(reactor, "_internalReaders", ()))
        waker = getattr(reactor, "waker", None)
        if waker is not None:
            own.add(waker)
        return [s for s in self._selectables(reactor) if s not in own]

    def _pending_calls(self, reactor: Any) -> list[Any]:
        return [call for call in reactor.getDelayedCalls()
                if call.active() and not getattr(call, "trialish_own", False)]

    def pending_call_lines(self) -> list[str]:
        """The test's delayed calls still to run, each with where it was scheduled."""
        reactor = self._reactor()
        if reactor is None:
            return []
        return [described(call, str(call), "scheduled") for call in self._pending_calls(reactor)]

    def watch(self) -> None:
        """Start noting where calls and ports are made, once a reactor exists."""
        if not self._watching:
            from ._sites import watch_when_imported

            watch_when_imported()
            self._watching = True

    def might_be_dirty(self) -> bool:
        reactor = self._reactor()
        if reactor is None:
            return False
        if reactor is self._plain_reactor:
            # Neither asyncio's (no tasks to look at) nor a changed reactor.
            if self._still_clean(reactor):
                return False
        else:
            if _pending_tasks(reactor):
                return True
            if self._clean_registrations is not None and self._still_clean(reactor):
                return False
        dirty = bool(self._pending_calls(reactor) or self._new_selectables(reactor))
        if not dirty:
            registrations = self._registrations(reactor)
            self._clean_registrations = (
                None if registrations is None else (registrations[0].copy(), registrations[1].copy())
            )
            self._plain_reactor = (
                reactor if registrations is not None
                and getattr(reactor, "_asyncioEventloop", None) is None else None
            )
        return dirty

    def clean(self) -> str:
        """Cancel leftover calls, drop leftover selectables; describe them."""
        reactor = self._reactor()
        if reactor is None:
            return ""
        calls = self._pending_calls(reactor)
        call_texts = []
        for call in calls:
            call_texts.append(described(call, str(call), "scheduled"))
            call.cancel()
        selectables = self._new_selectables(reactor)
        selectable_texts = []
        for selectable in selectables:
            selectable_texts.append(described(selectable, repr(selectable), "made"))
            _remove(reactor, selectable)
        task_texts = []
        for task in _pending_tasks(reactor):
            task_texts.append(_describe_task(task))
            task.cancel()  # it ends on the loop's next turn; never report it twice
            _CANCELLED_TASKS.add(task)
        if not (call_texts or selectable_texts or task_texts):
            return ""
        message = "Reactor was unclean."
        if call_texts:
            message += (
                "\nDelayedCalls: (set twisted.internet.base.DelayedCall.debug = True to debug)\n"
                + "\n".join(call_texts)
            )
        if selectable_texts:
            message += "\nSelectables:\n" + "\n".join(selectable_texts)
        if task_texts:
            message += "\nasyncio tasks:\n" + "\n".join(task_texts)
        return render(DirtyReactorAggregateError, message, [])


def _remove(reactor: Any, selectable: Any) -> None:
    """Take a selectable out of the reactor and release its file descriptor."""
    for remove in (reactor.removeReader, reactor.removeWriter):
        try:
            remove(selectable)
        except Exception:
            pass
    signal_process = getattr(selectable, "signalProcess", None)
    if callable(signal_process):
        try:
            signal_process("KILL")
        except Exception:
            pass
        return
    sock = getattr(selectable, "socket", None)
    if sock is not None:
        try:
            sock.close()
        except Exception:
            pass


_CANCELLED_TASKS: "weakref.WeakSet[Any]" = weakref.WeakSet()


def _pending_tasks(reactor: Any) -> list[Any]:
    """asyncio tasks still pending on the reactor's loop (asyncio reactor only)."""
    loop = getattr(reactor, "_asyncioEventloop", None)
    if loop is None:
        return []
    import asyncio

    return [task for task in asyncio.all_tasks(loop)
            if not task.done() and task not in _CANCELLED_TASKS]


def _describe_task(task: Any) -> str:
    from ._coroutines import suspended_at

    where = suspended_at(task.get_coro())
    text = described(task, f"<Task {task.get_name()} {task.get_coro()!r}>", "created")
    return text + ("\n" + "\n".join(where) if where else "")


def stop_thread_pool() -> None:
    """Stop the reactor's thread pool, as trial does after every test class.

    A test may shrink the pool (``suggestThreadPoolSize(0)``) or leave work
    in it; the next class then gets a fresh pool, started on demand.
    """
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is not None and getattr(reactor, "threadpool", None) is not None:
        stop = getattr(reactor, "_stopThreadPool", None)
        if callable(stop):
            stop()
