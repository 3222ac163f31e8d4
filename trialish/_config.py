"""The command line, parsed into one frozen Config.

This module imports nothing heavy, so ``--help`` and ``--version`` answer
without loading Twisted.  Every bad value is a :class:`UsageError` whose
message is one line that says what to do.
"""

from __future__ import annotations

import argparse
import os
import re
from dataclasses import dataclass
from typing import Sequence

from ._reactor import REACTORS

REPORTER_NAMES = ("verbose", "bwverbose", "summary", "text", "timing", "subunit", "json")
REACTOR_NAMES = tuple(REACTORS)  # _reactor imports nothing heavy
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
    # Debugging and diagnostics (see _debugging).
    debug: bool = False
    debugger: str = "pdb"
    post_mortem: bool = True  # --nopm turns it off
    debug_stacktraces: bool = False
    rterrors: bool = False
    until_failure: bool = False
    dry_run: bool = False
    force_gc: bool = False
    disablegc: bool = False
    recursionlimit: int | None = None
    without_modules: tuple[str, ...] = ()
    testmodules: tuple[str, ...] = ()
    unclean_warnings: bool = False
    spew: bool = False
    profile: bool = False
    coverage: bool = False
    # Scale out and CI (issue 6).
    jobs: int = 1  # -j N; -j auto resolves to the number of usable CPUs
    shard: tuple[int, int] | None = None  # --shard K/N: (K, N), 1 <= K <= N
    shard_durations: str | None = None  # --shard-durations PATH: JUnit XML or JSON lines
    junitxml: str | None = None  # --junitxml PATH
    jsonl: str | None = None  # --jsonl PATH
    last_failed: bool = False  # --lf
    failed_first: bool = False  # --ff
    durations: int | None = None  # --durations N (0: every test)
    keywords: tuple[str, ...] = ()  # -k PATTERN, repeatable: a test matching any runs


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _jobs(text: str) -> int:
    if text == "auto":
        try:
            return max(1, len(os.sched_getaffinity(0)))
        except (AttributeError, OSError):
            return max(1, os.cpu_count() or 1)
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number of workers or 'auto', not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {text!r}")
    return value


def _shard(text: str) -> tuple[int, int]:
    parts = text.split("/")
    try:
        k, n = (int(part) for part in parts)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be K/N such as 1/4, not {text!r}") from None
    if not 1 <= k <= n:
        raise argparse.ArgumentTypeError(f"K/N needs 1 <= K <= N, got {text!r}")
    return k, n


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


def _seed(text: str) -> int:  # any whole number >= 0 (seeds, counts)
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must not be negative, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {text!r}")
    return value


_MODULE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def _module_names(text: str) -> tuple[str, ...]:
    names = tuple(name.strip() for name in text.split(","))
    for name in names:
        if not _MODULE_NAME.match(name):
            raise argparse.ArgumentTypeError(
                f"expects module names separated by commas, not {text!r}")
    return names


