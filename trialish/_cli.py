"""``trialish`` on the command line: parse, find, run, report, exit.

Exit status (as pytest's): 0 all passed, 1 a test failed or errored,
2 interrupted, 3 internal error, 4 usage or environment error, 5 no tests.
Bad input is one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from enum import IntEnum
from typing import TYPE_CHECKING, Any, Sequence, TextIO

from . import __version__
from ._config import Config, UsageError, parse

if TYPE_CHECKING:
    from ._results import RunTotals



class ExitCode(IntEnum):
    """trialish's exit status, as pytest's."""

    OK = 0
    TESTS_FAILED = 1
    INTERRUPTED = 2
    INTERNAL_ERROR = 3
    USAGE_ERROR = 4
    NO_TESTS = 5


def _say(message: str) -> None:
    sys.stderr.write(f"trialish: {message}\n")


def _print(text: str) -> None:
    """A line for the user on stdout; a reader that went away (``| head``) ends nothing."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        _drop_stdout()


def _drop_stdout() -> None:
    """Point fd 1 at /dev/null, so later writes and the exit-time flush stay quiet."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):
        pass


def _print_help_topic(topic: str) -> None:
    if topic == "version":
        from twisted import __version__ as twisted_version

        print(f"trialish {__version__} (Twisted {twisted_version}, Python {sys.version.split()[0]})")
    elif topic == "reporters":
        from ._reporters import REPORTERS

        print("Select a reporter with --reporter=NAME:\n")
        for name, (_, description) in REPORTERS.items():
            print(f"    {name:<10} {description}")
    elif topic == "orders":
        from ._order import ORDERS

        print("Select a test order with --order=NAME:\n")
        for name, description in ORDERS.items():
            print(f"    {name:<13} {description}")
    elif topic == "reactors":
        from ._reactor import REACTORS, unavailable_reason

        print("Select a reactor with --reactor=NAME:\n")
        missing = []
        for name, (_, description) in REACTORS.items():
            reason = unavailable_reason(name)
            if reason is None:
                print(f"    {name:<8} {description}")
            else:
                missing.append(f"    !{name:<7} {description} ({reason})")
        if missing:
            print("\n    reactors not available on this platform:\n")
            print("\n".join(missing))


def main(argv: Sequence[str] | None = None) -> ExitCode:
    argv = sys.argv[1:] if argv is None else argv
    try:
        config = parse(argv)
    except UsageError as exc:
        hint = "" if "see --help" in str(exc) else " (see trialish --help)"
        _say(f"error: {exc}{hint}")
        return ExitCode.USAGE_ERROR
    if config.help_topic is not None:
        _print_help_topic(config.help_topic)
        return ExitCode.OK
    claim = None
    try:
        from ._outputs import claim_stdout

        claim = claim_stdout(config)  # before anything prints: a machine format's stream stays clean
        return _run(config, claim)
    except UsageError as exc:
        _say(f"error: {exc}")
        return ExitCode.USAGE_ERROR
    except KeyboardInterrupt:
        _say("interrupted")
        return ExitCode.INTERRUPTED
    finally:
        if claim is not None:
            claim.release()


def _open_log(config: Config, temp_path: str) -> tuple[TextIO, bool]:
    if config.logfile == "-":
        return sys.stdout, False
    path = os.path.join(temp_path, config.logfile)
    folder = os.path.dirname(path)
    try:
        if folder:
            os.makedirs(folder, exist_ok=True)
        return open(path, "w", encoding="utf-8", errors="backslashreplace"), True
    except OSError as exc:
        raise UsageError(f"argument -l/--logfile: cannot write the log file {path}: "
                         f"{exc.strerror or exc}") from None


def _run(config: Config, claim: Any = None) -> ExitCode:
    from ._debugging import check_coverage_installed, disable_modules, make_debugger, set_up_process
    from ._host import ReactorHost
    from ._reactor import ReactorChoiceError, unavailable_reason

    start_dir = os.getcwd()
    if start_dir not in sys.path:
        sys.path.insert(0, start_dir)  # trial leaves it off; `trialish mypkg` must work
    # Usage errors come before anything changes the process.
    debugger = make_debugger(config) if config.debug else None  # may be in start_dir
    check_coverage_installed(config)
    reason = unavailable_reason(config.reactor)
    if reason is not None:
        raise UsageError(f"argument -r/--reactor: cannot use {config.reactor!r}: {reason} "
                         "(see --help-reactors)")
    host = ReactorHost(config.reactor)
    try:
        host.install()
    except ReactorChoiceError as exc:
        raise UsageError(str(exc)) from None
    names = _names(config)
    disable_modules(config.without_modules, _say)
    set_up_process(config)

    from ._debugging import Instruments
    from ._discovery import find_tests
    from ._order import pick_seed
    from ._plan import load_state, plan

    instruments = Instruments(config)  # coverage starts here, before tests are imported
    # Claim the temp directory first: a refusal (exit 4) must come before any
    # test module is imported, so no test code runs for a run that cannot be.
    # A dry run, like trial's, makes no temp directory and no log.
    temp = None if config.dry_run else _acquire(config)
    try:
        seed = config.random_seed
        if seed == 0:
            seed = pick_seed()
        if seed is not None:
            _print(f"Running tests shuffled with seed {seed}\n")
        found = find_tests(names, config.recurse) if names is not None else []
        state = load_state(config, start_dir)
        chosen = plan(config, found, seed, state)
        specs = chosen.specs
        for note in chosen.notes:
            _print(note + "\n")

        def run_passes() -> tuple[RunTotals, str | None]:
            nonlocal temp
            number = 0
            while True:
                number += 1
                if config.until_failure:
                    _print(f"Test Pass {number}")
                    if number > 1:
                        assert temp is not None
                        temp.release()
                        temp = None  # released: not again in `finally` if acquire fails
                        temp = _acquire(config)  # a fresh, empty directory per pass
                totals, internal_error = _one_pass(config, specs, start_dir, temp, instruments,
                                                   debugger, host, names or (), state, claim)
                again = (config.until_failure and specs and totals.successful
                         and not totals.interrupted and internal_error is None)
                if not again:
                    if temp is not None:
                        instruments.write(temp.path)
                    return totals, internal_error

        if debugger is None:
            totals, internal_error = run_passes()
        else:
            import bdb

            _print("Running the tests under the debugger: set breakpoints, then 'c' to start.")
            try:
                outcome = debugger.runcall(run_passes)
            except bdb.BdbQuit:
                outcome = None
            if outcome is None:  # pdb's runcall returns None when it quits
                _say("interrupted: the debugger quit")
                return ExitCode.INTERRUPTED
            totals, internal_error = outcome
    finally:
        host.shut_down()  # before the temp directory goes: shutdown triggers may log
        if temp is not None:
            temp.release()
    if not config.dry_run and totals.reports:
        from ._state import record

        problem = record(start_dir, totals.reports)  # one write, after the run
        if problem is not None:
            _say(problem)
    if internal_error is not None:
        if config.jobs > 1 and _is_start_error(internal_error):  # not our bug
            _say(f"error: {internal_error}")
            return ExitCode.USAGE_ERROR
        _say("internal error, please report it:\n" + internal_error)
        return ExitCode.INTERNAL_ERROR
    if totals.interrupted:
        not_run = len(specs) - len(totals.reports)
        _say(f"interrupted: {len(totals.reports)} of {len(specs)} tests ran, {not_run} did not")
        return ExitCode.INTERRUPTED
    if not specs:
        _say(chosen.empty_reason(config))
        return ExitCode.NO_TESTS
    return ExitCode.OK if totals.successful else ExitCode.TESTS_FAILED


def _is_start_error(error: object) -> bool:
    from ._workers import StartError

    return isinstance(error, StartError)


def _names(config: Config) -> tuple[str, ...] | None:
    """The NAMEs to look in: the command line's and --testmodule's.

    None means "run nothing": every --testmodule file named no test, and no
    NAME was given (without this, no NAME would mean the whole folder).
    """
    from ._config import test_case_names

    names = list(config.names)
    for path in config.testmodules:
        if not os.path.isfile(path):
            _say(f"warning: --testmodule: file {path!r} doesn't exist")  # as trial: go on
            continue
        try:
            names.extend(test_case_names(path))
        except OSError as exc:
            raise UsageError(f"argument --testmodule: cannot read {path!r}: "
                             f"{exc.strerror or exc}") from None
    if config.testmodules and not names:
        return None
    return tuple(names)


def _acquire(config: Config):  # type: ignore[no-untyped-def]
    from ._tempdir import TempDirError, acquire

    try:
        return acquire(config.temp_directory)
    except TempDirError as exc:
        raise UsageError(str(exc)) from None


def _one_pass(config, specs, start_dir, temp, instruments, debugger, host, names=(),  # type: ignore[no-untyped-def]
              state=None, claim=None):
    """Run every spec once, in the temp directory, and report to every output (_outputs)."""
    from ._outputs import build

    reporter = build(config, claim)
    if temp is None:  # a dry run
        totals, internal_error = _run_specs(config, specs, reporter, host, None)
    elif config.jobs > 1 and specs:
        from ._workers import ParallelRun

        log_stream, owns_log = _open_log(config, temp.path)
        try:
            totals, internal_error = ParallelRun(
                config, names, specs, reporter, temp.path, start_dir,
                state.durations if state is not None else {}, log_stream).run()
        finally:
            if owns_log:
                log_stream.close()
    else:
        log_stream, owns_log = _open_log(config, temp.path)
        os.chdir(temp.path)
        try:
            totals, internal_error = _run_specs(config, specs, reporter, host, log_stream,
                                                debugger, instruments)
        finally:
            os.chdir(start_dir)
            if owns_log:
                log_stream.close()
    reporter.run_finished(totals)
    return totals, internal_error


def _dry_run(config: Config, specs: Sequence[Any], reporter: Any) -> RunTotals:
    """``-n``: report each test as passed without running anything, as trial.

    No session: not even class or module fixtures run.  A NAME that could
    not be loaded is still an ERROR (trial would call it a passing test),
    so a dry run checks that everything can be imported.
    """
    from ._results import RunTotals, Status, TestReport

    started = time.perf_counter()
    totals = RunTotals()
    reporter.run_started(len(specs))
    for spec in specs:
        reporter.test_started(spec.test_id)
        if spec.load_error is not None:
            from ._session import load_error_report

            report = load_error_report(spec)
        else:
            report = TestReport(spec.test_id, Status.OK)
        totals.reports.append(report)
        reporter.test_finished(report)
        if config.exitfirst and report.is_failure:
            break
    totals.elapsed = time.perf_counter() - started
    return totals


def _run_specs(config, specs, reporter, host, log_stream, debugger=None, instruments=None,  # type: ignore[no-untyped-def]
               more_tests=None):
    """Wire the engine, janitor and log capture into a session and run it.

    ``instruments`` (--spew, --profile) are on only while the session runs,
    so that what they show is the tests, not trialish setting up.
    ``more_tests`` is a ``-j`` worker's source of batches (see _worker).
    """
    if log_stream is None or (not specs and more_tests is None):
        # A dry run, or nothing to run: the engine (and with it Twisted's
        # reactor machinery) is not even imported, which keeps this fast.
        return _dry_run(config, specs, reporter), None

    from ._engine import Engine, EngineSettings
    from ._foreign import running_engine
    from ._janitor import Janitor
    from ._logcapture import LogCapture
    from ._fixtures import Fixtures
    from ._session import Session

    # With --nopm too: the debugger still notices 'q' (BdbQuit) in a test.
    on_failure = debugger.on_failure if debugger is not None else None
    logs = LogCapture(log_stream)
    logs.start()
    settings = EngineSettings(
        default_timeout=config.timeout, tb_detail=config.tb_detail, force_gc=config.force_gc,
        unclean_warnings=config.unclean_warnings, on_failure=on_failure,
    )
    engine = Engine(settings, logs, Janitor(), host)
    session = Session(
        lambda spec: engine.run(spec.test_id, spec.make_case, spec.method_name),
        reporter, host, Fixtures(engine.phases, config.timeout, config.tb_detail),
        exitfirst=config.exitfirst, on_abort=logs.flush,
        test_interrupted=lambda: engine.interrupted,
        more_tests=more_tests,
    )
    if debugger is not None:
        debugger.on_quit = session.request_stop
    internal_error = None
    if instruments is not None:
        instruments.resume()
    try:
        with running_engine(engine):
            totals = session.run(specs)
    except Exception as exc:
        if debugger is not None and type(exc).__name__ == "BdbQuit":
            raise  # 'q' in the debugger outside a test: the run ends
        internal_error = traceback.format_exc()
        totals = session.totals
    finally:
        if instruments is not None:
            instruments.pause()
        logs.stop()
    return totals, internal_error


def console_main() -> None:
    """Entry point of the ``trialish`` console script."""
    code = main()
    try:
        sys.stdout.flush()
    except BrokenPipeError:  # `trialish | head`: the reader has all it wanted
        _drop_stdout()
    except (OSError, ValueError):
        pass
    sys.exit(code)
