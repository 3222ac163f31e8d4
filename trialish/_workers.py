"""``-j N``: run the tests in N worker processes and report them as a serial run would.

The parent imports the tests only to know them (ids, serial order, load
errors); it never runs one and never starts a reactor.  It is a plain
``select`` loop over one result pipe per worker (:mod:`_worker` is the
other end):

* **Starting workers.** Forked from this process when that is safe (the
  tests are imported already, so a worker is ready in milliseconds),
  spawned as fresh interpreters otherwise (see :mod:`_worker`).  Each works
  in ``_trial_temp/N/``; all of them append to the run's one ``test.log``,
  every line tagged ``[worker N]``.
* **Handing out work.** The tests, in serial order, are cut into batches
  (:func:`_batches.plan_batches`) and a worker asks for its next batch when it has
  run out, so a fast worker simply takes more.
* **Keeping the order.** Every report gets the place its test has in the
  serial order; a report is drawn as soon as all those before it have been
  (so output still streams), and at the end whatever is left is drawn in
  order.  The reporter therefore sees exactly a serial run's sequence, and
  the tree, the summary blocks and the counts come out the same.
* **A worker that dies or hangs.** A worker runs its batch in the order
  given and sends each report before starting the next test, so the first
  test of its batch without a report is the one running.  If the process
  ends without a goodbye, that test becomes an ERROR saying how it ended
  (exit code or signal); if the test keeps the worker busy far past its
  timeout (:func:`_batches.hang_limit`; the worker's own timeouts and watchdog
  failed), the parent kills the worker and says so.  The rest of the batch
  goes back to the front of the queue and a new worker takes the slot.
* **Forcing the start method.** ``TRIALISH_WORKER_START=spawn`` in the
  environment spawns workers even when forking would be safe (to rule the
  fork out when a suite misbehaves only under ``-j``).
* **Stopping.** ``-x``: workers get SIGUSR1 and stop after their current
  test.  Ctrl-C (workers are in their own session, so only the parent gets
  the terminal's): each worker gets one SIGINT and stops after its current
  test, as a serial run does; a second Ctrl-C, or SIGTERM, kills them at
  once.  Every way, the summary of what ran is printed (exit 2).
"""

from __future__ import annotations

import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Mapping, Sequence, TextIO

from ._batches import death_text, hang_limit, plan_batches, timeout_of
from ._results import Kind, Problem, RunTotals, Status, TestReport
from ._specs import TestSpec
from ._worker import CAPTURE_NAME, MessageBuffer, forked_main, reactor_forkable, send

_STARTUP_FAILURES = 3  # workers that die before asking for work: give up after this many
_READ_PAUSE = 0.001  # seconds the parent lets reports pile up after each read
_CHECK_EVERY = 0.25  # seconds between looks for hung or silently exited workers
START_METHOD_VARIABLE = "TRIALISH_WORKER_START"  # "spawn" forces fresh interpreters

_FORK_BLOCKED = {signal.SIGINT, signal.SIGTERM, signal.SIGUSR1}
_BOOTSTRAP = ("import sys; sys.path.append(sys.argv.pop(1)); "
              "from trialish._worker import main; main(sys.argv[1:])")


# -- the run -----------------------------------------------------------------------


@dataclass
class _Worker:
    slot: int
    pid: int
    fd: int  # results, from the worker
    command_fd: int  # commands, to the worker
    buffer: MessageBuffer = field(default_factory=MessageBuffer)
    batch: deque[str] = field(default_factory=deque)  # handed out, not yet reported
    asked: bool = False  # asked for work at least once: it started
    said_bye: bool = False
    killed: bool = False  # by us, on a second Ctrl-C or SIGTERM: no ERROR for its test
    deadline: float | None = None  # when the test it is running counts as hung
    hung: float | None = None  # killed by us for hanging: the test's timeout
    reports: int = 0
    started: float = field(default_factory=time.monotonic)


class StartError(str):
    """Not trialish's bug but the suite's or the machine's: the workers would not start.

    Returned in place of an internal error's text; the command line reports it
    as an environment error (exit 4) instead of asking for a bug report.
    """


