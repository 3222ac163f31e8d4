"""A live progress line at the bottom of a terminal that never garbles the report.

A long run on a terminal shows one line -- tests done of total, failures so
far, time elapsed, an estimate of the rest, the test running now -- below
the report.  Everything else that reaches the terminal (the reporter's
lines, a test's ``print``, a warning on stderr) goes through a
:class:`Terminal`, which erases the line first and draws it again after, so
the report reads exactly as it would without it.

Why partial lines are held back: the tree reporter writes ``test_x ... ``
when a test starts and the status when it ends.  The progress line can only
sit on an empty line, so while it is shown each writer keeps its unfinished
line to itself and writes it whole once the newline arrives (the tree line
then appears when its test ends; the progress line names the running test
meanwhile).  Before the line first appears, and after it is gone, writes
pass straight through, so short runs look exactly like trial's.

Why a thread: a test that blocks for a minute sends no event, but its
elapsed time should still move.  A daemon thread re-renders the line ten
times a second, under the same lock as every write; the main thread never
renders, it only re-shows the last rendered text after an erase.  A child
made by ``os.fork`` gets a fresh lock and no progress line.
"""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import threading
import time
import weakref
from typing import Any, Callable, TextIO

from ._results import TestReport

ERASE = "\r\x1b[K"
DEFAULT_DELAY = 2.0  # seconds: shorter runs never see the line
INTERVAL = 0.1  # seconds between renders (10 Hz)
_OFF = ("off", "no", "false", "never", "none")


def progress_delay(environ: dict[str, str] | None = None) -> float | None:
    """``TRIALISH_PROGRESS``: ``off`` disables the line, a number sets the delay.

    The delay is the time the run must have lasted before the line appears
    (default 2 s: short runs stay exactly as trial draws them).
    """
    environ = os.environ if environ is None else environ
    value = environ.get("TRIALISH_PROGRESS", "").strip().lower()
    if not value:
        return DEFAULT_DELAY
    if value in _OFF:
        return None
    try:
        delay = float(value)
    except ValueError:
        return DEFAULT_DELAY
    return delay if delay >= 0 else DEFAULT_DELAY


def is_terminal(stream: Any, environ: dict[str, str] | None = None) -> bool:
    """Whether ``stream`` is a terminal that understands ``ERASE``."""
    environ = os.environ if environ is None else environ
    try:
        return bool(stream.isatty()) and environ.get("TERM") != "dumb"
    except (AttributeError, ValueError):
        return False


class Terminal:
    """The one owner of a terminal's bottom line; every write goes through here.

    ``status`` is the text of the line ('' while there is none).  A write
    (:meth:`emit`) erases the line if it is on the screen, writes, and shows
    the line again if the cursor is back at the start of a line.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.status = ""
        self.shown = False
        self.at_line_start = True
        self.lock = threading.RLock()
        self.writers: list[LineWriter] = []

    def writer(self, target: TextIO | None = None) -> "LineWriter":
        """A file-like object writing to ``target`` (default: the terminal itself)."""
        writer = LineWriter(self, self.stream if target is None else target)
        self.writers.append(writer)
        return writer

    def emit(self, text: str, target: TextIO) -> None:
        with self.lock:
            self._erase()
            if text:
                target.write(text)
                self.at_line_start = text.endswith("\n")
            target.flush()
            self._show()

    def set_status(self, text: str) -> None:
        """Replace the line's text; drawn now if the cursor is at a line start."""
        with self.lock:
            if text == self.status and (self.shown or not self.at_line_start):
                return
            self._erase()
            self.status = text
            self._show()

    def close(self) -> None:
        """Erase the line for good and write out what the writers held back."""
        with self.lock:
            self._erase()
            self.status = ""
            for writer in self.writers:
                writer.release()

    def _erase(self) -> None:
        if self.shown:
            self._raw(ERASE)
            self.shown = False

    def _show(self) -> None:
        if self.status and self.at_line_start and not self.shown:
            self._raw(self.status)
            self.shown = True

    def _raw(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass


class LineWriter:
    """A stream that writes only whole lines while the progress line is up.

    Anything else (``isatty``, ``fileno``, ``encoding``, ``buffer``...) is
    the target's, so code that inspects ``sys.stdout`` still works.
    """

    def __init__(self, terminal: Terminal, target: TextIO) -> None:
        self.terminal = terminal
        self.target = target
        self.pending = ""

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        terminal = self.terminal
        with terminal.lock:
            if not terminal.status and not self.pending:
                terminal.emit(text, self.target)
                return len(text)
            self.pending += text
            head, newline, self.pending = self.pending.rpartition("\n")
            if newline:
                terminal.emit(head + newline, self.target)
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        with self.terminal.lock:
            if not self.terminal.status:
                self.release()
            else:
                self.target.flush()

    def release(self) -> None:
        """Write out the held-back partial line (the progress line is gone)."""
        if self.pending:
            text, self.pending = self.pending, ""
            self.terminal.emit(text, self.target)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.target, name)


