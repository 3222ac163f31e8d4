"""trial's debugging and diagnostic options, switched on only when asked for.

``-b`` (a debugger, post-mortem), ``-B`` (Deferred debug mode), ``--spew``,
``--profile``, ``--coverage``, ``--disablegc``, ``--recursionlimit`` and
``--without-module`` all change the process, not the tests.  They live here
so that :mod:`_cli` stays a list of steps, and so that a run without them
never imports pdb, cProfile or coverage: every heavy import is inside the
function that needs it, because start-up time is measured.
"""

from __future__ import annotations

import importlib
import os
import sys
from typing import Any, Callable, TextIO

from ._config import Config, UsageError

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


# -- -b/--debug, --debugger, --nopm --------------------------------------------------


def _resolve(name: str) -> Any:
    """The object a dotted NAME stands for: a module, or an attribute in one.

    The longest importable module prefix wins, as with trial's namedAny; an
    error raised *inside* an existing module propagates (it is a real bug in
    that module, worth seeing), and a name that is not there is LookupError.
    """
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        module_name = ".".join(parts[:end])
        try:
            found: Any = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            missing = exc.name or ""
            if module_name == missing or module_name.startswith(missing + "."):
                continue  # this prefix is not a module: try a shorter one
            raise
        try:
            for attribute in parts[end:]:
                found = getattr(found, attribute)
        except AttributeError:
            raise LookupError(name) from None
        return found
    raise LookupError(name)


class Debugger:
    """The debugger of ``-b``: where the run starts, and the post-mortems.

    As in trial the whole run starts under ``runcall``, so the first prompt
    comes before any test runs (set breakpoints, then ``c``).  Unlike trial,
    only the errors and failures the engine *records* get a post-mortem
    (trial stops at every Failure ever created, handled or not).  Quitting the
    debugger (``q``) stops the run after the current test, like Ctrl-C.
    """

    def __init__(self, target: Any, post_mortem: bool, stream: TextIO | None = None) -> None:
        self.target = target
        self.post_mortem_enabled = post_mortem
        self.stream = stream if stream is not None else sys.stdout
        self.quit_requested = False
        self.on_quit: Callable[[], None] = lambda: None

    def runcall(self, function: Callable[..., Any], *args: Any) -> Any:
        return self.target.runcall(function, *args)

    def on_failure(self, failure: Any) -> None:
        """Called by the engine with each error or failure it records."""
        import bdb

        if failure.check(bdb.BdbQuit):
            self._quit()
            return
        if not self.post_mortem_enabled or self.quit_requested:
            return
        traceback = getattr(failure, "tb", None) or getattr(failure.value, "__traceback__", None)
        self.stream.write(f"Jumping into debugger for post-mortem of exception "
                          f"'{failure.getErrorMessage()}':\n")
        if traceback is None:
            self.stream.write("(nothing to debug: this Failure no longer has its traceback)\n")
            return
        self.stream.flush()
        self._post_mortem(_up_to_user_code(traceback))
        if getattr(self.target, "quitting", False):
            self._quit()

    def _post_mortem(self, traceback: Any) -> None:
        if hasattr(self.target, "interaction"):  # a pdb.Pdb (or a subclass)
            self.target.reset()
            self.target.interaction(None, traceback)
        elif callable(getattr(self.target, "post_mortem", None)):  # a module: ipdb, pudb
            self.target.post_mortem(traceback)
        else:
            self.stream.write("(this debugger has no post_mortem() or interaction())\n")

    def _quit(self) -> None:
        if not self.quit_requested:
            self.quit_requested = True
            self.on_quit()


def _up_to_user_code(traceback: Any) -> Any:
    """The traceback without the framework frames below the user's last one.

    An assertion's traceback ends in unittest's internals; the post-mortem
    should start on the user's failing line, as the printed traceback does.
    The traceback is copied (``TracebackType`` is constructible), never
    changed: the engine still formats the original.
    """
    from types import TracebackType

    from ._failures import is_framework_frame

    entries = []
    while traceback is not None:
        entries.append(traceback)
        traceback = traceback.tb_next
    users = [index for index, entry in enumerate(entries) if not is_framework_frame(entry.tb_frame)]
    if not users or users[-1] == len(entries) - 1:
        return entries[0] if entries else None
    copy = None
    for entry in reversed(entries[: users[-1] + 1]):
        copy = TracebackType(copy, entry.tb_frame, entry.tb_lasti, entry.tb_lineno)
    return copy


def make_debugger(config: Config) -> Debugger:
    """The debugger ``--debugger`` names (pdb by default), or a UsageError."""
    if config.debugger == "pdb":
        import pdb

        # Pdb() reads ~/.pdbrc and ./.pdbrc itself, as trial's does.
        return Debugger(pdb.Pdb(), config.post_mortem)
    try:
        target = _resolve(config.debugger)
    except LookupError:
        raise UsageError(f"argument --debugger: cannot find {config.debugger!r}") from None
    except Exception as exc:
        raise UsageError(f"argument --debugger: cannot import {config.debugger!r}: "
                         f"{type(exc).__name__}: {exc}") from None
    if isinstance(target, type):
        try:
            target = target()
        except Exception as exc:
            raise UsageError(f"argument --debugger: cannot make a {config.debugger}: "
                             f"{type(exc).__name__}: {exc}") from None
    if not callable(getattr(target, "runcall", None)):
        raise UsageError(f"argument --debugger: {config.debugger!r} has no runcall()")
    return Debugger(target, config.post_mortem)


