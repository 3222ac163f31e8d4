"""The command line, parsed into one frozen Config.

This module imports nothing heavy, so ``--help`` and ``--version`` answer
without loading Twisted.  Every bad value is a :class:`UsageError` whose
message is one line that says what to do.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from typing import Sequence

REPORTER_NAMES = ("verbose", "bwverbose", "summary", "text", "timing")
REACTOR_NAMES = ("default", "select", "poll", "epoll", "kqueue", "asyncio")
ORDER_NAMES = ("alphabetical", "toptobottom")
TB_FORMATS = {"plain": "default", "emacs": "brief", "cgitb": "verbose"}


class UsageError(Exception):
    """Bad command line input; the message is one line."""


@dataclass(frozen=True)
class Config:
    names: tuple[str, ...] = ()
    reporter: str = "verbose"
    reactor: str = "default"
    timeout: float = 120.0
    temp_directory: str = "_trial_temp"
    logfile: str = "test.log"
    recurse: bool = True
    order: str = "alphabetical"
    random_seed: int | None = None
    tb_detail: str = "default"
    exitfirst: bool = False
    help_topic: str | None = None  # "reporters", "reactors", "orders", "version"


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}") from None
    if value != value:  # nan: no timeout could ever be compared with it
        raise argparse.ArgumentTypeError(f"must be a number of seconds, not {text!r}")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="trialish",
        description="Run Twisted-style (trial), trialish and stdlib unittest tests.",
        epilog="Exit status: 0 passed, 1 tests failed, 2 interrupted, 3 internal error, "
        "4 usage error, 5 no tests found.",
    )
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="a file, folder, package, module, class or test method; "
                        "none: discover test_*.py under the current directory")
    parser.add_argument("--reporter", default="verbose", choices=REPORTER_NAMES, metavar="NAME",
                        help="how to show results (see --help-reporters)")
    parser.add_argument("-r", "--reactor", default="default", metavar="NAME",
                        help="which reactor to run tests under (see --help-reactors)")
    parser.add_argument("--timeout", type=_seconds, default=120.0, metavar="SECONDS",
                        help="default timeout per test phase (default: 120)")
    parser.add_argument("--temp-directory", default="_trial_temp", metavar="DIR",
                        help="where test.log goes; the tests' working directory")
    parser.add_argument("-l", "--logfile", default="test.log", metavar="NAME",
                        help="log file name inside the temp directory; '-' for stdout")
    parser.add_argument("-N", "--no-recurse", action="store_true",
                        help="do not look for tests in sub-packages and sub-folders")
    parser.add_argument("--order", default="alphabetical", choices=ORDER_NAMES, metavar="NAME",
                        help="test order (see --help-orders)")
    parser.add_argument("-z", "--random", type=_seed, metavar="SEED", default=None,
                        help="shuffle tests with SEED; 0 picks a seed and prints it")
    parser.add_argument("--tbformat", default="plain", choices=tuple(TB_FORMATS),
                        help="traceback format: plain, emacs or cgitb")
    parser.add_argument("-x", "--exitfirst", action="store_true",
                        help="stop after the first failed or errored test")
    parser.add_argument("--help-reporters", action="store_true", help="list the reporters")
    parser.add_argument("--help-reactors", action="store_true", help="list the reactors")
    parser.add_argument("--help-orders", action="store_true", help="list the test orders")
    parser.add_argument("--version", action="store_true", help="show versions and exit")
    return parser


def parse(argv: Sequence[str]) -> Config:
    """Parse ``argv`` (without the program name) into a Config."""
    args = build_parser().parse_args(list(argv))
    topic = None
    for flag, name in (("version", "version"), ("help_reporters", "reporters"),
                       ("help_reactors", "reactors"), ("help_orders", "orders")):
        if getattr(args, flag):
            topic = name
    if args.reactor not in REACTOR_NAMES:
        raise UsageError(
            f"argument -r/--reactor: unknown reactor {args.reactor!r} "
            f"(choose from {', '.join(REACTOR_NAMES)}; see --help-reactors)"
        )
    if args.random is not None and args.order != "alphabetical":
        raise UsageError("argument -z/--random: cannot be combined with --order")
    if not args.temp_directory.strip():
        raise UsageError("argument --temp-directory: must not be empty")
    if not args.logfile.strip():
        raise UsageError("argument -l/--logfile: must not be empty (use '-' for stdout)")
    return Config(
        names=tuple(args.names),
        reporter=args.reporter,
        reactor=args.reactor,
        timeout=args.timeout,
        temp_directory=args.temp_directory,
        logfile=args.logfile,
        recurse=not args.no_recurse,
        order=args.order,
        random_seed=args.random,
        tb_detail=TB_FORMATS[args.tbformat],
        exitfirst=args.exitfirst,
        help_topic=topic,
    )