# Options that cannot be combined: (first, second, why).  Checked in order;
# the first pair that is present is the one-line usage error.
_CONFLICTS = (
    ("dry_run", "until_failure", "a dry run always passes, so it would never stop"),
    ("dry_run", "debug", "a dry run runs no test to debug"),
    ("dry_run", "profile", "a dry run runs no test to profile"),
    ("dry_run", "coverage", "a dry run runs no test to measure"),
    ("debug", "coverage", "the debugger would replace coverage's trace function"),
    ("debug", "spew", "the debugger would replace --spew's trace function"),
    ("spew", "coverage", "--spew would replace coverage's trace function"),
    ("last_failed", "failed_first", "--lf already runs only the failed tests"),
    ("debug", "parallel", "the debugger needs the tests in this process"),
    ("spew", "parallel", "--spew traces this process, not the workers"),
    ("profile", "parallel", "--profile measures this process, not the workers"),
    ("coverage", "parallel", "--coverage measures this process, not the workers"),
)
_FLAG_NAMES = {
    "dry_run": "-n/--dry-run", "until_failure": "-u/--until-failure", "debug": "-b/--debug",
    "profile": "--profile", "coverage": "--coverage", "spew": "--spew",
    "last_failed": "--lf/--last-failed", "failed_first": "--ff/--failed-first",
    "parallel": "-j/--jobs",
}


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
    parser.add_argument("-o", "--order", default="alphabetical", choices=ORDER_NAMES, metavar="NAME",
                        help="test order (see --help-orders)")
    parser.add_argument("-z", "--random", type=_seed, metavar="SEED", default=None,
                        help="shuffle tests with SEED; 0 picks a seed and prints it")
    parser.add_argument("--tbformat", default="plain", choices=tuple(TB_FORMATS),
                        help="traceback format: plain, emacs or cgitb")
    parser.add_argument("-j", "--jobs", type=_jobs, default=1, metavar="N",
                        help="run tests in N worker processes ('auto': one per CPU)")
    parser.add_argument("--shard", type=_shard, default=None, metavar="K/N",
                        help="run only the K-th of N deterministic shares of the tests")
    parser.add_argument("--shard-durations", default=None, metavar="PATH",
                        help="balance --shard by the test times in PATH (a --junitxml or --jsonl "
                             "file that every shard reads alike)")
    parser.add_argument("--junitxml", default=None, metavar="PATH",
                        help="also write JUnit XML results to PATH")
    parser.add_argument("--jsonl", default=None, metavar="PATH",
                        help="also write one JSON object per finished test to PATH")
    parser.add_argument("--lf", "--last-failed", dest="last_failed", action="store_true",
                        help="run only the tests that failed last time (all if none did)")
    parser.add_argument("--ff", "--failed-first", dest="failed_first", action="store_true",
                        help="run the tests that failed last time first, then the rest")
    parser.add_argument("--durations", type=_seed, default=None, metavar="N",
                        help="list the N slowest tests at the end (0: all)")
    parser.add_argument("-k", dest="keywords", action="append", default=[], metavar="PATTERN",
                        help="only tests whose id contains PATTERN or matches it as a glob; "
                             "repeatable")
    parser.add_argument("-x", "--exitfirst", action="store_true",
                        help="stop after the first failed or errored test")
    parser.add_argument("-u", "--until-failure", action="store_true",
                        help="run the tests again and again until one fails")
    parser.add_argument("-n", "--dry-run", action="store_true",
                        help="find the tests and report each as passed without running it")
    parser.add_argument("-e", "--rterrors", action="store_true",
                        help="print each error and failure as soon as it happens")
    parser.add_argument("--unclean-warnings", action="store_true",
                        help="report a dirty reactor as a warning, not an error")
    parser.add_argument("--testmodule", action="append", default=[], metavar="FILE",
                        help="run the tests named in FILE's '-*- test-case-name: ... -*-' "
                        "header (or FILE itself if it is a test_*.py file)")
    parser.add_argument("--without-module", action="append", default=[], type=_module_names,
                        metavar="MODULES",
                        help="make these modules (comma-separated) unimportable")
    debugging = parser.add_argument_group("debugging and diagnostics")
    debugging.add_argument("-b", "--debug", action="store_true",
                           help="run the tests under a debugger (pdb), and debug each error "
                           "and failure post-mortem")
    debugging.add_argument("--nopm", action="store_true",
                           help="with --debug: no post-mortem of errors and failures")
    debugging.add_argument("--debugger", default=None, metavar="NAME",
                           help="with --debug: the debugger to use, a module or an object "
                           "with runcall() (default: pdb)")
    debugging.add_argument("-B", "--debug-stacktraces", action="store_true",
                           help="Deferred debug mode: record where each Deferred was "
                           "created and fired")
    debugging.add_argument("--spew", action="store_true",
                           help="print every function call the tests make (very verbose)")
    debugging.add_argument("--profile", action="store_true",
                           help="run the tests under cProfile; write profile.data and "
                           "profile.txt into the temp directory")
    debugging.add_argument("--coverage", action="store_true",
                           help="measure coverage with coverage.py; write .coverage and "
                           "coverage.txt into the temp directory")
    debugging.add_argument("--force-gc", action="store_true",
                           help="run a full garbage collection after each test")
    debugging.add_argument("--disablegc", action="store_true",
                           help="disable the automatic garbage collector")
    debugging.add_argument("--recursionlimit", type=_positive_int, default=None, metavar="N",
                           help="set the recursion limit (see sys.setrecursionlimit)")
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
    if args.nopm and not args.debug:
        raise UsageError("argument --nopm: only makes sense with -b/--debug")
    if args.debugger is not None and not args.debug:
        raise UsageError("argument --debugger: only makes sense with -b/--debug")
    if args.debugger is not None and not args.debugger.strip():
        raise UsageError("argument --debugger: must not be empty")
    args.parallel = args.jobs > 1
    if args.shard_durations is not None and args.shard is None:
        raise UsageError("argument --shard-durations: only makes sense with --shard")
    for first, second, why in _CONFLICTS:
        if getattr(args, first) and getattr(args, second):
            raise UsageError(f"argument {_FLAG_NAMES[second]}: cannot be combined with "
                             f"{_FLAG_NAMES[first]}: {why}")
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
        debug=args.debug,
        debugger=args.debugger or "pdb",
        post_mortem=not args.nopm,
        debug_stacktraces=args.debug_stacktraces,
        rterrors=args.rterrors,
        until_failure=args.until_failure,
        dry_run=args.dry_run,
        force_gc=args.force_gc,
        disablegc=args.disablegc,
        recursionlimit=args.recursionlimit,
        without_modules=tuple(name for names in args.without_module for name in names),
        testmodules=tuple(args.testmodule),
        unclean_warnings=args.unclean_warnings,
        spew=args.spew,
        profile=args.profile,
        coverage=args.coverage,
        jobs=args.jobs,
        shard=args.shard,
        shard_durations=args.shard_durations,
        junitxml=args.junitxml,
        jsonl=args.jsonl,
        last_failed=args.last_failed,
        failed_first=args.failed_first,
        durations=args.durations,
        keywords=tuple(args.keywords),
    )


