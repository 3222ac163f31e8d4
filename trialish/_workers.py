"""``-j N``: run the tests in N worker processes and report them as a serial run would.

The parent imports the tests only to know them (ids, serial order, load
errors); it never runs one and never starts a reactor.  It is a plain
``select`` loop over one result pipe per worker (:mod:`_worker` is the
other end):

* **Handing out work.** The tests, in serial order, are cut into batches
  (:func:`plan_batches`): each run of consecutive tests of one class is a
  batch, so ``setUpClass`` runs once; a long class without class fixtures
  is cut into smaller pieces so that one big class cannot keep one worker
  busy while the others idle.  The batches are handed out longest first,
  by the durations recorded in ``.trialish/`` (:mod:`_state`); with none
  recorded, in serial order.  A worker asks for its next batch when it has
  run out, so a fast worker simply takes more.
* **Keeping the order.** Every report gets the place its test has in the
  serial order; a report is drawn as soon as all those before it have been
  (so output still streams), and at the end whatever is left is drawn in
  order.  The reporter therefore sees exactly a serial run's sequence, and
  the tree, the summary blocks and the counts come out the same.
* **A worker that dies.** A worker runs its batch in the order given and
  sends each report before starting the next test, so when its pipe closes
  without a goodbye, the first test of its batch without a report is the
  one that was running: it becomes an ERROR that says how the process
  ended (exit code or signal), the rest of the batch goes back to the front
  of the queue, and a new worker takes the slot.
* **Ctrl-C.** Workers run in their own process group, so the terminal's
  Ctrl-C reaches only the parent, which passes one SIGINT on: each worker
  stops after its current test, as a serial run does.  A second Ctrl-C
  kills them.  Either way the summary of what ran is printed (exit 2).
"""

from __future__ import annotations

import math
import os
import selectors
import signal
import subprocess
import sys
import time
import unittest
from collections import deque
from dataclasses import dataclass, field
from types import FrameType
from typing import Any, Mapping, Sequence, TextIO

from ._results import Kind, Problem, RunTotals, Status, TestReport
from ._specs import TestSpec
from ._worker import CAPTURE_NAME, MessageBuffer, send

BATCHES_PER_WORKER = 10  # more: better balance at the end; fewer: fewer round trips
_STARTUP_FAILURES = 3  # workers that die before asking for work: give up after this many

_BOOTSTRAP = ("import sys; sys.path.append(sys.argv.pop(1)); "
              "from trialish._worker import main; main(sys.argv[1:])")


# -- planning (pure) ---------------------------------------------------------------


def has_class_fixtures(cls: type | None) -> bool:
    """Whether cutting ``cls``'s tests into two batches would run a class fixture twice."""
    if cls is None:
        return False
    for name in ("setUpClass", "tearDownClass"):
        attribute = getattr(cls, name, None)
        if getattr(attribute, "__func__", attribute) is not getattr(unittest.TestCase, name).__func__:
            return True
    return False


def plan_batches(specs: Sequence[TestSpec], jobs: int,
                 durations: Mapping[str, float] | None = None) -> list[list[str]]:
    """Cut ``specs`` (serial order, all runnable) into batches of test ids, longest first.

    A test with no recorded duration counts as the mean of those recorded;
    ties (and the first run, when nothing is recorded) keep the serial order.
    """
    durations = durations or {}
    limit = max(1, math.ceil(len(specs) / (jobs * BATCHES_PER_WORKER)))
    batches: list[list[str]] = []
    current: list[str] = []
    current_key: Any = None
    splittable = True
    for spec in specs:
        key = spec.cls if spec.cls is not None else spec.test_id.rsplit(".", 1)[0]
        if current and (key is not current_key or (splittable and len(current) >= limit)):
            batches.append(current)
            current = []
        if not current:
            current_key = key
            splittable = not has_class_fixtures(spec.cls)
        current.append(spec.test_id)
    if current:
        batches.append(current)
    known = [durations[spec.test_id] for spec in specs if spec.test_id in durations]
    default = sum(known) / len(known) if known else 0.0
    cost = [sum(durations.get(test_id, default) for test_id in batch) for batch in batches]
    order = sorted(range(len(batches)), key=lambda index: -cost[index])  # stable
    return [batches[index] for index in order]


def death_text(slot: int, pid: int, returncode: int | None) -> str:
    """A dead worker's ERROR, in the shape of trial's tracebacks."""
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "an unknown signal"
        how = f"killed by signal {-returncode} ({name})"
    else:
        how = f"it exited with code {returncode}"
    return ("Traceback (most recent call last):\nFailure: trialish.WorkerDiedError: the worker "
            f"process running this test died ({how}; worker {slot}, pid {pid})\n")


# -- the run -----------------------------------------------------------------------


