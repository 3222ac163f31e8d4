"""Run Twisted's own tests under trial and trialish; compare every outcome.

Usage (from the repository root; ``make conformance`` does this)::

    .venv/bin/python conformance/run.py [--suites SUITE|all|original|new ...]
                                        [--only trial|trialish | --baseline trial|trialish [--repeat N]]
                                        [--parallel] [--timeout SECONDS]

Each runner runs each suite in its own process, with ``--reporter=bwverbose``
and its own ``--temp-directory`` under ``conformance/.work/``.  The outputs are
kept (``.work/<runner>/<suite>.out``) so ``--only`` can re-run one runner and
compare it with the other runner's last output; ``--baseline`` runs one
runner alone (no comparison) and reports its own outcome counts, to
``.work/baseline-<runner>.json``.  The result goes to stdout
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
    MISSING, Comparison, Seen, compare, parse, ran_line, tally,
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
# --trialish-from: the trialish package the trialish runs import instead of
# the venv's editable install (a symlink to DIR/trialish lives here and goes
# first on their PYTHONPATH).  None: the venv's own trialish.
OVERLAY = os.path.join(WORK, "trialish-from")
TRIALISH_FROM: str | None = None


# Tests left out on purpose: test id (module.Class) -> why.  Every entry
# must say why; docs/conformance.md repeats the list.  trialish has no
# deselect option, so a module with an excluded class is given to both
# runners as its remaining classes, one by one (see ``module_without``).
EXCLUDED: dict[str, str] = {
    "twisted.test.test_udp.MulticastTests": (
        "joins a multicast group on a real interface: leaves the loopback, "
        "depends on the machine's network"),
    "twisted.test.test_udp.MulticastTestsIPv6": "as MulticastTests, over IPv6",
    "twisted.pair.test.test_tuntap.RealDeviceWithProtocolInformationTests": (
        "creates a real tap interface (tap-twtest-pi, as root) and sends UDP over "
        "172.16.1.0/24, which must have been configured on the machine beforehand"),
    "twisted.pair.test.test_tuntap.RealDeviceWithoutProtocolInformationTests": (
        "as RealDeviceWithProtocolInformationTests: tap-twtest, 172.16.0.0/24"),
}


def module_without(module: str, excluded: Sequence[str]) -> list[str]:
    """``module``'s top-level TestCase classes but ``excluded``, as NAMEs.

    Read from the source with ``ast`` (not imported: this process stays
    clean): a class counts when it derives from a name ending in
    ``TestCase`` or from another counted class in the module.
    """
    import ast
    import importlib.util

    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        raise SystemExit(f"cannot find {module}")
    with open(spec.origin, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    counted: list[str] = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        bases = [ast.unparse(base).rsplit(".", 1)[-1] for base in node.bases]
        if any(base.endswith("TestCase") or base in counted for base in bases):
            counted.append(node.name)
    kept = [f"{module}.{name}" for name in counted if f"{module}.{name}" not in excluded]
    missing = [name for name in excluded if name.rsplit(".", 1)[0] == module
               and name.rsplit(".", 1)[1] not in counted]
    if missing:  # an exclusion that no longer matches anything is a stale entry
        raise SystemExit(f"EXCLUDED names classes not found in {module}: {', '.join(missing)}")
    return kept


def package_names(package: str) -> Callable[[], list[str]]:
    """A suite: every ``test_*`` module of ``package``, minus EXCLUDED classes."""

    def names() -> list[str]:
        import importlib.util

        excluded = [name for name in EXCLUDED if name.startswith(f"{package}.")]
        if not excluded:
            return [package]
        # find_spec, not import: a test package's __init__ may need the deps
        # (twisted.trial.test imports hypothesis), which only the runners get.
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise SystemExit(f"cannot find the package {package}")
        modules = sorted(f"{package}.{module.name}"
                         for module in pkgutil.iter_modules(spec.submodule_search_locations)
                         if module.name.startswith("test_"))
        out: list[str] = []
        for module in modules:
            mine = [name for name in excluded if name.rsplit(".", 1)[0] == module]
            out += module_without(module, mine) if mine else [module]
        return out

    names.__name__ = f"package_names({package!r})"
    return names


# THE list of what is compared: suite label -> NAMEs given to both runners,
# or a callable expanded against the installed twisted when the suite runs.
# One suite per Twisted test package (twisted 26.10 has 24); every one of
# them imports and runs here.  The first five are the original suites; the
# rest were added together (docs/conformance.md, "What runs").
SUITES: dict[str, Sequence[str] | Callable[[], list[str]]] = {
    suite: package_names(suite) for suite in (
        "twisted.test",
        "twisted.python.test",
        "twisted.logger.test",
        "twisted.protocols.test",
        "twisted.web.test",
        "twisted._threads.test",
        "twisted.application.test",
        "twisted.application.runner.test",
        "twisted.application.twist.test",
        "twisted.conch.test",
        "twisted.cred.test",
        "twisted.internet.test",
        "twisted.mail.test",
        "twisted.names.test",
        "twisted.pair.test",
        "twisted.persisted.test",
        "twisted.positioning.test",
        "twisted.protocols.haproxy.test",
        "twisted.runner.test",
        "twisted.scripts.test",
        "twisted.spread.test",
        "twisted.trial.test",
        "twisted.trial._dist.test",
        "twisted.words.test",
    )
}
# The suites `make conformance` compared before the list grew.
ORIGINAL = ("twisted.test", "twisted.python.test", "twisted.logger.test",
            "twisted.protocols.test", "twisted.web.test")


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


def output_path(runner: str, suite: str, suffix: str = "out", tag: str = "") -> str:
    """``.work/<runner>/<suite><tag>.<suffix>``; ``tag`` marks a repeated run (``.run2``)."""
    return os.path.join(WORK, runner, f"{suite}{tag}.{suffix}")


def start(runner: str, suite: str, tag: str = "") -> tuple[subprocess.Popen[bytes], float]:
    """Start one runner on one suite, stdout and stderr to files in .work/.

    The working directory is .work/, so neither runner picks up this
    repository's packages from the current directory.
    """
    os.makedirs(os.path.join(WORK, runner), exist_ok=True)
    temp = os.path.join(WORK, runner, f"{suite}{tag}.temp")
    command = [os.path.join(BIN, runner), "--reporter=bwverbose", f"--temp-directory={temp}",
               *suite_names(suite)]
    environment = dict(os.environ)
    for variable in ("FORCE_COLOR", "PYTHONPATH", "TRIAL_TEMP"):
        environment.pop(variable, None)
    path = [DEPS] if os.path.isdir(DEPS) else []
    if runner == "trialish" and TRIALISH_FROM is not None:
        path.insert(0, OVERLAY)
    if path:
        environment["PYTHONPATH"] = os.pathsep.join(path)
    with open(output_path(runner, suite, tag=tag), "wb") as out, \
            open(output_path(runner, suite, "err", tag), "wb") as err:
        process = subprocess.Popen(command, cwd=WORK, stdout=out, stderr=err,
                                   stdin=subprocess.DEVNULL, env=environment)
    return process, time.monotonic()


def finish(runner: str, suite: str, process: subprocess.Popen[bytes], began: float,
           timeout: float, tag: str = "") -> RunRecord:
    """Wait for a runner (killing it after ``timeout``) and parse what it printed."""
    try:
        code: int | None = process.wait(timeout=max(0.0, began + timeout - time.monotonic()))
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        code = None
    wall = time.monotonic() - began
    record = load(runner, suite, wall, code, tag)
    with open(output_path(runner, suite, "json", tag), "w", encoding="utf-8") as handle:
        json.dump({"wall": wall, "exit_code": code}, handle)
    return record


def load(runner: str, suite: str, wall: float | None = None, code: int | None = None,
         tag: str = "") -> RunRecord:
    """Parse a runner's kept output; figures come from its .json when not given."""
    with open(output_path(runner, suite, tag=tag), encoding="utf-8", errors="replace") as handle:
        text = handle.read()
    if wall is None:
        with open(output_path(runner, suite, "json", tag), encoding="utf-8") as handle:
            saved = json.load(handle)
        wall, code = saved["wall"], saved["exit_code"]
    results = parse(text)
    summary = ran_line(text)
    return RunRecord(runner, suite, round(wall, 2), code, summary and summary[0], len(results),
                     tally(results), output_path(runner, suite, tag=tag))


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
                raise SystemExit(f"--only {only}: no earlier {runner} output for {suite}; "
                                 f"run both first (or --baseline {only} to run one runner alone)")
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


