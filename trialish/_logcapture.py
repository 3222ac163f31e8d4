"""Everything a run logs: test.log, logged errors and warnings, per test.

One :class:`LogCapture` per run observes twisted.logger (and so
twisted.python.log), the stdlib ``logging`` module and ``warnings``.  It
writes every event to ``test.log`` in twisted's classic line format and hands
the errors and warnings of the running test to that test's
:class:`TestContext`, so they are reported on the test that produced them.
"""

from __future__ import annotations

import contextlib
import dis
import logging
import sys
import time
import warnings
from typing import Any, Callable, Iterable, Iterator, TextIO

_TIME_FORMAT = "%Y-%m-%d %H:%M:%S%z"
_FLUSH_EVERY = 0.1  # seconds between flushes of test.log
_ERROR_LEVELS = ("error", "critical")


class TestContext:
    """The errors and warnings one test produced, and what it flushed."""

    def __init__(self, log_line: Callable[[str], None] | None = None) -> None:
        self.errors: list[Any] = []
        self.warnings: list[dict[str, Any]] = []
        self._log_line = log_line
        self.outer: TestContext | None = None  # the test that runs this one, if any
        self.trial_runs = _trial_runs()  # more, later: a trial TestCase runs inside this test

    # -- errors ------------------------------------------------------------

    def flush_errors(self, types: tuple[type, ...] = ()) -> list[Any]:
        if not types:
            flushed, self.errors = self.errors, []
            return flushed
        flushed = [f for f in self.errors if f.check(*types)]
        self.errors = [f for f in self.errors if not f.check(*types)]
        return flushed

    def take_errors(self) -> list[Any]:
        return self.flush_errors()

    # -- warnings ------------------------------------------------------------

    @contextlib.contextmanager
    def capturing_warnings(self, suppress: Iterable[Any] = ()) -> Iterator[None]:
        """Record every warning raised inside, except the suppressed ones.

        The run's :class:`LogCapture` has already put the "always" filter
        first, so a test usually costs only a copy of the filter list, put
        back (and CPython told) only if the test or its ``suppress`` changed it.
        """
        saved = self.start_warnings(suppress)
        try:
            yield
        finally:
            self.stop_warnings(saved)

    def start_warnings(self, suppress: Iterable[Any] = ()) -> tuple[list[Any], Any]:
        """:meth:`capturing_warnings` as two calls: the engine's per-test path.

        A generator-based context manager per test cost more than what it
        guards; the engine calls this and :meth:`stop_warnings` in a
        ``try``/``finally`` instead.
        """
        saved_filters = warnings.filters[:]
        saved_show = warnings.showwarning
        warnings.showwarning = self.record_warning
        if not saved_filters or saved_filters[0] != _SHOW_ALWAYS:
            warnings.simplefilter("always")
        if suppress:
            for args, kwargs in suppress:
                warnings.filterwarnings(*args, **kwargs)
        return saved_filters, saved_show

    def stop_warnings(self, saved: tuple[list[Any], Any]) -> None:
        """Put back what :meth:`start_warnings` (or the test) changed."""
        saved_filters, saved_show = saved
        warnings.showwarning = saved_show
        if warnings.filters != saved_filters:
            warnings.filters[:] = saved_filters
            resync_warning_filters()

    def record_warning(
        self, message: Any, category: type, filename: str, lineno: int,
        file: Any = None, line: Any = None,
    ) -> None:
        self.warnings.append(
            {"message": str(message), "category": category, "filename": filename, "lineno": lineno}
        )
        if self._log_line is not None:
            self._log_line(f"{filename}:{lineno}: {category.__name__}: {message}")

    def flush_warnings(self, offending: list[Callable[..., Any]] | None = None) -> list[dict[str, Any]]:
        if offending is None:
            flushed, self.warnings = self.warnings, []
            return flushed
        spans = [_code_span(function) for function in offending]
        flushed = [w for w in self.warnings if any(_in_span(w, span) for span in spans)]
        self.warnings = [w for w in self.warnings if w not in flushed]
        return flushed

    def warning_lines(self) -> list[str]:
        """The unflushed warnings as trial prints them, each once."""
        lines: list[str] = []
        for w in self.warnings:
            line = f"{w['filename']}:{w['lineno']}: {w['category'].__name__}: {w['message']}"
            if line not in lines:
                lines.append(line)
        return lines