def format_seconds(seconds: float) -> str:
    """``75.2`` → ``1:15``; an hour or more: ``1:02:03``."""
    whole = int(max(seconds, 0))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def render(done: int, total: int, failed: int, elapsed: float, current: str, width: int) -> str:
    """The progress line's text, cut to ``width - 1`` columns (never wraps)."""
    parts = [f"[{done}/{total}]", f"{failed} failed" if failed else "no failures",
             f"{format_seconds(elapsed)} elapsed"]
    if 0 < done < total:
        parts.append(f"~{format_seconds(elapsed / done * (total - done))} left")
    text = ", ".join(parts)
    if current:
        text += f" | {current}"
    limit = max(width - 1, 10)
    return text if len(text) <= limit else text[:limit - 3] + "..."


_LIVE: "weakref.WeakSet[Progress]" = weakref.WeakSet()


class Progress:
    """Counts the run and keeps the terminal's progress line up to date.

    The session's events only change counters; :meth:`tick` (the thread,
    or a test calling it by hand with a fake clock) renders.
    """

    def __init__(
        self, terminal: Terminal, delay: float = DEFAULT_DELAY, interval: float = INTERVAL,
        clock: Callable[[], float] = time.monotonic, width: Callable[[], int] | None = None,
        thread: bool = True,
    ) -> None:
        self.terminal = terminal
        self.delay = delay
        self.interval = interval
        self.clock = clock
        self.width = width or self._terminal_width
        self.use_thread = thread
        self.total = 0
        self.done = 0
        self.failed = 0
        self.current = ""
        self.started_at = clock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._saved: list[tuple[str, Any, LineWriter]] = []

    def _terminal_width(self) -> int:
        try:
            columns = os.get_terminal_size(self.terminal.stream.fileno()).columns
        except (AttributeError, OSError, ValueError):
            columns = 0
        # A terminal that does not know its size says 0 (serial consoles, some CI).
        return columns if columns > 0 else shutil.get_terminal_size().columns

    # -- the session's events ----------------------------------------------------

    def start(self, total: int) -> None:
        """Route ``sys.stdout`` (and a terminal ``sys.stderr``) through the terminal."""
        self.total, self.started_at = total, self.clock()
        self._redirect("stdout", sys.stdout)
        if is_terminal(sys.stderr):
            self._redirect("stderr", sys.stderr)
        _LIVE.add(self)
        if self.use_thread:
            self._thread = threading.Thread(target=self._run, name="trialish-progress", daemon=True)
            self._thread.start()

    def _redirect(self, name: str, original: Any) -> None:
        if isinstance(original, LineWriter):
            return
        writer = self.terminal.writer(original)
        self._saved.append((name, original, writer))
        setattr(sys, name, writer)

    def run_started(self, total: int) -> None:  # the reporter protocol (see _outputs)
        self.start(total)

    def run_finished(self, totals: Any) -> None:
        self.stop()

    def test_started(self, test_id: str) -> None:
        self.current = test_id

    def test_finished(self, report: TestReport) -> None:
        self.done += 1
        self.failed += report.is_failure
        if self.current == report.test_id:
            self.current = ""

    def stop(self) -> None:
        """Stop the thread, erase the line, put ``sys.stdout``/``stderr`` back."""
        self._stop.set()
        thread, self._thread = self._thread, None
        if thread is not None and thread is not threading.current_thread():
            thread.join(1.0)
        self.terminal.close()
        for name, original, writer in reversed(self._saved):
            if getattr(sys, name) is writer:  # a test may have replaced it: leave theirs
                setattr(sys, name, original)
        self._saved.clear()
        _LIVE.discard(self)

    # -- drawing -----------------------------------------------------------------

    def tick(self) -> None:
        """Render the line if the run has lasted long enough."""
        now = self.clock()
        elapsed = now - self.started_at
        if elapsed < self.delay or self._stop.is_set():
            return
        text = render(self.done, self.total, self.failed, elapsed, self.current, self.width())
        self.terminal.set_status(text)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.tick()
            except Exception:  # a broken terminal must not kill the run
                return


def _stop_all() -> None:
    """At exit (or in a forked child): no line left behind, no thread writing."""
    for progress in list(_LIVE):
        progress.stop()


def _after_fork_in_child() -> None:
    for progress in list(_LIVE):
        progress.terminal.lock = threading.RLock()  # the parent's may be held
        progress._thread = None
        progress.terminal.status = ""
        progress.terminal.shown = False
        progress._stop.set()


atexit.register(_stop_all)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