# -- the process: -B, --disablegc, --recursionlimit, --without-module ------------------


def check_coverage_installed(config: Config) -> None:
    """``--coverage`` needs coverage.py, an optional dependency: say so early."""
    if not config.coverage:
        return
    try:
        import coverage  # noqa: F401
    except ImportError as exc:
        raise UsageError(f"argument --coverage: needs coverage.py, which cannot be imported "
                         f"({exc}); pip install coverage") from None


def disable_modules(names: tuple[str, ...], warn: Callable[[str], None]) -> None:
    """Make each module unimportable, as trial's ``--without-module`` does.

    ``sys.modules[name] = None`` makes ``import name`` raise ImportError.
    A module that is already imported is disabled anyway (code that already
    holds it keeps it), with a warning, as in trial.
    """
    for name in names:
        if sys.modules.get(name) is not None:
            warn(f"warning: module {name!r} was already imported; disabling it anyway")
        sys.modules[name] = None  # type: ignore[assignment]


def set_up_process(config: Config) -> None:
    """Apply the options that change the interpreter, before tests are imported.

    Before, so that Deferreds made and modules imported at import time are
    covered too, as they are in trial.  ``-b`` implies Deferred debugging, as
    in trial: a post-mortem is more useful with creation stacks.
    """
    if config.debug_stacktraces or config.debug:
        from twisted.internet import defer

        defer.setDebugging(True)
    if config.disablegc:
        import gc

        gc.disable()
    if config.recursionlimit is not None:
        try:
            sys.setrecursionlimit(config.recursionlimit)
        except (RecursionError, ValueError) as exc:
            raise UsageError(f"argument --recursionlimit: {exc}") from None


# -- --spew, --profile, --coverage ----------------------------------------------------


class Instruments:
    """Tracing, profiling and coverage, switched on around the tests.

    Coverage starts at once (so the test modules' own import is measured);
    the profiler and ``--spew`` run only while tests run, so their output
    is about the tests, not trialish's start-up.  :meth:`write` puts the
    results into the temp directory of the last pass.
    """

    PROFILE_DATA = "profile.data"
    PROFILE_TEXT = "profile.txt"
    COVERAGE_DATA = ".coverage"
    COVERAGE_TEXT = "coverage.txt"

    def __init__(self, config: Config) -> None:
        self.spew = config.spew
        self.profiler: Any = None
        self.coverage: Any = None
        if config.profile:
            import cProfile

            self.profiler = cProfile.Profile()
        if config.coverage:
            self.coverage = _start_coverage()

    def resume(self) -> None:
        if self.profiler is not None:
            self.profiler.enable()
        if self.spew:
            sys.settrace(_spew)

    def pause(self) -> None:
        if self.spew:
            sys.settrace(None)
        if self.profiler is not None:
            self.profiler.disable()

    def write(self, folder: str) -> None:
        """Stop measuring, and write what was measured into ``folder``."""
        if self.profiler is not None:
            self._write_profile(folder)
        if self.coverage is not None:
            self._write_coverage(folder)

    def _write_profile(self, folder: str) -> None:
        import pstats

        self.profiler.dump_stats(os.path.join(folder, self.PROFILE_DATA))
        with open(os.path.join(folder, self.PROFILE_TEXT), "w", encoding="utf-8") as handle:
            stats = pstats.Stats(self.profiler, stream=handle)
            stats.sort_stats("cumulative").print_stats()

    def _write_coverage(self, folder: str) -> None:
        from coverage import CoverageData
        from coverage.exceptions import CoverageException

        self.coverage.stop()
        data = CoverageData(basename=os.path.join(folder, self.COVERAGE_DATA))
        data.update(self.coverage.get_data())
        data.write()
        with open(os.path.join(folder, self.COVERAGE_TEXT), "w", encoding="utf-8") as handle:
            try:
                self.coverage.report(file=handle, show_missing=True)
            except CoverageException as exc:  # e.g. "No data to report."
                handle.write(f"{exc}\n")
        self.coverage = None


def _spew(frame: Any, event: str, arg: Any) -> None:
    """Twisted's spewer (trial's --spew format), silenced if stdout goes away.

    ``trialish --spew | head`` closes the pipe early; the run must not crash.
    """
    from twisted.python.util import spewer

    try:
        spewer(frame, event, arg)
    except (OSError, ValueError):
        sys.settrace(None)


def _start_coverage() -> Any:
    """A started coverage.py measurement that keeps its data in memory.

    The user's own configuration (.coveragerc, setup.cfg, tox.ini,
    pyproject.toml) applies; trialish only adds its own code to ``omit``, and
    writes the data file itself once the temp directory of the last pass is
    known.
    """
    import coverage

    measurement = coverage.Coverage(data_file=None)
    omit = list(measurement.get_option("run:omit") or [])
    measurement.set_option("run:omit", omit + [os.path.join(_PACKAGE_DIR, "*")])
    measurement.start()
    return measurement