class ParallelRun:
    """One pass of ``-j N``; :meth:`run` returns (totals, internal error text or None)."""

    def __init__(self, config: Any, names: Sequence[str], specs: Sequence[TestSpec],
                 reporter: Any, temp_path: str, start_dir: str,
                 durations: Mapping[str, float], log_stream: TextIO | None) -> None:
        self.config = config
        self.names = tuple(names)
        self.specs = list(specs)
        self.reporter = reporter
        self.temp_path = os.path.abspath(temp_path)
        self.start_dir = start_dir
        logfile = "test.log" if config.logfile == "-" else config.logfile
        self.log_path = os.path.join(self.temp_path, logfile)
        runnable = [spec for spec in self.specs if spec.load_error is None]
        self.by_id = {spec.test_id: spec for spec in runnable}
        self.queue: deque[list[str]] = deque(plan_batches(runnable, config.jobs, durations))
        self.position = {spec.test_id: index for index, spec in enumerate(self.specs)}
        self.slots: list[TestReport | None] = [None] * len(self.specs)
        self.next_index = 0
        self.totals = RunTotals()
        self.workers: dict[int, _Worker] = {}  # by result fd
        self.selector = selectors.DefaultSelector()
        self.stopping = False
        self.interrupts = 0
        self.internal_error: str | None = None
        self.startup_failures = 0
        self.startup_problem = ""  # how the last worker that never started ended
        self.timeouts: dict[str, float] = {}
        self.started = time.monotonic()
        self.fork = (hasattr(os, "fork") and os.environ.get(START_METHOD_VARIABLE) != "spawn"
                     and threading.active_count() == 1 and reactor_forkable())

    def run(self) -> tuple[RunTotals, str | None]:
        started = time.perf_counter()
        self.started = time.monotonic()
        if self.fork:  # imported once here, not once in each worker
            from . import _engine, _fixtures, _janitor, _logcapture, _session  # noqa: F401
        self.reporter.run_started(len(self.specs))
        from ._session import load_error_report

        for spec in self.specs:
            if spec.load_error is not None:
                self._arrived(load_error_report(spec))
                self.stopping = self.stopping or self.config.exitfirst
        previous = self._install_signals()
        try:
            for slot in range(0 if self.stopping else min(self.config.jobs, len(self.queue))):
                self._spawn(slot)
            next_check = time.monotonic() + _CHECK_EVERY
            while self.workers:
                events = self.selector.select(timeout=self._wait_time())
                for key, _ in events:
                    self._readable(key.data)
                # Even while one worker keeps reporting, another may be hung.
                now = time.monotonic()
                if not events or now >= next_check:
                    self._check_workers()
                    next_check = now + _CHECK_EVERY
                if events:
                    # Let reports pile up in the pipes: a wake-up per pause,
                    # not one per test, leaves the CPUs to the workers.
                    time.sleep(_READ_PAUSE)
        finally:
            if self.workers:  # only when something above raised
                self.stopping = True
            for worker in list(self.workers.values()):
                self._kill(worker)
                self._ended(worker)
            self.selector.close()
            self._restore_signals(previous)
        if self.queue and not self.stopping and self.internal_error is None:
            self.internal_error = StartError(
                f"the worker processes could not start: {self.startup_failures} died before "
                f"running a test (the last: {self.startup_problem}); run without -j to see why")
        for index in range(self.next_index, len(self.slots)):
            report = self.slots[index]
            if report is not None:
                self._emit(report)
        self.totals.elapsed = time.perf_counter() - started
        self.totals.interrupted = self.interrupts > 0
        return self.totals, self.internal_error

    def _wait_time(self) -> float:
        deadlines = [worker.deadline for worker in self.workers.values() if worker.deadline]
        if not deadlines:
            return _CHECK_EVERY
        return max(0.0, min(_CHECK_EVERY, min(deadlines) - time.monotonic()))

    def _check_workers(self) -> None:
        """Nothing to read for a while: look for hung tests and silent exits."""
        now = time.monotonic()
        for worker in list(self.workers.values()):
            if worker.deadline is not None and now > worker.deadline and worker.hung is None:
                worker.hung = self._timeout(worker.batch[0])
                worker.deadline = None
                self._note(f"[worker {worker.slot}] {worker.batch[0]}: hung for more than "
                           f"{hang_limit(worker.hung):g} seconds, killing the worker "
                           f"(pid {worker.pid})")
                self._kill(worker)
            # A grandchild that inherited a pipe would hide the end of file: ask.
            if _exited(worker.pid) is not None:
                self._readable(worker, drain=True)

    # -- workers -----------------------------------------------------------------

    def _spawn(self, slot: int) -> None:
        result_read, result_write = os.pipe()
        command_read, command_write = os.pipe()
        worker_dir = os.path.join(self.temp_path, str(slot))
        try:
            if self.fork:
                pid = self._fork(slot, result_write, command_read, worker_dir,
                                 (result_read, command_write))
            else:
                pid = self._popen(result_write, command_read)
        finally:
            os.close(result_write)
            os.close(command_read)
        os.set_blocking(result_read, False)
        worker = _Worker(slot, pid, result_read, command_write)
        self.workers[result_read] = worker
        self.selector.register(result_read, selectors.EVENT_READ, worker)
        if not self.fork:
            self._tell(worker, ("setup", self.config, self.names, self.start_dir, worker_dir,
                                self.log_path, slot))

    def _fork(self, slot: int, result_fd: int, command_fd: int, worker_dir: str,
              parent_ends: tuple[int, int]) -> int:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        # No signal may run the parent's handlers in the child before it resets them.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, _FORK_BLOCKED)
        pid = os.fork()
        if pid:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            return pid
        try:  # the child: keep only its own two pipe ends
            for fd in parent_ends:
                os.close(fd)
            for worker in self.workers.values():
                os.close(worker.fd)
                os.close(worker.command_fd)
            self.selector.close()
        finally:
            forked_main(result_fd, command_fd, self.config, self.by_id, worker_dir,
                        self.log_path, slot)

    def _popen(self, result_fd: int, command_fd: int) -> int:
        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        process = subprocess.Popen(
            [sys.executable, "-c", _BOOTSTRAP, package_parent, str(result_fd), str(command_fd)],
            stdin=subprocess.DEVNULL, pass_fds=(result_fd, command_fd), cwd=self.start_dir,
            start_new_session=True,  # the terminal's Ctrl-C is the parent's to pass on
        )
        process.returncode = 0  # reaped with os.waitpid, never by Popen
        return process.pid

    def _tell(self, worker: _Worker, message: Any) -> None:
        try:
            send(worker.command_fd, message)
        except OSError:
            pass  # it is gone; its pipe's end of file says so

    def _signal(self, worker: _Worker, number: int) -> None:
        try:
            os.kill(worker.pid, number)
        except OSError:
            pass

    def _kill(self, worker: _Worker) -> None:
        if worker.hung is None:
            worker.killed = True
        self._signal(worker, signal.SIGKILL)

    def _readable(self, worker: _Worker, drain: bool = False) -> None:
        while True:
            try:
                chunk = os.read(worker.fd, 1 << 16)
            except BlockingIOError:
                if drain:
                    self._ended(worker)
                return
            except OSError:
                chunk = b""
            if not chunk:
                self._ended(worker)
                return
            for message in worker.buffer.feed(chunk):
                self._handle(worker, message)
            if worker.hung is None:
                worker.deadline = (time.monotonic() + hang_limit(self._timeout(worker.batch[0]))
                                   if worker.batch else None)

    def _timeout(self, test_id: str) -> float:
        timeout = self.timeouts.get(test_id)
        if timeout is None:
            spec = self.by_id.get(test_id)
            timeout = self.config.timeout if spec is None else timeout_of(spec, self.config.timeout)
            self.timeouts[test_id] = timeout
        return timeout

    def _handle(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "more":
            worker.asked = True
            batch = [] if self.stopping or not self.queue else self.queue.popleft()
            worker.batch.extend(batch)
            self._tell(worker, ("run", batch))
        elif kind == "report" or kind == "ok":
            report: TestReport = (message[1] if kind == "report" else
                                  TestReport(message[1], Status.OK, duration=message[2]))
            worker.reports += 1
            if worker.batch and worker.batch[0] == report.test_id:
                worker.batch.popleft()
            elif report.test_id in worker.batch:
                worker.batch.remove(report.test_id)
            if self.config.exitfirst and report.is_failure and not self.stopping:
                self._stop_all(signal.SIGUSR1)
            self._arrived(report)
        elif kind == "bye":
            worker.said_bye = True
            _, interrupted, internal_error = message
            self._note(f"[worker {worker.slot}] done: {worker.reports} tests in "
                       f"{time.monotonic() - worker.started:.3f}s, "
                       f"{time.monotonic() - self.started:.3f}s into the run (pid {worker.pid})")
            if interrupted and not self.interrupts:
                self.interrupts = 1  # a test raised KeyboardInterrupt: stop, as serial does
                self._stop_all(signal.SIGINT)
            if internal_error and self.internal_error is None:
                self.internal_error = internal_error
                self._stop_all(signal.SIGUSR1)

    def _stop_all(self, number: int) -> None:
        """No new batches; each worker stops after its current test."""
        self.stopping = True
        for other in self.workers.values():
            if not other.said_bye:
                self._signal(other, number)

    def _ended(self, worker: _Worker) -> None:
        if self.workers.pop(worker.fd, None) is None:
            return
        self.selector.unregister(worker.fd)
        os.close(worker.fd)
        os.close(worker.command_fd)
        returncode = _reap(worker.pid)
        if not worker.said_bye:
            if not worker.asked:
                self.startup_failures += 1
                last_words = self._captured(worker.slot).strip()
                self.startup_problem = (
                    death_text(worker.slot, worker.pid, returncode).splitlines()[1].split("(", 1)[1]
                    .rstrip(")") + (f"; it wrote:\n{last_words[-2000:]}" if last_words else ""))
            if worker.batch and (worker.hung is not None or not worker.killed):
                test_id = worker.batch.popleft()
                text = death_text(worker.slot, worker.pid, returncode, worker.hung)
                self._note(f"[worker {worker.slot}] {test_id}: {text.splitlines()[1]}")
                kind = "trialish.WorkerHungError" if worker.hung else "trialish.WorkerDiedError"
                self._arrived(TestReport(
                    test_id, Status.ERROR, (Problem(Kind.ERROR, "worker", kind, text),),
                    output=self._captured(worker.slot)))
        if worker.batch and not self.stopping:
            self.queue.appendleft(list(worker.batch))
        worker.batch.clear()
        if self.queue and not self.stopping and self.startup_failures < _STARTUP_FAILURES:
            self._spawn(worker.slot)

    def _captured(self, slot: int) -> str:
        """What the dead worker's test wrote before it died (it never got to send it)."""
        try:
            with open(os.path.join(self.temp_path, str(slot), CAPTURE_NAME), "rb") as handle:
                return handle.read().decode("utf-8", "backslashreplace")
        except OSError:
            return ""

    # -- reports, in serial order ----------------------------------------------------

    def _arrived(self, report: TestReport) -> None:
        index = self.position.get(report.test_id)
        if index is None or self.slots[index] is not None:
            return  # never twice (a worker cannot send what it was not given)
        self.slots[index] = report
        while self.next_index < len(self.slots):
            ready = self.slots[self.next_index]
            if ready is None:
                return
            self._emit(ready)
            self.next_index += 1

    def _emit(self, report: TestReport) -> None:
        self.totals.reports.append(report)
        self.reporter.test_started(report.test_id)
        self.reporter.test_finished(report)

    def _note(self, line: str) -> None:
        """A line of the parent's own in test.log (the workers append to it too)."""
        stamp = time.strftime("%Y-%m-%d %H:%M:%S%z")
        try:
            fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            try:
                os.write(fd, f"{stamp} [parent] {line}\n".encode("utf-8", "backslashreplace"))
            finally:
                os.close(fd)
        except OSError:
            pass

    # -- Ctrl-C and SIGTERM ------------------------------------------------------------

    def _install_signals(self) -> dict[int, Any]:
        previous = {}
        for number in (signal.SIGINT, signal.SIGTERM):
            try:
                previous[number] = signal.signal(number, self._on_signal)
            except ValueError:  # not the main thread
                pass
        return previous

    @staticmethod
    def _restore_signals(previous: dict[int, Any]) -> None:
        for number, handler in previous.items():
            signal.signal(number, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.interrupts += 1
        self.stopping = True
        if signum == signal.SIGINT and self.interrupts == 1:
            sys.stderr.write("\ntrialish: interrupted, stopping the workers after their "
                             "current tests (press Ctrl-C again to kill them)\n")
            self._stop_all(signal.SIGINT)
            return
        if signum == signal.SIGTERM:
            sys.stderr.write("\ntrialish: terminated, killing the workers\n")
        else:
            sys.stderr.write("\ntrialish: interrupted twice, killing the workers\n")
        for worker in self.workers.values():
            self._kill(worker)


def _exited(pid: int) -> int | None:
    """The exit status of child ``pid`` if it has ended (without reaping it), else None."""
    try:
        result = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return 0
    return None if result is None else result.si_status


def _reap(pid: int) -> int | None:
    """Wait for child ``pid`` (its pipe is closed: it is ending) and return its status.

    As subprocess does: a negative number is the signal that killed it.
    """
    deadline = time.monotonic() + 5.0
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if done:
            return os.waitstatus_to_exitcode(status)
        if time.monotonic() > deadline:  # closed its pipe but lives on
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
            deadline = float("inf")
        time.sleep(0.005)
