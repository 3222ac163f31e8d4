"""Run Twisted's own tests under trial and trialish; compare every outcome.

Usage (from the repository root; ``make conformance`` does this)::

    .venv/bin/python conformance/run.py [--modules SUITE ...] [--only trial|trialish]
                                        [--parallel] [--timeout SECONDS]

Each runner runs each suite in its own process, with ``--reporter=bwverbose``
and its own ``--temp-directory`` under ``conformance/.work/``.  The outputs are
kept (``.work/<runner>/<suite>.out``) so ``--only`` can re-run one runner and
compare it with the other runner's last output.  The result goes to stdout
(a table) and to ``.work/last.json``.  Exit status: 0 when every difference is
listed in ``known.py``, 1 otherwise, 2 on a usage error.

Standard library only: it must run before anything else is trusted.
"""

from __future__ import annotations

import argparse
import json
import os
import pkgutil
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from typing import Callable, Sequence

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
if REPO not in sys.path:  # run as a script: make ``conformance`` importable
    sys.path.insert(0, REPO)

from conformance.known import KNOWN  # noqa: E402
from conformance.outcomes import (  # noqa: E402
    Comparison, Seen, compare, parse, ran_line, tally,
)

WORK = os.path.join(HERE, ".work")
BIN = os.path.join(REPO, ".venv", "bin")
# Twisted's test-only dependencies (PyHamcrest, hypothesis,
# cython-test-exception-raiser), installed here by `make conformance` so the
# project's venv stays as `pip install -e .` made it.  Without them ten
# modules (test_tcp, test_defer, test_http...) fail to import under both
# runners and their tests are not compared at all.
DEPS = os.path.join(WORK, "deps")
RUNNERS = ("trial", "trialish")


def twisted_test_names() -> list[str]:
    """Every ``twisted.test`` module but test_udp, plus test_udp's non-multicast classes.

    The multicast tests join a group on a real interface, which leaves the
    loopback and depends on the machine's network.  trialish has no deselect
    option, so the other test_udp classes are named one by one.
    """
    import twisted.test

    names = sorted(f"twisted.test.{module.name}" for module in pkgutil.iter_modules(twisted.test.__path__)
                   if module.name.startswith("test_") and module.name != "test_udp")
    return names + ["twisted.test.test_udp.UDPTests",
                    "twisted.test.test_udp.ReactorShutdownInteractionTests"]


# THE list of what is compared: suite label -> NAMEs given to both runners.
# A callable is expanded against the installed twisted when the suite runs.
SUITES: dict[str, Sequence[str] | Callable[[], list[str]]] = {
    "twisted.test": twisted_test_names,
    "twisted.python.test": ["twisted.python.test"],
    "twisted.logger.test": ["twisted.logger.test"],
    "twisted.protocols.test": ["twisted.protocols.test"],
    "twisted.web.test": ["twisted.web.test"],
}


@dataclass
class RunRecord:
    """One runner on one suite: its figures, and where its output is kept."""

    runner: str
    suite: str
    wall: float
    exit_code: int | None  # None: killed after --timeout
    ran: int | None  # the runner's own "Ran N tests" (None: no summary)
    tests: int
    outcomes: dict[str, int]
    output: str


def suite_names(suite: str) -> list[str]:
    names = SUITES[suite]
    return list(names()) if callable(names) else list(names)


def output_path(runner: str, suite: str, suffix: str = "out") -> str:
    return os.path.join(WORK, runner, f"{suite}.{suffix}")


def start(runner: str, suite: str) -> tuple[subprocess.Popen[bytes], float]:
    """Start one runner on one suite, stdout and stderr to files in .work/.

    The working directory is .work/, so neither runner picks up this
    repository's packages from the current directory.
    """
    os.makedirs(os.path.join(WORK, runner), exist_ok=True)
    temp = os.path.join(WORK, runner, f"{suite}.temp")
    command = [os.path.join(BIN, runner), "--reporter=bwverbose", f"--temp-directory={temp}",
               *suite_names(suite)]
    environment = dict(os.environ)
    for variable in ("FORCE_COLOR", "PYTHONPATH", "TRIAL_TEMP"):
        environment.pop(variable, None)
    if os.path.isdir(DEPS):
        environment["PYTHONPATH"] = DEPS
    with open(output_path(runner, suite), "wb") as out, open(output_path(runner, suite, "err"), "wb") as err:
        process = subprocess.Popen(command, cwd=WORK, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, env=environment)
    return process, time.monotonic()


