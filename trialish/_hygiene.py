"""Put back what a test changed in the process, and say so on that test.

A test runs in the same process as every other test and as trialish
itself.  A test that changes the working directory, ``sys.path``,
``sys.stdout``/``sys.stderr`` (or closes them), a signal handler, the log
observers or the root logger's handlers, and does not change it back, would
otherwise break the tests after it -- or trialish's own output, Ctrl-C
handling and ``test.log``.  :func:`take` notes these before a test and
:func:`restore` puts them back after it (after its cleanups, tearDown and
the janitor), returning one warning line per thing it put back, shown on
that test.  Non-daemon threads a test left running cannot be put back; they
are only reported (they keep the process alive after the run).

Everything here runs twice per test, so each check is an identity or
equality comparison of objects already at hand (``_signal.getsignal`` is the
C function: ``signal.getsignal`` converts to enums and costs 100 times more).
"""

from __future__ import annotations

import io
import logging
import os
import sys
import threading
from typing import Any, Callable

import _signal

CATEGORY = "trialish.LeftoverStateWarning"

# Signals whose handlers matter to the run: Ctrl-C and SIGTERM (the
# session's), SIGALRM (the watchdog's), SIGCHLD (the reactor's child
# reaping), SIGPIPE (Python ignores it: SIG_DFL would kill the run on a
# closed pipe), and the user signals tests like to borrow.
_SIGNALS = tuple(getattr(_signal, name) for name in (
    "SIGINT", "SIGTERM", "SIGALRM", "SIGCHLD", "SIGPIPE", "SIGHUP", "SIGUSR1", "SIGUSR2")
    if hasattr(_signal, name))
# Handlers installed by these packages during a test are the run's own
# (the reactor starting, the watchdog arming), never put back.
_RUN_OWNERS = ("trialish.", "twisted.")

# stream -> the file descriptor under it, learnt while it was open, so that
# a stream a test closed can be opened again on the same descriptor.
_FDS: dict[int, int] = {}


def _getcwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # deleted under the run: restore() makes it again
        return _RUN_DIR[0]


class Snapshot:
    """What :func:`restore` compares with; made by :func:`take`."""

    __slots__ = ("cwd", "path", "path_items", "stdout", "stderr", "signals",
                 "observers", "root_handlers", "root_level", "threads")

    def __init__(self) -> None:
        self.cwd = _getcwd()
        self.path = sys.path
        self.path_items = list(sys.path)
        self.stdout = sys.stdout
        self.stderr = sys.stderr
        self.signals = tuple(map(_signal.getsignal, _SIGNALS))
        publisher = _publisher()
        self.observers = list(publisher._observers) if publisher is not None else None
        root = logging.root  # getLogger() takes the logging lock: twice per test
        self.root_handlers = list(root.handlers)
        self.root_level = root.level
        self.threads = _thread_count()


def _thread_count() -> int:
    """``threading.active_count()`` without its lock (twice per test)."""
    try:
        return len(threading._active) + len(threading._limbo)  # type: ignore[attr-defined]
    except AttributeError:  # another Python's threading module
        return threading.active_count()


def take() -> Snapshot:
    return Snapshot()


def restore(before: Snapshot) -> list[str]:
    """Put back what changed since ``before``; one warning line per change."""
    lines: list[str] = []
    _restore_streams(before, lines)
    try:
        cwd: str | None = os.getcwd()
    except OSError:  # the test removed the directory it was in
        cwd = None
    if cwd is None and before.cwd == _RUN_DIR[0]:
        from ._tempdir import recreate

        if recreate(before.cwd):
            lines.append(_line(f"the test deleted the temp directory {before.cwd!r} it ran in: "
                               "trialish made it again"))
            for callback in _ON_RECREATED:
                callback()
        cwd = before.cwd if _enter(before.cwd) else None
    if cwd != before.cwd and before.cwd is not None:
        try:
            os.chdir(before.cwd)
            lines.append(_line(f"the test changed the working directory to {cwd!r} and did not "
                               f"change it back: trialish put back {before.cwd!r}"))
        except OSError as exc:
            lines.append(_line(f"the test changed the working directory to {cwd!r}, and "
                               f"{before.cwd!r} cannot be entered again: {exc.strerror or exc}"))
    if sys.path is not before.path or sys.path != before.path_items:
        added = [p for p in sys.path if p not in before.path_items]
        removed = [p for p in before.path_items if p not in sys.path]
        before.path[:] = before.path_items
        sys.path = before.path
        detail = ", ".join(filter(None, (added and f"added {added}", removed and f"removed {removed}")))
        lines.append(_line(f"the test changed sys.path ({detail or 'reordered it'}) and did not "
                           "change it back: trialish put it back"))
    _restore_signals(before, lines)
    _restore_logging(before, lines)
    threads = _thread_count()
    if threads > before.threads:
        lines.extend(_left_threads())
        before.threads = threads  # the run's pool threads stay; leftovers are reported once
    return lines


def _enter(path: str) -> bool:
    try:
        os.chdir(path)
    except OSError:
        return False
    return True


# The folder the run's tests start in (the temp directory), made again if a
# test deletes it; set by :func:`note_streams` when the engine starts.
_RUN_DIR: list[str | None] = [None]
_ON_RECREATED: list[Callable[[], None]] = []  # e.g. write test.log again


def _line(message: str) -> str:
    return f"{CATEGORY}: {message}"


# -- standard streams -------------------------------------------------------------


def _remember_fd(stream: Any) -> None:
    if id(stream) not in _FDS:
        try:
            _FDS[id(stream)] = stream.fileno()
        except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
            _FDS[id(stream)] = -1