_SHOW_ALWAYS = ("always", None, Warning, None, 0)  # what simplefilter("always") adds


class _FiltersResync(Warning):
    """Raised (and ignored) only to refresh CPython's copy of the filters."""


def resync_warning_filters() -> None:
    """Make CPython's C warning code forget the filters of a finished test.

    The C code keeps the list ``warnings.filters`` had at the last
    ``warn()`` call; ``catch_warnings`` restores the module attribute but not
    that copy.  At interpreter exit, once the ``warnings`` module is gone, the
    stale "always" list would be used, and e.g. Twisted's deliberately kept
    reserve file descriptor prints ``sys:1: ResourceWarning`` after the run.
    One ignored warning under the restored filters refreshes the copy.
    """
    item = ("ignore", None, _FiltersResync, None, 0)
    filters = warnings.filters
    mutated = getattr(warnings, "_filters_mutated", lambda: None)
    try:
        filters.insert(0, item)
        mutated()
        warnings.warn("", _FiltersResync)
    except Exception:  # never let bookkeeping break a test
        pass
    finally:
        with contextlib.suppress(ValueError):
            filters.remove(item)
        mutated()


def _code_span(function: Callable[..., Any]) -> tuple[str, int, int]:
    code = getattr(getattr(function, "__func__", function), "__code__", None)
    if code is None:  # as trial says it
        raise ValueError(f"{function!r} is not a function or method")
    lines = [line for _, line in dis.findlinestarts(code) if line is not None]
    return code.co_filename, min(lines), max(lines)


def _in_span(warning: dict[str, Any], span: tuple[str, int, int]) -> bool:
    filename, first, last = span
    return warning["filename"] == filename and first <= warning["lineno"] <= last


class _LoggingBridge(logging.Handler):
    """Send stdlib ``logging`` records to test.log."""

    def __init__(self, capture: "LogCapture") -> None:
        super().__init__(logging.DEBUG)
        self.capture = capture
        self.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            self.capture.write_line(self.format(record), system=record.name)
        except Exception:  # logging must never break a test
            self.handleError(record)


def _trial_runs() -> int:
    """How many twisted.trial TestCase ``run()`` calls have their log observer added.

    trial's run() watches the log itself and reports the errors logged
    while it runs on *its* test; counting them on ours too would blame the
    test that ran it for errors it expected.  (A run whose setUp failed
    leaves its count behind: hence a comparison with the test's start.)
    """
    synctest = sys.modules.get("twisted.trial._synctest")
    if synctest is None:
        return 0
    return getattr(getattr(synctest, "_logObserver", None), "_added", 0)