def run_counts(records: dict[str, RunRecord]) -> dict[str, dict[str, int]]:
    """Test ids that the two runners started a different number of times.

    The comparison is by id, so a test trial runs twice (a TestCase class
    imported into a second module) and trialish once agrees on its outcome;
    this is where that shows.
    """
    trial, trialish = parsed(records["trial"]), parsed(records["trialish"])
    return {test_id: {"trial": trial[test_id].starts, "trialish": trialish[test_id].starts}
            for test_id in sorted(set(trial) & set(trialish))
            if trial[test_id].starts != trialish[test_id].starts}


def report(results: dict[str, tuple[dict[str, RunRecord], Comparison]]) -> str:
    """The readable summary: one row per suite, then every difference."""
    rows = [["suite", "trial", "trialish", "agree", "agree %", "differ", "unexplained",
             "trial s", "trialish s", "trial exit", "trialish exit"]]

    def percent(agree: int, total: int) -> str:
        return f"{100 * agree / total:.2f}" if total else "-"

    for suite, (records, comparison) in results.items():
        trial, trialish = records["trial"], records["trialish"]
        rows.append([suite, str(trial.tests), str(trialish.tests), str(comparison.agree),
                     percent(comparison.agree, comparison.total),
                     str(len(comparison.differences)), str(len(comparison.unexplained)),
                     f"{trial.wall:.1f}", f"{trialish.wall:.1f}",
                     str(trial.exit_code), str(trialish.exit_code)])
    counts = [sum(int(row[i]) for row in rows[1:]) for i in (1, 2, 3, 5, 6)]
    walls = [sum(float(row[i]) for row in rows[1:]) for i in (7, 8)]
    rows.append(["TOTAL", *map(str, counts[:3]), percent(counts[2], counts[2] + counts[3]),
                 *map(str, counts[3:]), *(f"{wall:.1f}" for wall in walls), "", ""])
    out = [table(rows), ""]
    for suite, (records, comparison) in results.items():
        counts = run_counts(records)
        if counts:
            out.append(f"{suite}: tests run a different number of times (not an outcome difference)")
            out += [table([["test id", "trial runs", "trialish runs"],
                           *([i, str(c["trial"]), str(c["trialish"])] for i, c in counts.items())]), ""]
        if not comparison.differences:
            continue
        out.append(f"{suite}: differing tests (trial -> trialish)")
        diff_rows = [["test id", "trial", "trialish", "explained by known.py"]]
        for d in comparison.differences:
            diff_rows.append([d.test_id, d.trial, d.trialish, d.reason or "NO"])
        out += [table(diff_rows), ""]
    return "\n".join(out)


