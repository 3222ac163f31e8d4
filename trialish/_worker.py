"""A ``-j`` worker process: the other end of :mod:`_workers`.

A worker is normally *forked* from the parent once the parent has found
the tests, so it starts with every test module already imported (a spawned
interpreter would spend longer importing Twisted and the tests than a
small suite takes to run).  When forking is not safe -- a thread is
running, or the parent holds a reactor that cannot be rebuilt (asyncio,
uvloop) -- it is *spawned* instead (``python -c ... RESULT_FD COMMAND_FD``)
and finds the tests itself (the same NAMEs give the same ids).

Messages both ways are pickles, each prefixed with its length:

* worker -> parent ``("more",)``: give me the next batch (also "I'm ready")
* parent -> worker ``("run", [test ids])``; an empty list means "no more"
* worker -> parent ``("report", TestReport)`` as each test finishes, or
  ``("ok", test id, duration)`` for a pass with nothing else to say
* worker -> parent ``("bye", interrupted, internal_error)`` at the end

A spawned worker first reads ``("setup", config, names, start_dir,
worker_dir, log_path, slot)``.  Signals from the parent: SIGINT is Ctrl-C
(stop after the current test, as a serial run does), SIGUSR1 means "stop
after the current test, nothing is wrong" (``-x`` saw a failure elsewhere).

Each batch runs through trialish's own session and engine -- the same
reactor, timeouts, janitor and class/module fixtures as a serial run -- via
the session's ``more_tests`` hook, so a class split over two batches keeps
its fixtures up in between.  Tests run in the order given and each report
is sent before the next test starts, which is what lets the parent tell
which test was running if the process dies.

File descriptors 1 and 2 point at ``output.capture`` in the worker's
directory while the tests run, so whatever a test (or a C library, or a
child process) writes ends up in its report's ``output``; the parent reads
the same file after a crash, and :mod:`faulthandler` writes a crashing
test's Python traceback there too.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import signal
import struct
import sys
from types import FrameType
from typing import Any, Iterator, Mapping, NoReturn

from ._results import Status, TestReport

_HEADER = struct.Struct(">I")
CAPTURE_NAME = "output.capture"  # in the worker's directory


# -- framing (used by both sides) --------------------------------------------------


def send(fd: int, message: Any) -> None:
    """Write one message; blocks until the whole of it is in the pipe."""
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(_HEADER.pack(len(data)) + data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _read_exactly(fd: int, size: int) -> bytes | None:
    chunks = []
    while size:
        chunk = os.read(fd, size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def receive(fd: int) -> Any:
    """Read one message, blocking; None at end of file (the other side is gone)."""
    header = _read_exactly(fd, _HEADER.size)
    if header is None:
        return None
    body = _read_exactly(fd, _HEADER.unpack(header)[0])
    return None if body is None else pickle.loads(body)


class MessageBuffer:
    """Bytes read whenever a pipe is readable -> whole messages (non-blocking side)."""

    def __init__(self) -> None:
        self._data = bytearray()

    def feed(self, chunk: bytes) -> Iterator[Any]:
        self._data += chunk
        while len(self._data) >= _HEADER.size:
            size = _HEADER.unpack_from(self._data)[0]
            end = _HEADER.size + size
            if len(self._data) < end:
                return
            body = bytes(self._data[_HEADER.size:end])
            del self._data[:end]
            yield pickle.loads(body)


# -- what the worker writes ----------------------------------------------------------


class _Capture:
    """fds 1 and 2 -> one file; what was written since the last :meth:`take`.

    One shared file offset (both fds are dups of one open file), so after
    reading, truncating and rewinding it the next test starts at zero.
    """

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        os.dup2(self.fd, 1)
        os.dup2(self.fd, 2)
        try:
            import faulthandler

            faulthandler.enable(file=self.fd, all_threads=False)  # a segfault's traceback lands in the output
        except (ImportError, RuntimeError, ValueError):
            pass

    def take(self) -> str:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError, AttributeError):
                pass
        end = os.lseek(self.fd, 0, os.SEEK_CUR)
        if end == 0:
            return ""
        data = os.pread(self.fd, end, 0)
        os.ftruncate(self.fd, 0)
        os.lseek(self.fd, 0, os.SEEK_SET)
        return data.decode("utf-8", "backslashreplace")


class WorkerLog:
    """The worker's side of the run's one ``test.log``: every line says ``[worker N]``.

    All workers append to the same file (``O_APPEND``), each write a whole
    number of lines, so lines never tear; the log capture's writes are
    buffered here and go out when it flushes (a few times a second, and at
    the end), as in a serial run.
    """

    _LIMIT = 1 << 16  # write out once this much is buffered

    def __init__(self, path: str, slot: int) -> None:
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        self.tag = f"[worker {slot}] "
        self._parts: list[str] = []
        self._size = 0

    def write(self, text: str) -> int:
        # The log capture writes one record per call: "<time> [system] text\n",
        # continuation lines indented with a tab; the tag goes after the time.
        if text[:1].isdigit():
            cut = text.find(" [")
            if cut > 0:
                text = f"{text[:cut + 1]}{self.tag}{text[cut + 1:]}"
        else:
            text = self.tag + text
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self._LIMIT:
            self.flush()
        return len(text)

    def flush(self) -> None:
        if not self._parts:
            return
        data = "".join(self._parts).encode("utf-8", "backslashreplace")
        self._parts.clear()
        self._size = 0
        view = memoryview(data)
        while view:
            view = view[os.write(self.fd, view):]

    def close(self) -> None:
        self.flush()
        os.close(self.fd)


class _StreamingReporter:
    """The worker's reporter: every report goes to the parent, with its output."""

    def __init__(self, result_fd: int, capture: _Capture) -> None:
        self.result_fd = result_fd
        self.capture = capture

    def run_started(self, total: int) -> None:
        pass

    def test_started(self, test_id: str) -> None:
        pass

    def test_finished(self, report: Any) -> None:
        output = self.capture.take()
        if output:
            report = dataclasses.replace(report, output=report.output + output)
        elif report == _plain_pass(report.test_id, report.duration):
            # Most reports: a tenth of the pickling, on both sides of the pipe.
            send(self.result_fd, ("ok", report.test_id, report.duration))
            return
        send(self.result_fd, ("report", report))

    def run_finished(self, totals: Any) -> None:
        pass


