"""Interrupt a test that blocks the reactor's thread past its timeout.

A phase's timeout is a reactor timer, and a reactor timer cannot fire while
the test holds the thread (``time.sleep``, a busy loop, a blocking socket
call).  So each waiting phase also sets a deadline a little later than its
timeout, which a watcher thread checks a few times a second.  When the
reactor is healthy the phase ends, or its reactor timer fires, first and the
deadline is cleared.  If the deadline passes anyway, the thread is stuck:
the watcher sends the main thread ``SIGALRM``, whose handler raises
:class:`BlockedTestError` in the running code (so its traceback ends where
the test was stuck), and the run goes on with the next test.

Setting a deadline is a store of one float, so tests that never block pay
almost nothing (a per-phase ``setitimer`` would cost two system calls).
Only the main thread receives signals; elsewhere, or on a platform without
``pthread_kill``, the watchdog does nothing and a blocked test blocks.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from types import FrameType
from typing import Any

GRACE = 0.5  # seconds after the timeout before the thread counts as blocked
_POLL = 0.1  # how often the watcher looks at the deadline


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_LOOP_FILES = tuple(
    os.path.join(*parts)
    for parts in (
        ("twisted", "internet", "base.py"), ("twisted", "internet", "posixbase.py"),
        ("twisted", "internet", "epollreactor.py"), ("twisted", "internet", "pollreactor.py"),
        ("twisted", "internet", "selectreactor.py"), ("twisted", "internet", "asyncioreactor.py"),
        ("asyncio", "base_events.py"), ("selectors.py",),
    )
)


def _in_the_loop(filename: str) -> bool:
    return filename.startswith(_PACKAGE_DIR) or filename.endswith(_LOOP_FILES)


class BlockedTestError(TimeoutError):
    """A test held the reactor's thread past its timeout and was interrupted."""


BlockedTestError.__module__ = "trialish"


class Watchdog:
    def __init__(self) -> None:
        self._case: Any = None
        self._label = ""
        self._seconds = 0.0
        self._deadline: float | None = None
        self._usable = hasattr(signal, "pthread_kill") and hasattr(signal, "SIGALRM")
        self._watcher: threading.Thread | None = None
        self._stopped = threading.Event()
        self._previous_handler: Any = None
        self._main_ident = threading.main_thread().ident
        # The watcher decides and signals under this lock, and disarm() clears
        # ``_pending`` under it: a phase that ended just in time is never hit.
        self._lock = threading.Lock()
        self._pending = False

    def arm(self, timeout: float, case: Any, label: str) -> None:
        """Expect ``case``'s phase ``label`` to be over ``timeout`` seconds from now."""
        if not self._usable:
            return
        if self._watcher is None and not self._start():
            return
        self._case, self._label, self._seconds = case, label, timeout
        self._deadline = time.monotonic() + timeout + GRACE

    def save(self) -> tuple[Any, str, float, float | None]:
        """What is armed now, for :meth:`restore` (a test that runs another test)."""
        return self._case, self._label, self._seconds, self._deadline

    def restore(self, saved: tuple[Any, str, float, float | None] | None) -> None:
        if saved is None:
            return
        with self._lock:
            self._case, self._label, self._seconds, self._deadline = saved

    def disarm(self) -> None:
        self._case = None  # never keep a finished test's case alive
        if self._deadline is not None or self._pending:
            with self._lock:
                self._deadline = None
                self._pending = False

    def close(self) -> None:
        """Stop watching and give SIGALRM back to whoever had it."""
        self._deadline = None
        self._stopped.set()
        if self._previous_handler is not None:
            signal.signal(signal.SIGALRM, self._previous_handler)
            self._previous_handler = None

    def _start(self) -> bool:
        if threading.current_thread() is not threading.main_thread():
            self._usable = False
            return False
        self._previous_handler = signal.signal(signal.SIGALRM, self._alarm)
        self._watcher = threading.Thread(target=self._watch, name="trialish-watchdog", daemon=True)
        self._watcher.start()
        return True

    def _watch(self) -> None:
        while not self._stopped.wait(_POLL):
            with self._lock:
                deadline = self._deadline
                if deadline is not None and time.monotonic() > deadline:
                    self._deadline = None
                    self._pending = True
                    signal.pthread_kill(self._main_ident, signal.SIGALRM)

    def _alarm(self, signum: int, frame: FrameType | None) -> None:
        if not self._pending:
            return  # a SIGALRM that is not ours (or arrived after the phase ended)
        self._pending = False
        if frame is not None and _in_the_loop(frame.f_code.co_filename):
            # The thread is in trialish's or the reactor's own code, so it is
            # not blocked by the test; raising here would break the run.
            # The phase's overdue reactor timer is about to fire instead.
            return
        who = f"{self._case!r} ({self._label})" if self._case is not None else self._label
        raise BlockedTestError(
            f"{who} blocked the reactor's thread for more than its timeout of "
            f"{self._seconds} secs and was interrupted where its traceback ends"
        )


_SHARED: list[Watchdog] = []


_SHARED: list[Watchdog] = []


def shared_watchdog() -> Watchdog:
    """The process's watchdog (there can be only one SIGALRM handler)."""
    if not _SHARED:
        _SHARED.append(Watchdog())
    return _SHARED[0]