def finish(runner: str, suite: str, process: subprocess.Popen[bytes], began: float,
           timeout: float) -> RunRecord:
    """Wait for a runner (killing it after ``timeout``) and parse what it printed."""
    try:
        code: int | None = process.wait(timeout=max(0.0, began + timeout - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        code = None
    wall = time.monotonic() - began
    record = load(runner, suite, wall, code)
    with open(output_path(runner, suite, "json"), "w", encoding="utf-8") as handle:
        json.dump({"wall": wall, "exit_code": code}, handle)
    return record


def load(runner: str, suite: str, wall: float | None = None, code: int | None = None) -> RunRecord:
    """Parse a runner's kept output; figures come from its .json when not given."""
    with open(output_path(runner, suite), encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    if wall is None:
        with open(output_path(runner, suite, "json"), encoding="utf-8") as handle:
            saved = json.load(handle)
        wall, code = saved["wall"], saved["exit_code"]
    results = parse(text)
    summary = ran_line(text)
    return RunRecord(runner, suite, round(wall, 2), code, summary and summary[0], len(results),
                     tally(results), output_path(runner, suite))


def run_suite(suite: str, only: str | None, parallel: bool, timeout: float) -> dict[str, RunRecord]:
    """Run the suite under both runners (or one, re-using the other's last output)."""
    wanted = [only] if only else list(RUNNERS)
    records: dict[str, RunRecord] = {}
    if parallel:
        started = {runner: start(runner, suite) for runner in wanted}
        for runner, (process, began) in started.items():
            records[runner] = finish(runner, suite, process, began, timeout)
    else:
        for runner in wanted:
            records[runner] = finish(runner, suite, *start(runner, suite), timeout)
    for runner in RUNNERS:
        if runner not in records:
            if not os.path.exists(output_path(runner, suite, "json")):
                raise SystemExit(f"--only {only}: no earlier {runner} output for {suite}; run both first")
            records[runner] = load(runner, suite)
    return records


def parsed(record: RunRecord) -> dict[str, Seen]:
    with open(record.output, encoding="utf-8", errors="replace") as handle:
        return parse(handle.read())


def table(rows: list[list[str]]) -> str:
    """Left-aligned text columns; numbers right-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [cell.rjust(width) if cell.replace(".", "").replace("-", "").isdigit() else cell.ljust(width)
                 for cell, width in zip(row, widths)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def report(results: dict[str, tuple[dict[str, RunRecord], Comparison]]) -> str:
    """The readable summary: one row per suite, then every difference."""
    rows = [["suite", "trial", "trialish", "agree", "differ", "unexplained",
             "trial s", "trialish s", "trial exit", "trialish exit"]]
    for suite, (records, comparison) in results.items():
        trial, trialish = records["trial"], records["trialish"]
        rows.append([suite, str(trial.tests), str(trialish.tests), str(comparison.agree),
                     str(len(comparison.differences)), str(len(comparison.unexplained)),
                     f"{trial.wall:.1f}", f"{trialish.wall:.1f}",
                     str(trial.exit_code), str(trialish.exit_code)])
    totals = [sum(int(row[i]) for row in rows[1:]) for i in range(1, 6)]
    walls = [sum(float(row[i]) for row in rows[1:]) for i in (6, 7)]
    rows.append(["TOTAL", *map(str, totals), *(f"{wall:.1f}" for wall in walls), "", ""])
    out = [table(rows), ""]
    for suite, (_, comparison) in results.items():
        if not comparison.differences:
            continue
        out.append(f"{suite}: differing tests (trial -> trialish)")
        diff_rows = [["test id", "trial", "trialish", "explained by known.py"]]
        for d in comparison.differences:
            diff_rows.append([d.test_id, d.trial, d.trialish, d.reason or "NO"])
        out += [table(diff_rows), ""]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", nargs="+", choices=list(SUITES), default=list(SUITES),
                        metavar="SUITE", help=f"suites to run (default: all of {', '.join(SUITES)})")
    parser.add_argument("--only", choices=RUNNERS,
                        help="run only this runner; compare with the other's last output")
    parser.add_argument("--parallel", action="store_true",
                        help="run both runners at once (faster; wall times become noisier)")
    parser.add_argument("--timeout", type=float, default=3600,
                        help="kill a runner after this many seconds per suite (default 3600)")
    options = parser.parse_args(argv)
    os.makedirs(WORK, exist_ok=True)
    results: dict[str, tuple[dict[str, RunRecord], Comparison]] = {}
    for suite in options.modules:
        print(f"running {suite} ...", file=sys.stderr, flush=True)
        records = run_suite(suite, options.only, options.parallel, options.timeout)
        results[suite] = (records, compare(parsed(records["trial"]), parsed(records["trialish"]), KNOWN))
    print(report(results))
    unexplained = [d for _, comparison in results.values() for d in comparison.unexplained]
    seen = {d.test_id for _, comparison in results.values() for d in comparison.differences}
    ran_all = set(options.modules) == set(SUITES)
    stale = sorted(set(KNOWN) - seen) if ran_all else []
    with open(os.path.join(WORK, "last.json"), "w", encoding="utf-8") as handle:
        json.dump({
            "python": sys.version.split()[0], "cpus": os.cpu_count(),
            "suites": {suite: {
                "names": suite_names(suite),
                "runs": {runner: asdict(record) for runner, record in records.items()},
                "agree": comparison.agree,
                "modules": comparison.modules,
                "differences": [asdict(d) for d in comparison.differences],
            } for suite, (records, comparison) in results.items()},
            "unexplained": [d.test_id for d in unexplained],
            "stale_known": stale,
        }, handle, indent=2)
    if stale:
        print(f"known.py lists {len(stale)} id(s) that did not differ in this run: {', '.join(stale)}")
    if unexplained:
        print(f"{len(unexplained)} unexplained difference(s):")
        for d in unexplained:
            print(f"  {d.test_id}: trial {d.trial}, trialish {d.trialish}")
        return 1
    print("every difference is explained by conformance/known.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())