@dataclass
class _Worker:
    slot: int
    process: subprocess.Popen  # type: ignore[type-arg]
    fd: int
    buffer: MessageBuffer = field(default_factory=MessageBuffer)
    batch: deque[str] = field(default_factory=deque)  # handed out, not yet reported
    asked: bool = False  # asked for work at least once: it started
    said_bye: bool = False
    killed: bool = False  # by us, on a second Ctrl-C


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
        self.log_stream = log_stream
        runnable = [spec for spec in self.specs if spec.load_error is None]
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

    def run(self) -> tuple[RunTotals, str | None]:
        started = time.perf_counter()
        self.reporter.run_started(len(self.specs))
        from ._session import load_error_report

        for spec in self.specs:
            if spec.load_error is not None:
                self._arrived(load_error_report(spec))
        previous = self._install_signal()
        try:
            for slot in range(min(self.config.jobs, len(self.queue))):
                self._spawn(slot)
            while self.workers:
                events = self.selector.select(timeout=0.25)
                for key, _ in events:
                    self._readable(key.data)
                if not events:
                    # A grandchild that inherited a pipe would hide the EOF: ask.
                    for worker in list(self.workers.values()):
                        if worker.process.poll() is not None:
                            self._readable(worker, drain=True)
        finally:
            if self.workers:  # only when something above raised
                self.stopping = True
            for worker in list(self.workers.values()):
                worker.killed = True
                worker.process.kill()
                self._ended(worker)
            self.selector.close()
            if previous is not None:
                signal.signal(signal.SIGINT, previous)
        if self.queue and not self.stopping and self.internal_error is None:
            self.internal_error = "the worker processes could not start (see the errors above)\n"
        for index in range(self.next_index, len(self.slots)):
            report = self.slots[index]
            if report is not None:
                self._emit(report)
        self.totals.elapsed = time.perf_counter() - started
        self.totals.interrupted = self.interrupts > 0
        return self.totals, self.internal_error

    # -- workers -----------------------------------------------------------------

    def _spawn(self, slot: int) -> None:
        read_fd, write_fd = os.pipe()
        package_parent = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _BOOTSTRAP, package_parent, str(write_fd)],
                stdin=subprocess.PIPE, pass_fds=(write_fd,), cwd=self.start_dir,
                start_new_session=True,  # the terminal's Ctrl-C is the parent's to pass on
            )
        finally:
            os.close(write_fd)
        os.set_blocking(read_fd, False)
        worker = _Worker(slot, process, read_fd)
        self.workers[read_fd] = worker
        self.selector.register(read_fd, selectors.EVENT_READ, worker)
        worker_dir = os.path.join(self.temp_path, str(slot))
        self._tell(worker, ("setup", self.config, self.names, self.start_dir, worker_dir))

    def _tell(self, worker: _Worker, message: Any) -> None:
        assert worker.process.stdin is not None
        try:
            send(worker.process.stdin.fileno(), message)
        except OSError:
            pass  # it is gone; its pipe's end of file says so

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

    def _handle(self, worker: _Worker, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "more":
            worker.asked = True
            batch = [] if self.stopping or not self.queue else self.queue.popleft()
            worker.batch.extend(batch)
            self._tell(worker, ("run", batch))
        elif kind == "report":
            report: TestReport = message[1]
            if worker.batch and worker.batch[0] == report.test_id:
                worker.batch.popleft()
            elif report.test_id in worker.batch:
                worker.batch.remove(report.test_id)
            self._log(f"[worker {worker.slot}] {report.test_id} ... {report.status.value}")
            if self.config.exitfirst and report.is_failure:
                self.stopping = True
            self._arrived(report)
        elif kind == "bye":
            worker.said_bye = True
            _, interrupted, internal_error = message
            if interrupted and not self.interrupts:
                self.interrupts = 1  # a test raised KeyboardInterrupt: stop, as serial does
                self.stopping = True
            if internal_error and self.internal_error is None:
                self.internal_error = internal_error
                self.stopping = True

    def _ended(self, worker: _Worker) -> None:
        if self.workers.pop(worker.fd, None) is None:
            return
        self.selector.unregister(worker.fd)
        os.close(worker.fd)
        if worker.process.stdin is not None:
            try:
                worker.process.stdin.close()
            except OSError:
                pass
        returncode = worker.process.wait()
        if not worker.said_bye:
            if not worker.asked:
                self.startup_failures += 1
            if worker.batch and not worker.killed:
                test_id = worker.batch.popleft()
                text = death_text(worker.slot, worker.process.pid, returncode)
                self._log(f"[worker {worker.slot}] {test_id}: {text.splitlines()[-1]}")
                self._arrived(TestReport(
                    test_id, Status.ERROR, (Problem(Kind.ERROR, "worker", "trialish.WorkerDiedError",
                                                    text),),
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

    def _log(self, line: str) -> None:
        if self.log_stream is None or self.log_stream is sys.stdout:
            return
        stamp = time.strftime("%Y-%m-%d %H:%M:%S%z")
        self.log_stream.write(f"{stamp} {line}\n")

    # -- Ctrl-C ----------------------------------------------------------------------

    def _install_signal(self) -> Any:
        try:
            return signal.signal(signal.SIGINT, self._on_interrupt)
        except ValueError:  # not the main thread
            return None

    def _on_interrupt(self, signum: int, frame: FrameType | None) -> None:
        self.interrupts += 1
        self.stopping = True
        if self.interrupts == 1:
            sys.stderr.write("\ntrialish: interrupted, stopping the workers after their "
                             "current tests (press Ctrl-C again to kill them)\n")
            how = signal.SIGINT
        else:
            sys.stderr.write("\ntrialish: interrupted twice, killing the workers\n")
            how = signal.SIGKILL
        for worker in self.workers.values():
            worker.killed = worker.killed or how is signal.SIGKILL
            try:
                os.kill(worker.process.pid, how)
            except OSError:
                pass
