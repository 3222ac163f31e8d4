"""A ``-j`` worker process: ``python -m trialish._worker RESULT_FD``.

The parent (:mod:`_workers`) starts it with a pipe on stdin for commands
and a pipe ``RESULT_FD`` for results.  Messages both ways are pickles,
each prefixed with its length.  The conversation:

* parent -> worker ``("setup", config, names, start_dir, worker_dir)``
* worker -> parent ``("more",)``: give me the next batch (also "I'm ready")
* parent -> worker ``("run", [test ids])``; an empty list means "no more"
* worker -> parent ``("report", TestReport)`` as each test finishes
* worker -> parent ``("bye", interrupted, internal_error)`` at the end

The worker finds the tests itself (the same NAMEs give the same ids) and
runs each batch with trialish's own session and engine -- the same reactor,
timeouts, janitor and class/module fixtures as a serial run -- through the
session's ``more_tests`` hook, so a class split over two batches keeps its
fixtures up in between.  It runs the tests of a batch in the order given
and sends each report before the next test starts, which is what lets the
parent tell which test was running if the process dies.

File descriptors 1 and 2 point at a file while the tests run, so whatever a
test (or a C library, or a child process) writes ends up in its report's
``output``; the parent reads the same file after a crash.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
import struct
import sys
from typing import Any, Iterator

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


# -- the worker ------------------------------------------------------------------


class _Capture:
    """fds 1 and 2 -> one file; what was written since the last :meth:`take`.

    One shared file offset (both fds are dups of one open file), so after
    reading, truncating and rewinding it the next test starts at zero.
    """

    def __init__(self, path: str) -> None:
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
        sys.stdout.flush()
        sys.stderr.flush()
        os.dup2(self.fd, 1)
        os.dup2(self.fd, 2)

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
        send(self.result_fd, ("report", report))

    def run_finished(self, totals: Any) -> None:
        pass


def _not_found(test_id: str) -> Any:
    from ._specs import TestSpec

    return TestSpec(test_id, load_error=(
        "Traceback (most recent call last):\nFailure: trialish.WorkerError: the worker "
        "process found no test with this id (do the test modules build their tests "
        "differently in each process?)\n"))


def main(argv: list[str]) -> int:
    result_fd = int(argv[0])
    command_fd = os.dup(0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)  # a test that reads stdin must not eat the parent's commands
    os.close(devnull)
    setup = receive(command_fd)
    if setup is None:
        return 0
    # Leaves with os._exit: a test's leftover non-daemon thread must not keep
    # the worker (and with it the parent) alive; everything worth keeping
    # has been sent by then.
    try:
        _work(result_fd, command_fd, *setup[1:])
    except KeyboardInterrupt:  # Ctrl-C before the session took over SIGINT
        send(result_fd, ("bye", True, None))
    except BaseException:
        import traceback

        send(result_fd, ("bye", False, traceback.format_exc()))
    os._exit(0)


def _work(result_fd: int, command_fd: int, config: Any, names: tuple[str, ...],
          start_dir: str, worker_dir: str) -> None:
    from ._cli import _run_specs
    from ._debugging import disable_modules, set_up_process
    from ._discovery import find_tests
    from ._reactor import ReactorHost

    os.chdir(start_dir)
    if start_dir not in sys.path:
        sys.path.insert(0, start_dir)
    host = ReactorHost(config.reactor)
    host.install()
    disable_modules(config.without_modules, lambda message: None)  # the parent warned
    set_up_process(config)
    by_id = {spec.test_id: spec for spec in find_tests(names, config.recurse)}

    os.makedirs(worker_dir, exist_ok=True)
    capture = _Capture(os.path.join(worker_dir, CAPTURE_NAME))
    log_name = "test.log" if config.logfile == "-" else config.logfile
    log_path = os.path.join(worker_dir, log_name)
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    # Appended: a worker that replaces a dead one keeps its predecessor's log.
    log_stream = open(log_path, "a", encoding="utf-8", errors="backslashreplace")
    os.chdir(worker_dir)

    def more_tests() -> list[Any]:
        send(result_fd, ("more",))
        try:
            reply = receive(command_fd)
        except KeyboardInterrupt:  # Ctrl-C while idle: the session stops anyway
            return []
        if reply is None:  # the parent is gone
            return []
        return [by_id.get(test_id) or _not_found(test_id) for test_id in reply[1]]

    reporter = _StreamingReporter(result_fd, capture)
    totals, internal_error = _run_specs(config, [], reporter, host, log_stream,
                                        more_tests=more_tests)
    log_stream.close()
    send(result_fd, ("bye", totals.interrupted, internal_error))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