# -- --testmodule ------------------------------------------------------------------


def _emacs_variables(line: str) -> dict[str, str] | None:
    """The variables of an Emacs ``-*- name: value; ... -*-`` line, or None.

    As Emacs (and trial) read it: the part between the first and the last
    ``-*-``, split on ``;``; an item that is not ``name: value`` makes the
    whole line not a declaration.
    """
    marker = "-*-"
    start, end = line.find(marker), line.rfind(marker)
    if start == -1 or end == start:
        return None
    variables = {}
    for item in line[start + len(marker):end].split(";"):
        if not item.strip():
            continue
        parts = item.split(":")
        if len(parts) != 2:
            return None
        variables[parts[0].strip()] = parts[1].strip()
    return variables


def test_case_names(path: str) -> list[str]:
    """The NAMEs ``--testmodule PATH`` stands for, as trial finds them.

    A ``test_*.py`` file stands for itself.  Any other file stands for the
    comma-separated names of the ``test-case-name`` variable in an Emacs
    header on its first or second line (so an editor or a build bot can map
    a changed source file to its tests); no header, no names.  Raises
    OSError if the file cannot be read.
    """
    base = os.path.basename(path)
    if base.startswith("test_") and base.endswith(".py"):
        return [os.path.abspath(path)]
    with open(path, encoding="utf-8", errors="replace") as handle:
        lines = [handle.readline(), handle.readline()]
    for line in lines:
        # trial stops at the first declaration; a "-*- coding: utf-8 -*-"
        # line would then hide a test-case-name on the next one.
        value = (_emacs_variables(line) or {}).get("test-case-name")
        if value is not None:
            return [name.strip() for name in value.split(",") if name.strip()]
    return []