def _plain_pass(test_id: str, duration: float) -> TestReport:
    """A passed test's report with nothing else in it (the parent rebuilds it from "ok")."""
    return TestReport(test_id, Status.OK, duration=duration)


class _Batches:
    """The session's ``more_tests``: the next batch from the parent.

    ``stop_requested`` (read by the session before each test) turns true on
    the parent's SIGUSR1: stop after the current test, as ``-x`` does.
    """

    def __init__(self, result_fd: int, command_fd: int, by_id: Mapping[str, Any]) -> None:
        self.result_fd = result_fd
        self.command_fd = command_fd
        self.by_id = by_id
        self.stop_requested = False

    def on_stop_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stop_requested = True

    def __call__(self) -> list[Any]:
        send(self.result_fd, ("more",))
        try:
            reply = receive(self.command_fd)
        except KeyboardInterrupt:  # Ctrl-C while idle: the session stops anyway
            return []
        if reply is None:  # the parent is gone
            return []
        return [self.by_id.get(test_id) or _not_found(test_id) for test_id in reply[1]]


def _not_found(test_id: str) -> Any:
    from ._specs import TestSpec

    return TestSpec(test_id, load_error=(
        "Traceback (most recent call last):\nFailure: trialish.WorkerError: the worker "
        "process found no test with this id (do the test modules build their tests "
        "differently in each process?)\n"))


# -- the worker's life ---------------------------------------------------------------