def note_streams(on_recreated: Callable[[], None] | None = None) -> None:
    """Learn the run's folder, and the descriptors under its streams while they are open."""
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        if stream is not None:
            _remember_fd(stream)
    try:
        _RUN_DIR[0] = os.getcwd()
    except OSError:
        _RUN_DIR[0] = None
    _ON_RECREATED[:] = [on_recreated] if on_recreated is not None else []


def _reopen(stream: Any) -> bool:
    """Open a stream a test closed again, in place, so every holder of it works.

    ``TextIOWrapper.__init__`` may be called again on the same object; the
    descriptor under ``sys.stdout``/``sys.stderr`` is not closed with it.
    """
    fd = _FDS.get(id(stream), -1)
    if fd < 0 or not isinstance(stream, io.TextIOWrapper):
        return False
    try:
        os.fstat(fd)
        raw = io.FileIO(fd, "w", closefd=False)
        buffer = io.BufferedWriter(raw)
        stream.__init__(buffer, encoding=stream.encoding, errors=stream.errors,  # type: ignore[misc]
                        line_buffering=stream.line_buffering, write_through=stream.write_through)
    except (OSError, ValueError, AttributeError):
        return False
    return True


def _restore_streams(before: Snapshot, lines: list[str]) -> None:
    for name in ("stdout", "stderr"):
        saved = getattr(before, name)
        current = getattr(sys, name)
        if current is not saved:
            setattr(sys, name, saved)
            lines.append(_line(f"the test replaced sys.{name} and did not put it back: "
                               "trialish put it back"))
        if saved is not None and getattr(saved, "closed", False):
            reopened = _reopen(saved)
            lines.append(_line(f"the test closed sys.{name}: " + (
                "trialish opened it again" if reopened else "it could not be opened again")))


# -- signals -------------------------------------------------------------------------


def _owner(handler: Any) -> str:
    function = getattr(handler, "__func__", handler)
    return getattr(function, "__module__", None) or ""


def _restore_signals(before: Snapshot, lines: list[str]) -> None:
    if tuple(map(_signal.getsignal, _SIGNALS)) == before.signals:
        return  # the common case, in one comparison
    for signum, saved in zip(_SIGNALS, before.signals):
        current = _signal.getsignal(signum)
        if current == saved or _owner(current).startswith(_RUN_OWNERS):
            continue
        try:
            _signal.signal(signum, saved if saved is not None else _signal.SIG_DFL)
        except (OSError, ValueError, TypeError):
            continue
        lines.append(_line(f"the test changed the handler of signal {_name(signum)} and did not "
                           "change it back: trialish put it back"))
    # The run's own handlers (the reactor starting) are part of the process
    # from now on: the snapshot takes them, so a reused snapshot stays exact.
    before.signals = tuple(map(_signal.getsignal, _SIGNALS))


def _name(signum: int) -> str:
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


# -- logging ---------------------------------------------------------------------------


def _publisher() -> Any:
    module = sys.modules.get("twisted.logger._global")
    return getattr(module, "globalLogPublisher", None) if module is not None else None


def _is_trials_own(observer: Any) -> bool:
    """trial's log observer, which trial's run() adds and removes by a count of its own.

    A trial TestCase run inside a test may leave it added (trial does not
    remove it when setUp fails); taking it away would desynchronise that
    count, and trial would never add it again.
    """
    legacy = getattr(observer, "legacyObserver", observer)
    owner = getattr(legacy, "__self__", None)
    return type(owner).__module__ == "twisted.trial._synctest"


def _restore_logging(before: Snapshot, lines: list[str]) -> None:
    publisher = _publisher()
    if publisher is not None and before.observers is not None \
            and publisher._observers != before.observers:
        now = publisher._observers
        added = [o for o in now if o not in before.observers and not _is_trials_own(o)]
        removed = [o for o in before.observers if o not in now and not _is_trials_own(o)]
        kept = [o for o in now if _is_trials_own(o)]
        publisher._observers[:] = [o for o in before.observers if not _is_trials_own(o)] + kept
        if added or removed:
            lines.append(_line(f"the test changed the log observers ({len(added)} added, "
                               f"{len(removed)} removed) and did not change them back: "
                               "trialish put them back"))
    root = logging.root
    if root.handlers != before.root_handlers or root.level != before.root_level:
        root.handlers[:] = before.root_handlers
        root.setLevel(before.root_level)
        lines.append(_line("the test changed the root logger's handlers or level and did not "
                           "change them back: trialish put them back"))


# -- threads ---------------------------------------------------------------------------

_REPORTED_THREADS: "set[int]" = set()


def _pool_threads() -> set[int]:
    """The reactor's thread pool workers: the run's, stopped after each class."""
    reactor = sys.modules.get("twisted.internet.reactor")
    pool = getattr(reactor, "threadpool", None)
    return {id(thread) for thread in getattr(pool, "threads", ())}


def _left_threads() -> list[str]:
    pool = _pool_threads()
    lines = []
    for thread in threading.enumerate():
        if (thread.daemon or thread is threading.main_thread() or id(thread) in pool
                or id(thread) in _REPORTED_THREADS or not thread.is_alive()
                or thread.name.startswith(("asyncio_", "ThreadPoolExecutor-"))):
            continue
        thread.join(0.05)  # one that was just ending is not a leftover
        if not thread.is_alive():
            continue
        _REPORTED_THREADS.add(id(thread))
        target = getattr(thread, "_target", None)
        where = ""
        code = getattr(getattr(target, "__func__", target), "__code__", None)
        if code is not None:
            where = f", running {code.co_name} from {code.co_filename}:{code.co_firstlineno}"
        lines.append(_line(f"the test left the non-daemon thread {thread.name!r} running{where}: "
                           "it cannot be stopped, and keeps the process alive after the run"))
    return lines
