"""``trialish`` on the command line: parse, find, run, report, exit.

Exit status (as pytest's): 0 all passed, 1 a test failed or errored,
2 interrupted, 3 internal error, 4 usage or environment error, 5 no tests.
Bad input is one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
import traceback
from typing import Sequence, TextIO

from . import __version__
from ._config import Config, UsageError, parse

EXIT_OK, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_INTERNAL, EXIT_USAGE, EXIT_NO_TESTS = 0, 1, 2, 3, 4, 5


def _say(message: str) -> None:
    sys.stderr.write(f"trialish: {message}\n")


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


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        config = parse(argv)
    except UsageError as exc:
        hint = "" if "see --help" in str(exc) else " (see trialish --help)"
        _say(f"error: {exc}{hint}")
        return EXIT_USAGE
    if config.help_topic is not None:
        _print_help_topic(config.help_topic)
        return EXIT_OK
    try:
        return _run(config)
    except UsageError as exc:
        _say(f"error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED


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


def _run(config: Config) -> int:
    from ._reactor import ReactorChoiceError, ReactorHost, unavailable_reason

    start_dir = os.getcwd()
    if start_dir not in sys.path:
        sys.path.insert(0, start_dir)  # trial leaves it off; `trialish mypkg` must work
    reason = unavailable_reason(config.reactor)
    if reason is not None:
        raise UsageError(f"argument -r/--reactor: cannot use {config.reactor!r}: {reason} "
                         "(see --help-reactors)")
    host = ReactorHost(config.reactor)
    try:
        host.install()
    except ReactorChoiceError as exc:
        raise UsageError(str(exc)) from None

    from ._discovery import find_tests
    from ._order import order_specs, pick_seed
    from ._reporters import make_reporter
    from ._tempdir import TempDirError, acquire

    # Claim the temp directory first: a refusal (exit 4) must come before any
    # test module is imported, so no test code runs for a run that cannot be.
    try:
        temp = acquire(config.temp_directory)
    except TempDirError as exc:
        raise UsageError(str(exc)) from None
    try:
        seed = config.random_seed
        if seed == 0:
            seed = pick_seed()
        if seed is not None:
            print(f"Running tests shuffled with seed {seed}\n")
            sys.stdout.flush()
        specs = order_specs(find_tests(config.names, config.recurse), config.order, seed)
        reporter = make_reporter(config.reporter)
        log_stream, owns_log = _open_log(config, temp.path)
        os.chdir(temp.path)
        try:
            totals, internal_error = _run_specs(config, specs, reporter, host, log_stream)
        finally:
            os.chdir(start_dir)
            if owns_log:
                log_stream.close()
    finally:
        temp.release()
    reporter.run_finished(totals)
    if internal_error is not None:
        _say("internal error, please report it:\n" + internal_error)
        return EXIT_INTERNAL
    if totals.interrupted:
        not_run = len(specs) - len(totals.reports)
        _say(f"interrupted: {len(totals.reports)} of {len(specs)} tests ran, {not_run} did not")
        return EXIT_INTERRUPTED
    if not specs:
        _say("no tests found")
        return EXIT_NO_TESTS
    return EXIT_OK if totals.successful else EXIT_FAILED


def _run_specs(config, specs, reporter, host, log_stream):  # type: ignore[no-untyped-def]
    """Wire the engine, janitor and log capture into a session and run it."""
    from ._engine import Engine, EngineSettings
    from ._janitor import Janitor
    from ._logcapture import LogCapture
    from ._session import Session

    logs = LogCapture(log_stream)
    logs.start()
    engine = Engine(
        EngineSettings(default_timeout=config.timeout, tb_detail=config.tb_detail),
        logs, Janitor(host.turn), host.call_later,
    )
    session = Session(
        lambda spec: engine.run(spec.test_id, spec.make_case, spec.method_name),
        reporter, host, exitfirst=config.exitfirst, on_abort=logs.flush,
        test_interrupted=lambda: engine.interrupted,
    )
    internal_error = None
    try:
        totals = session.run(specs)
    except Exception:
        internal_error = traceback.format_exc()
        totals = session.totals
    finally:
        logs.stop()
    if session.internal_error is not None:
        internal_error = session.internal_error.getTraceback()
    return totals, internal_error


def console_main() -> None:
    """Entry point of the ``trialish`` console script."""
    sys.exit(main())