class LogCapture:
    """Owns test.log and routes log events to the running test."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.current: TestContext | None = None
        self._stamp_second = -1
        self._stamp = ""
        self._bridge: _LoggingBridge | None = None
        self._old_root_level = logging.WARNING
        self._saved_filters: list[Any] | None = None
        self._flushed_at = time.monotonic()

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        from twisted.logger import globalLogBeginner

        globalLogBeginner.beginLoggingTo([self.observe], redirectStandardIO=False)
        self._bridge = _LoggingBridge(self)
        root = logging.getLogger()
        self._old_root_level = root.level
        root.addHandler(self._bridge)
        root.setLevel(logging.DEBUG)
        # Once for the run, so that tests need not each push and pop it.
        self._saved_filters = warnings.filters[:]
        warnings.simplefilter("always")

    def observe_twisted_only(self) -> None:
        """Hear twisted.logger's events without taking over the process's logging.

        For trialish's TestCase run by another runner (:mod:`_foreign`): the
        runner owns the process's logging and warnings; logged errors still
        reach the test that logged them.
        """
        from twisted.logger import globalLogPublisher

        globalLogPublisher.addObserver(self.observe)

    def stop(self) -> None:
        if self._saved_filters is not None:
            warnings.filters[:] = self._saved_filters
            self._saved_filters = None
            resync_warning_filters()
        if self._bridge is not None:
            root = logging.getLogger()
            root.removeHandler(self._bridge)
            root.setLevel(self._old_root_level)
            self._bridge = None
        self.flush()

    def flush(self) -> None:
        with contextlib.suppress(Exception):
            self.stream.flush()

    def reopen_if_deleted(self) -> None:
        """A test deleted the temp directory, and test.log with it: write it again.

        The open file still holds everything logged so far; on Linux it is
        read back through /proc, elsewhere a line says what was lost.
        """
        import os

        name = getattr(self.stream, "name", None)
        if not isinstance(name, str) or os.path.exists(name):
            return
        self.flush()
        try:
            with open(f"/proc/self/fd/{self.stream.fileno()}", encoding="utf-8",
                      errors="replace") as old:
                kept = old.read()
        except (OSError, ValueError):
            kept = None
        try:
            os.makedirs(os.path.dirname(name) or ".", exist_ok=True)
            stream = open(name, "w", encoding="utf-8", errors="backslashreplace")
        except OSError:
            return
        with contextlib.suppress(Exception):
            self.stream.close()
        self.stream = stream
        if kept is not None:
            stream.write(kept)
        self.write_line("test.log was deleted by a test; it was written again"
                        + ("" if kept is not None else " (what was logged before is lost)"))

    def begin_test(self, test_id: str) -> TestContext:
        if "\n" in test_id:
            self.write_line(f"--> {test_id} <--")
        else:  # write_line without its work for multi-line text: once per test
            try:
                self.stream.write(f"{self._timestamp()} [-] --> {test_id} <--\n")
            except Exception:  # a closed or broken log stream must not stop the run
                pass
        context = TestContext(self.write_line)
        context.outer = self.current
        self.current = context
        return context

    def end_test(self, context: TestContext) -> None:
        if self.current is context:
            self.current = context.outer
        self.flush_if_due()

    def flush_if_due(self) -> None:
        """Flush if the last flush is a tenth of a second old.

        Flushing after every test (or before every wait) cost more than
        many tests do; a tenth of a second bounds what a hard crash could
        keep from test.log (Ctrl-C, os._exit, a timeout and the end of the
        run all flush first).
        """
        now = time.monotonic()
        if now - self._flushed_at >= _FLUSH_EVERY:
            self._flushed_at = now
            self.flush()

    # -- writing ---------------------------------------------------------------

    def _timestamp(self, when: float | None = None) -> str:
        now = time.time() if when is None else when
        second = int(now)
        if second != self._stamp_second or when is not None:
            stamp = time.strftime(_TIME_FORMAT, time.localtime(now))
            if when is not None:
                return stamp
            self._stamp_second, self._stamp = second, stamp
        return self._stamp

    def write_line(self, text: str, system: str = "-", when: float | None = None) -> None:
        prefix = f"{self._timestamp(when)} [{system}] "
        body = text.replace("\n", "\n\t")
        try:
            self.stream.write(f"{prefix}{body}\n")
        except Exception:  # a closed or broken log stream must not stop the run
            pass

    def observe(self, event: dict[str, Any]) -> None:
        """The twisted.logger observer: log every event, keep errors per test."""
        failure = event.get("log_failure")
        if "isError" not in event:
            # What trial's (legacy) observer adds to every event it sees,
            # in place: observers after it -- a test's own -- rely on it.
            level = event.get("log_level")
            event["isError"] = int(failure is not None or getattr(level, "name", "") in _ERROR_LEVELS)
            if failure is not None and "failure" not in event:
                event["failure"] = failure
        legacy_failure = event.get("failure") if event.get("isError") else None
        error = failure if failure is not None else legacy_failure
        if error is not None and event.get("isError", 1) and self.current is not None \
                and _trial_runs() <= self.current.trial_runs:
            self.current.errors.append(error)
        from twisted.logger import formatEvent

        text = formatEvent(event)
        if failure is not None and "log_text" not in event:
            text = f"{text}\n{failure.getTraceback()}".lstrip("\n")
        if not text:
            return
        self.write_line(text.rstrip("\n"), str(event.get("log_system", "-")), event.get("log_time"))