def use_trialish_from(checkout: str) -> None:
    """Point the trialish runs at ``checkout``/trialish (see OVERLAY) and say which file they import."""
    global TRIALISH_FROM
    package = os.path.join(os.path.abspath(checkout), "trialish")
    if not os.path.isfile(os.path.join(package, "__init__.py")):
        raise SystemExit(f"--trialish-from: no trialish package in {checkout}")
    os.makedirs(OVERLAY, exist_ok=True)
    link = os.path.join(OVERLAY, "trialish")
    if os.path.islink(link):
        os.unlink(link)
    os.symlink(package, link)
    TRIALISH_FROM = package
    check = subprocess.run([os.path.join(BIN, "python"), "-c", "import trialish; print(trialish.__file__)"],
                           cwd=WORK, env={**os.environ, "PYTHONPATH": OVERLAY},
                           capture_output=True, text=True)
    print(f"trialish runs import {check.stdout.strip() or check.stderr.strip()}", file=sys.stderr)


BAD = ("FAIL", "ERROR", "NO_STATUS", "UNEXPECTED_SUCCESS")  # outcomes listed by name in a baseline


def baseline(runner: str, suites: list[str], repeat: int, timeout: float) -> int:
    """Run one runner alone on ``suites`` (``repeat`` times each) and report it.

    No comparison: this records a runner's own picture, e.g. trial on a new
    suite before trialish has run it.  The first run is kept where
    ``--only`` looks for it (``.work/<runner>/<suite>.out``); run N > 1 goes
    to ``<suite>.runN.out``.  A test whose outcome is not the same in every
    run is listed as changed (flaky under that runner, or order-dependent).
    """
    summary: dict[str, dict[str, object]] = {}
    columns = ("OK", "SKIP", "TODO", "UNEXPECTED_SUCCESS", "FAIL", "ERROR", "NO_STATUS")
    rows = [["suite", "tests", "Ran", "OK", "SKIP", "TODO", "UNEXP", "FAIL", "ERROR", "NO_ST",
             "wall s", "exit"] + (["changed", "walls of reruns"] if repeat > 1 else [])]
    for suite in suites:
        records: list[RunRecord] = []
        for number in range(1, repeat + 1):
            tag = "" if number == 1 else f".run{number}"
            print(f"running {runner} on {suite}{tag} ...", file=sys.stderr, flush=True)
            records.append(finish(runner, suite, *start(runner, suite, tag), timeout, tag))
        runs = [parsed(record) for record in records]
        ids = sorted(set().union(*runs))
        changed = {test_id: [run[test_id].outcome if test_id in run else MISSING for run in runs]
                   for test_id in ids}
        changed = {test_id: seen for test_id, seen in changed.items() if len(set(seen)) > 1}
        first = records[0]
        bad = {test_id: seen.shown for test_id, seen in runs[0].items() if seen.outcome in BAD}
        rows.append([suite, str(first.tests), "-" if first.ran is None else str(first.ran),
                     *(str(first.outcomes.get(column, 0)) for column in columns),
                     f"{first.wall:.1f}", str(first.exit_code)]
                    + ([str(len(changed)), " ".join(f"{r.wall:.1f}" for r in records[1:])]
                       if repeat > 1 else []))
        summary[suite] = {"names": suite_names(suite), "runs": [asdict(r) for r in records],
                          "not_ok": bad, "changed": changed}
    total = ["TOTAL"] + [str(sum(int(row[i]) for row in rows[1:] if row[i] != "-")) for i in range(1, 10)]
    total += [f"{sum(float(row[10]) for row in rows[1:]):.1f}", ""] + (["", ""] if repeat > 1 else [])
    rows.append(total)
    print(table(rows))
    for suite, figures in summary.items():
        if figures["not_ok"]:
            print(f"\n{suite}: {runner} outcomes that are not OK/SKIP/TODO (first run)")
            print(table([["test id", "outcome"], *([i, o] for i, o in figures["not_ok"].items())]))
        if figures["changed"]:
            print(f"\n{suite}: outcome changed between {runner} runs")
            print(table([["test id", "outcomes by run"],
                         *([i, " ".join(o)] for i, o in figures["changed"].items())]))
    with open(os.path.join(WORK, f"baseline-{runner}.json"), "w", encoding="utf-8") as handle:
        json.dump({"python": sys.version.split()[0], "cpus": os.cpu_count(), "runner": runner,
                   "trialish_from": TRIALISH_FROM if runner == "trialish" else None,
                   "repeat": repeat, "suites": summary}, handle, indent=2)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    groups = {"all": list(SUITES), "original": list(ORIGINAL),
              "new": [suite for suite in SUITES if suite not in ORIGINAL]}
    parser.add_argument("--suites", "--modules", dest="modules", nargs="+",
                        choices=[*SUITES, *groups], default=["all"], metavar="SUITE",
                        help=f"suites to run, or a group: all (the default), original "
                             f"({', '.join(ORIGINAL)}) or new (the rest).  Suites: {', '.join(SUITES)}")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--only", choices=RUNNERS,
                      help="run only this runner; compare with the other's last output")
    mode.add_argument("--baseline", choices=RUNNERS,
                      help="run only this runner and report its outcomes; no comparison")
    parser.add_argument("--repeat", type=int, default=1, metavar="N",
                        help="with --baseline: run each suite N times and list tests whose "
                             "outcome changed (default 1)")
    parser.add_argument("--parallel", action="store_true",
                        help="run both runners at once (faster; wall times become noisier)")
    parser.add_argument("--timeout", type=float, default=1200,
                        help="kill a runner after this many seconds per suite (default 1200: "
                             "trial's slowest suite takes about 25 s; a hung runner should not "
                             "cost an hour)")
    parser.add_argument("--trialish-from", metavar="DIR",
                        help="trialish runs import the trialish package in DIR (a checkout, "
                             "e.g. a worktree at another commit) instead of the venv's install")
    options = parser.parse_args(argv)
    options.modules = list(dict.fromkeys(
        suite for name in options.modules for suite in groups.get(name, [name])))
    if options.repeat < 1 or (options.repeat > 1 and not options.baseline):
        parser.error("--repeat needs --baseline and a count of at least 1")
    if options.parallel and options.baseline:
        parser.error("--parallel compares two runners; --baseline runs one")
    os.makedirs(WORK, exist_ok=True)
    if options.trialish_from:
        use_trialish_from(options.trialish_from)
    if options.baseline:
        return baseline(options.baseline, options.modules, options.repeat, options.timeout)
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
            "trialish_from": TRIALISH_FROM,
            "suites": {suite: {
                "names": suite_names(suite),
                "runs": {runner: asdict(record) for runner, record in records.items()},
                "agree": comparison.agree,
                "modules": comparison.modules,
                "differences": [asdict(d) for d in comparison.differences],
                "run_counts": run_counts(records),
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