def _die_with_parent() -> None:
    """Linux: be killed if the parent dies, so a hung test cannot outlive the run."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:  # not Linux, or no libc: the pipes still end the worker
        pass


def _work(result_fd: int, command_fd: int, config: Any, by_id: Mapping[str, Any], host: Any,
          worker_dir: str, log_path: str, slot: int) -> None:
    from ._cli import _run_specs

    os.makedirs(worker_dir, exist_ok=True)
    os.chdir(worker_dir)
    capture = _Capture(os.path.join(worker_dir, CAPTURE_NAME))
    log_stream = WorkerLog(log_path, slot)
    batches = _Batches(result_fd, command_fd, by_id)
    signal.signal(signal.SIGUSR1, batches.on_stop_signal)
    reporter = _StreamingReporter(result_fd, capture)
    try:
        totals, internal_error = _run_specs(config, [], reporter, host, log_stream,
                                            more_tests=batches)
    finally:
        host.shut_down()
    log_stream.close()
    send(result_fd, ("bye", totals.interrupted, internal_error))


def _finish(result_fd: int, run: Any) -> NoReturn:
    """Run the worker; leave with os._exit, whatever happens.

    A test's leftover non-daemon thread must not keep the worker (and with
    it the parent) alive, and a forked worker must never return into the
    parent's code; everything worth keeping has been sent by then.
    """
    try:
        run()
    except KeyboardInterrupt:  # Ctrl-C before the session took over SIGINT
        _send_quietly(result_fd, ("bye", True, None))
    except BaseException:
        import traceback

        _send_quietly(result_fd, ("bye", False, traceback.format_exc()))
    os._exit(0)


def _send_quietly(fd: int, message: Any) -> None:
    try:
        send(fd, message)
    except OSError:
        pass


def _reset_signals() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # "stop" before there is a run to stop


def forked_main(result_fd: int, command_fd: int, config: Any, by_id: Mapping[str, Any],
                worker_dir: str, log_path: str, slot: int) -> NoReturn:
    """The forked child, straight after ``os.fork()`` (with SIGINT, SIGTERM, SIGUSR1 blocked)."""

    def run() -> None:
        import random

        from ._host import ReactorHost

        os.setsid()  # the terminal's Ctrl-C is the parent's to pass on
        _reset_signals()
        signal.pthread_sigmask(signal.SIG_SETMASK, set())
        _die_with_parent()
        _stdin_from_devnull()
        random.seed()  # not the parent's (and every sibling's) random state
        fresh_reactor_after_fork()
        _work(result_fd, command_fd, config, by_id, ReactorHost(config.reactor), worker_dir,
              log_path, slot)

    _finish(result_fd, run)


def _stdin_from_devnull() -> None:
    """A test that reads stdin must not eat the terminal's (or the parent's) input."""
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    os.close(devnull)


# The reactors whose state a fork can rebuild: made (by importing them) but
# never run, they own only a poller and the waker's pipe.
FORKABLE_REACTORS = frozenset({
    "twisted.internet.epollreactor.EPollReactor",
    "twisted.internet.pollreactor.PollReactor",
    "twisted.internet.selectreactor.SelectReactor",
})


def reactor_forkable() -> bool:
    """Whether a forked child can have a reactor of its own (see :func:`fresh_reactor_after_fork`).

    Also no when test code made an asyncio event loop at import time: its
    selector would be one kernel object shared by every worker.
    """
    asyncio = sys.modules.get("asyncio")
    if asyncio is not None:
        try:
            local = getattr(asyncio.get_event_loop_policy(), "_local", None)
            if getattr(local, "_loop", None) is not None:
                return False
        except Exception:
            return False
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is None:
        return True
    kind = f"{type(reactor).__module__}.{type(reactor).__qualname__}"
    try:
        return (kind in FORKABLE_REACTORS and not reactor.running
                and not getattr(reactor, "_startedBefore", True)
                and not reactor.getDelayedCalls() and not reactor.getWriters()
                and list(reactor.getReaders()) == [reactor.waker])
    except Exception:
        return False


def fresh_reactor_after_fork() -> None:
    """Give the child its own poller and waker; the parent's are shared kernel objects.

    The same reactor object is re-initialised in place, so every module that
    imported ``reactor`` keeps a working one.  Only the child's copies of the
    old descriptors are closed: the parent and the siblings keep theirs.
    """
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is None:
        return
    waker = getattr(reactor, "waker", None)
    if waker is not None:
        waker.connectionLost(None)
    poller = getattr(reactor, "_poller", None)
    if poller is not None and hasattr(poller, "close"):
        poller.close()
    # The loop controls trialish guards (see _host.guard) are shadowed on the
    # instance; __init__ must bind the class's own for Twisted's shutdown triggers.
    shadowed = {name: reactor.__dict__.pop(name)
                for name in ("run", "stop", "crash", "iterate") if name in reactor.__dict__}
    try:
        type(reactor).__init__(reactor)
    finally:
        reactor.__dict__.update(shadowed)


def main(argv: list[str]) -> int:
    """A spawned worker: ``RESULT_FD COMMAND_FD``, then the setup message."""
    result_fd, command_fd = int(argv[0]), int(argv[1])
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)  # "stop" before there is a run to stop
    _stdin_from_devnull()
    setup = receive(command_fd)
    if setup is None:
        return 0
    _, config, names, start_dir, worker_dir, log_path, slot = setup

    def run() -> None:
        from ._debugging import disable_modules, set_up_process
        from ._discovery import find_tests
        from ._host import ReactorHost

        _die_with_parent()
        os.chdir(start_dir)
        if start_dir not in sys.path:
            sys.path.insert(0, start_dir)
        host = ReactorHost(config.reactor)
        host.install()
        disable_modules(config.without_modules, lambda message: None)  # the parent warned
        set_up_process(config)
        by_id = {spec.test_id: spec for spec in find_tests(names, config.recurse)}
        _work(result_fd, command_fd, config, by_id, host, worker_dir, log_path, slot)

    _finish(result_fd, run)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
