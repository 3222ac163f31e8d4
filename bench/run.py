"""Time trialish against trial (and stdlib unittest) on synthetic suites.

    make bench          # full: N = 200, 2,000, 10,000; 5 rounds (about 8 minutes)
    make bench-quick    # quick: N = 200, 2,000; 3 rounds (about 90 seconds)
    .venv/bin/python bench/run.py --help

Every runner runs as its own subprocess, with the suite folder as its working
directory and on PYTHONPATH, ``--reporter=summary`` (trial and trialish) or
``-q`` (unittest) so that output costs nothing, and an absolute
``--temp-directory`` of its own.  Wall time is ``time.perf_counter`` around
spawn and ``os.wait4``; peak RSS is the child's ``ru_maxrss`` from
``os.wait4``.  Every run's exit status and printed counts (tests, failures,
errors) are checked, so a broken runner cannot produce a fast number.

The machine is noisy, so the runners are interleaved: a *round* runs every
(kind, size) cell for each runner, cells in a shuffled order and the runners
of a cell back to back in a shuffled order, twice (A B A B; ``--repeats``),
keeping each runner's faster run.  Per-test overhead is the
slope (t(N_max) - t(N_min)) / (N_max - N_min), taken within a round, and so
is each ratio (trialish's slope / trial's slope of the same round); what is
quoted is the median over rounds of each.  Start-up figures are the fastest
of a few repeats within a round, ratioed within the round, median over rounds.

trialish/ is copied to bench/.work/snapshot/ at the start and the trialish
runs import that copy, so that edits made while the bench runs cannot mix two
versions in one table (``--no-snapshot`` times the working tree in place).

Writes the table and every raw measurement as JSON to bench/.work/last.json.
"""

from __future__ import annotations

import argparse
import compileall
import hashlib
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen  # noqa: E402

REPO = os.path.dirname(HERE)
WORK = os.path.join(HERE, ".work")

TRIAL_KINDS = ("sync", "fired", "reactor", "coroutine", "fixtures", "mix")

# Targets: the largest allowed ratio.
PER_TEST_TARGET = 0.25  # trialish / trial, every kind
UNITTEST_TARGET = 2.0  # trialish sync / unittest sync
STARTUP_TARGETS = {"--version": 1 / 3, "--help": 1 / 3, "empty run": 1 / 3, "one Deferred test": 0.85}
RSS_TARGET = 1.0
ASYNCIO_TARGET = 1.5


# -- running one command -------------------------------------------------------------------


@dataclass
class Sample:
    seconds: float
    max_rss_kib: int
    exit_code: int
    stdout: str
    stderr: str


def run_once(argv: list[str], cwd: str, env: dict[str, str]) -> Sample:
    """Run ``argv`` to completion; wall time and the child's own peak RSS."""
    return run_measured(argv, cwd, env)[0]


def run_measured(argv: list[str], cwd: str, env: dict[str, str]) -> tuple[Sample, float]:
    """Run ``argv``; its Sample, and the CPU seconds (user + system) of it and its waited-for children."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        process = subprocess.Popen(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        sample = Sample(seconds, usage.ru_maxrss, process.returncode,
                        out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"))
    return sample, usage.ru_utime + usage.ru_stime


class BrokenRun(RuntimeError):
    pass


_SUMMARY = re.compile(r"^(\S+) (\d+) (\d+) (\d+) (\d+) (\d+)$")
_UNITTEST_RAN = re.compile(r"^Ran (\d+) tests? in ", re.MULTILINE)


def counts_of(runner: str, sample: Sample) -> tuple[int, int, int]:
    """(tests, failures, errors) as the runner printed them."""
    if runner == "unittest":
        match = _UNITTEST_RAN.search(sample.stderr)
        if not match:
            raise BrokenRun("no 'Ran N tests' line")
        failed = re.search(r"FAILED \((.*)\)", sample.stderr)
        fields = dict(re.findall(r"(\w+)=(\d+)", failed.group(1))) if failed else {}
        return int(match.group(1)), int(fields.get("failures", 0)), int(fields.get("errors", 0))
    lines = [line.strip() for line in sample.stdout.splitlines() if line.strip()]
    match = _SUMMARY.match(lines[-1]) if lines else None
    if not match:
        raise BrokenRun("no summary line")
    # trial's summary reporter: time, tests, tests, errors, failures, skips
    return int(match.group(2)), int(match.group(5)), int(match.group(4))


def check(runner: str, sample: Sample, what: str, expect_exit: int, expect_counts: tuple[int, int, int] | None) -> None:
    problems = []
    if sample.exit_code != expect_exit:
        problems.append(f"exit status {sample.exit_code}, expected {expect_exit}")
    if expect_counts is not None:
        try:
            counts = counts_of(runner, sample)
        except BrokenRun as exc:
            problems.append(str(exc))
        else:
            if counts != expect_counts:
                problems.append(f"(tests, failures, errors) = {counts}, expected {expect_counts}")
    if problems:
        raise BrokenRun(
            f"{runner} on {what}: " + "; ".join(problems)
            + f"\n--- stdout (tail) ---\n{sample.stdout[-2000:]}\n--- stderr (tail) ---\n{sample.stderr[-2000:]}"
        )


# -- the cells of a round --------------------------------------------------------------------


@dataclass
class Bench:
    bin_dir: str
    work: str
    sizes: list[int]
    kinds: list[str]
    snapshot: str | None = None  # a copy of trialish/ that trialish runs import instead
    suites: dict[tuple[str, int], tuple[str, list[str]]] = field(default_factory=dict)
    startup_suites: dict[str, tuple[str, list[str]]] = field(default_factory=dict)

    def exe(self, name: str) -> str:
        return os.path.join(self.bin_dir, name)

    def env_for(self, suite_dir: str, runner: str = "") -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = suite_dir
        if self.snapshot and runner.startswith("trialish"):
            env["PYTHONPATH"] = os.pathsep.join([self.snapshot, suite_dir])
        for name in ("PYTHONDONTWRITEBYTECODE", "PYTHONPROFILEIMPORTTIME", "PYTHONDEVMODE",
                     "PYTHONTRACEMALLOC", "PYTHONWARNINGS", "FORCE_COLOR"):
            env.pop(name, None)
        env["NO_COLOR"] = "1"
        return env

    def temp_dir(self, runner: str) -> str:
        return os.path.join(self.work, "tmp", runner)

    def argv(self, runner: str, modules: list[str]) -> list[str]:
        if runner == "unittest":
            return [self.exe("python"), "-m", "unittest", "-q", *modules]
        if runner == "trialish-asyncio":
            return [self.exe("trialish"), "--reporter=summary", "--reactor", "asyncio",
                    "--temp-directory", self.temp_dir(runner), *modules]
        return [self.exe(runner), "--reporter=summary", "--temp-directory", self.temp_dir(runner), *modules]

    def runners_for(self, kind: str) -> list[str]:
        if kind == "sync_stdlib":
            return ["trialish", "trial", "unittest"]
        if kind == "reactor":
            return ["trialish", "trial", "trialish-asyncio"]
        return ["trialish", "trial"]

    # -- suites --------------------------------------------------------------------

    def take_snapshot(self) -> str:
        """Copy trialish/ so that edits made while the bench runs cannot mix versions."""
        root = os.path.join(self.work, "snapshot")
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(os.path.join(REPO, "trialish"), os.path.join(root, "trialish"),
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        compileall.compile_dir(root, quiet=1)
        self.snapshot = root
        probe = subprocess.run(
            [self.exe("python"), "-c", "import trialish._cli; print(trialish._cli.__file__)"],
            env=self.env_for(self.work, "trialish"), capture_output=True, text=True, cwd=self.work,
        )
        where = probe.stdout.strip()
        if not where.startswith(root + os.sep):
            raise BrokenRun(f"the snapshot of trialish/ is not what gets imported: {where or probe.stderr}")
        return source_hash(os.path.join(root, "trialish"))

    def prepare(self) -> None:
        suites_root = os.path.join(self.work, "suites")
        for kind in self.kinds:
            for n in self.sizes:
                folder = os.path.join(suites_root, f"{kind}-{n}")
                self.suites[kind, n] = (folder, gen.generate(folder, kind, n))
        empty = os.path.join(suites_root, "empty")
        one = os.path.join(suites_root, "one-deferred")
        self.startup_suites = {
            "empty run": (empty, gen.generate_empty(empty)),
            "one Deferred test": (one, gen.generate_one_deferred(one)),
            "--version": (empty, []),
            "--help": (empty, []),
        }
        # Compile once up front so that no runner pays for (or profits from)
        # writing the .pyc files the other one then reads.
        compileall.compile_dir(suites_root, quiet=1)
        for runner in ("trialish", "trial", "trialish-asyncio", "unittest"):
            folder = self.temp_dir(runner)
            shutil.rmtree(folder, ignore_errors=True)
            os.makedirs(os.path.dirname(folder), exist_ok=True)

    # -- one measurement -----------------------------------------------------------

    def run_suite(self, runner: str, kind: str, n: int) -> Sample:
        folder, modules = self.suites[kind, n]
        sample = run_once(self.argv(runner, modules), folder, self.env_for(folder, runner))
        failures, errors = gen.expected_problems(kind, n)
        check(runner, sample, f"{kind} x {n}", gen.EXPECTED_EXIT[kind], (n, failures, errors))
        return sample

    def run_startup(self, runner: str, what: str) -> Sample:
        folder, modules = self.startup_suites[what]
        if what in ("--version", "--help"):
            argv = [self.exe(runner), what]
            sample = run_once(argv, folder, self.env_for(folder, runner))
            check(runner, sample, what, 0, None)
            if not sample.stdout.strip():
                raise BrokenRun(f"{runner} {what} printed nothing")
            return sample
        sample = run_once(self.argv(runner, modules), folder, self.env_for(folder, runner))
        if what == "empty run":
            # trialish says "no tests found" with exit status 5; trial exits 0.
            check(runner, sample, what, 5 if runner.startswith("trialish") else 0, (0, 0, 0))
        else:
            check(runner, sample, what, 0, (1, 0, 0))
        return sample


# -- statistics ------------------------------------------------------------------------------


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def slope_us(times: dict[int, float], small: int, large: int) -> float:
    return (times[large] - times[small]) / (large - small) * 1e6


def summarise(bench: Bench, rounds: list[dict[str, Any]], startup_names: list[str]) -> dict[str, Any]:
    small, large = min(bench.sizes), max(bench.sizes)
    per_test: list[dict[str, Any]] = []

    def slopes(runner: str, kind: str) -> list[float]:
        return [slope_us({n: r["suites"][f"{runner}|{kind}|{n}"]["seconds"] for n in (small, large)}, small, large)
                for r in rounds]

    def row(label: str, kind_a: str, runner_a: str, kind_b: str, runner_b: str, target: float | None, versus: str) -> dict[str, Any]:
        a, b = slopes(runner_a, kind_a), slopes(runner_b, kind_b)
        ratios = [x / y for x, y in zip(a, b)]
        ratio = median(ratios)
        return {
            "row": label, "kind": kind_a, "runner": runner_a, "versus": versus,
            "us_per_test": median(a), "versus_us_per_test": median(b),
            "ratio": ratio, "ratio_min": min(ratios), "ratio_max": max(ratios),
            # A slope that is not positive means noise swamped the signal: never "met".
            "target": target, "met": target is None or (0 < ratio <= target and median(b) > 0),
            "rounds_us_per_test": a, "rounds_versus_us_per_test": b, "rounds_ratio": ratios,
        }

    for kind in bench.kinds:
        graded = kind != "sync_stdlib"  # the kinds; sync_stdlib is for information
        per_test.append(row(kind, kind, "trialish", kind, "trial", PER_TEST_TARGET if graded else None, "trial"))

    extra: list[dict[str, Any]] = []
    if "sync" in bench.kinds and "sync_stdlib" in bench.kinds:
        extra.append(row("sync vs unittest", "sync", "trialish", "sync_stdlib", "unittest", UNITTEST_TARGET,
                         "unittest (sync_stdlib)"))
        extra.append(row("sync_stdlib vs unittest (info)", "sync_stdlib", "trialish", "sync_stdlib", "unittest",
                         None, "unittest (sync_stdlib)"))
        extra.append(row("trial sync vs unittest (info)", "sync", "trial", "sync_stdlib", "unittest",
                         None, "unittest (sync_stdlib)"))
    if "reactor" in bench.kinds:
        extra.append(row("asyncio reactor", "reactor", "trialish-asyncio", "reactor", "trialish", ASYNCIO_TARGET,
                         "trialish default reactor"))
        extra.append(row("asyncio reactor vs trial (info)", "reactor", "trialish-asyncio", "reactor", "trial",
                         None, "trial"))

    startup: list[dict[str, Any]] = []
    for what in startup_names:
        mine = [r["startup"][f"trialish|{what}"]["seconds"] for r in rounds]
        theirs = [r["startup"][f"trial|{what}"]["seconds"] for r in rounds]
        ratios = [x / y for x, y in zip(mine, theirs)]
        target = STARTUP_TARGETS[what]
        startup.append({
            "row": what, "trialish_ms": median(mine) * 1e3, "trial_ms": median(theirs) * 1e3,
            "ratio": median(ratios), "ratio_min": min(ratios), "ratio_max": max(ratios),
            "target": target, "met": median(ratios) <= target,
            "rounds_trialish_ms": [x * 1e3 for x in mine], "rounds_trial_ms": [x * 1e3 for x in theirs],
            "rounds_ratio": ratios,
        })

    rss: list[dict[str, Any]] = []
    for kind in bench.kinds:
        theirs = [r["suites"][f"trial|{kind}|{large}"]["max_rss_kib"] for r in rounds]
        for runner in bench.runners_for(kind):
            if runner == "trial":
                continue
            mine = [r["suites"][f"{runner}|{kind}|{large}"]["max_rss_kib"] for r in rounds]
            ratios = [x / y for x, y in zip(mine, theirs)]
            graded = runner == "trialish" and kind != "sync_stdlib"
            rss.append({
                "row": kind + ("" if runner == "trialish" else f" ({runner})"), "kind": kind, "runner": runner,
                "n": large, "runner_mib": median(mine) / 1024, "trial_mib": median(theirs) / 1024,
                "ratio": median(ratios), "target": RSS_TARGET if graded else None,
                "met": median(ratios) <= RSS_TARGET,
            })
    return {"per_test": per_test, "extra": extra, "startup": startup, "rss": rss, "small": small, "large": large}


# -- reporting -------------------------------------------------------------------------------


def _met(row: dict[str, Any]) -> str:
    if row.get("target") is None or row["target"] == float("inf"):
        return "info"
    return "yes" if row["met"] else "NO"


def _target(value: float | None) -> str:
    if value is None or value == float("inf"):
        return "-"
    if abs(value - 1 / 3) < 1e-9:
        return "<= 1/3"
    if abs(value - 0.25) < 1e-9:
        return "<= 1/4"
    return f"<= {value:g}"


def format_table(summary: dict[str, Any], rounds: int) -> str:
    small, large = summary["small"], summary["large"]
    lines = [
        f"Per-test overhead in µs/test = (t({large:,}) - t({small:,})) / {large - small:,}; "
        f"medians over {rounds} rounds; ratio = median of the per-round ratios [min..max]",
        "",
        f"{'kind':<12} {'trialish':>9} {'trial':>9} {'ratio':>7} {'[min..max]':>15} {'target':>8} {'met?':>5}",
    ]
    for row in summary["per_test"]:
        lines.append(
            f"{row['row']:<12} {row['us_per_test']:>9.1f} {row['versus_us_per_test']:>9.1f} "
            f"{row['ratio']:>7.3f} {'[%.3f..%.3f]' % (row['ratio_min'], row['ratio_max']):>15} "
            f"{_target(row['target']):>8} {_met(row):>5}"
        )
    if summary["extra"]:
        lines += ["", f"{'comparison':<32} {'µs/test':>9} {'versus':>9} {'ratio':>7} {'[min..max]':>15} "
                      f"{'target':>8} {'met?':>5}  versus"]
        for row in summary["extra"]:
            label = f"{row['runner']} {row['kind']}"
            lines.append(
                f"{label:<32} {row['us_per_test']:>9.1f} {row['versus_us_per_test']:>9.1f} {row['ratio']:>7.3f} "
                f"{'[%.3f..%.3f]' % (row['ratio_min'], row['ratio_max']):>15} {_target(row['target']):>8} "
                f"{_met(row):>5}  {row['versus']}"
            )
    if summary["startup"]:
        lines += ["", f"{'start-up (ms, best of repeats)':<32} {'trialish':>9} {'trial':>9} {'ratio':>7} "
                      f"{'[min..max]':>15} {'target':>8} {'met?':>5}"]
        for row in summary["startup"]:
            lines.append(
                f"{row['row']:<32} {row['trialish_ms']:>9.1f} {row['trial_ms']:>9.1f} {row['ratio']:>7.3f} "
                f"{'[%.3f..%.3f]' % (row['ratio_min'], row['ratio_max']):>15} {_target(row['target']):>8} "
                f"{_met(row):>5}"
            )
    lines += ["", f"{'peak RSS at %s tests (MiB)' % format(large, ','):<32} {'runner':>9} {'trial':>9} "
                  f"{'ratio':>7} {'':>15} {'target':>8} {'met?':>5}"]
    for row in summary["rss"]:
        lines.append(
            f"{row['row']:<32} {row['runner_mib']:>9.1f} {row['trial_mib']:>9.1f} {row['ratio']:>7.3f} "
            f"{'':>15} {_target(row['target']):>8} {_met(row):>5}"
        )
    return "\n".join(lines)


def source_hash(package: str = os.path.join(REPO, "trialish")) -> str:
    """A short hash of trialish/*.py, to tell whether it changed under a run."""
    digest = hashlib.sha256()
    for name in sorted(os.listdir(package)) if os.path.isdir(package) else []:
        if name.endswith(".py"):
            with open(os.path.join(package, name), "rb") as handle:
                digest.update(name.encode() + b"\0" + handle.read())
    return digest.hexdigest()[:12]


def machine_info(bin_dir: str) -> dict[str, Any]:
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    versions = subprocess.run(
        [os.path.join(bin_dir, "python"), "-c",
         "import sys, twisted, trialish; print(sys.version.split()[0]); print(twisted.__version__); "
         "print(trialish.__version__)"],
        capture_output=True, text=True, check=True,
    ).stdout.split()
    try:
        commit = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                                capture_output=True, text=True).stdout.strip()
        dirty = bool(subprocess.run(["git", "-C", REPO, "status", "--porcelain", "--", "trialish"],
                                    capture_output=True, text=True).stdout.strip())
    except OSError:
        commit, dirty = "unknown", None
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:
        affinity = os.cpu_count()
    return {
        "cpus": os.cpu_count(), "cpus_usable": affinity, "cpu_model": cpu,
        "platform": platform.platform(), "python": versions[0], "twisted": versions[1],
        "trialish": versions[2], "commit": commit, "trialish_dirty": dirty,
        "trialish_source_sha256": source_hash(),
    }


# -- main ------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true",
                        help="N = 200 and 2,000 only, 3 rounds, fastest of 2 runs per cell (under two minutes)")
    parser.add_argument("--rounds", type=int, help="rounds (default 5; quick: 3)")
    parser.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")],
                        help="comma-separated suite sizes (default 200,2000,10000; quick: 200,2000)")
    parser.add_argument("--kinds", type=lambda s: s.split(","), default=list(gen.KINDS),
                        help=f"comma-separated kinds (default: {','.join(gen.KINDS)})")
    parser.add_argument("--repeats", type=int,
                        help="runs of each suite per runner per round, fastest kept (default 2)")
    parser.add_argument("--startup-repeats", type=int, help="start-up repeats per round, best kept (default 3; quick: 2)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up rows")
    parser.add_argument("--no-snapshot", action="store_true",
                        help="run trialish/ in place instead of a copy taken at the start")
    parser.add_argument("--seed", type=int, default=1, help="seed of the interleaving order")
    parser.add_argument("--bin", default=os.path.dirname(sys.executable),
                        help="folder holding python, trial and trialish (default: this Python's)")
    parser.add_argument("--work", default=WORK, help="where suites and temp folders go (default bench/.work)")
    parser.add_argument("--json", default=None, help="where to write the JSON (default WORK/last.json)")
    args = parser.parse_args(argv)

    rounds_wanted = args.rounds or (3 if args.quick else 5)
    sizes = sorted(args.sizes or ([200, 2000] if args.quick else [200, 2000, 10000]))
    if len(sizes) < 2:
        parser.error("need at least two sizes for a slope")
    repeats = args.startup_repeats or (2 if args.quick else 3)
    suite_repeats = args.repeats or 2
    unknown = set(args.kinds) - set(gen.KINDS)
    if unknown:
        parser.error(f"unknown kinds: {sorted(unknown)}")
    work = os.path.abspath(args.work)
    json_path = args.json or os.path.join(work, "last.json")

    bench = Bench(bin_dir=os.path.abspath(args.bin), work=work, sizes=sizes, kinds=list(args.kinds))
    info = machine_info(bench.bin_dir)
    print(f"machine: {info['cpus']} CPUs ({info['cpus_usable']} usable), {info['cpu_model']}; "
          f"Python {info['python']}, Twisted {info['twisted']}, trialish {info['trialish']} "
          f"({info['commit']}{', trialish/ modified' if info['trialish_dirty'] else ''}, "
          f"trialish/*.py sha256 {info['trialish_source_sha256']})", flush=True)
    print(f"sizes {sizes}, kinds {bench.kinds}, {rounds_wanted} rounds, fastest of {suite_repeats} run(s) "
          f"per suite and of {repeats} per start-up figure in each round", flush=True)
    started = time.perf_counter()
    load_before = os.getloadavg()
    if not args.no_snapshot:
        info["trialish_source_sha256"] = bench.take_snapshot()
        print(f"timing a snapshot of trialish/ (sha256 {info['trialish_source_sha256']}) "
              f"taken now, in {os.path.relpath(bench.snapshot)}", flush=True)
    bench.prepare()

    # Warm up: each runner once on the smallest suite of each kind (this also
    # checks every runner/kind pair works before any time is spent on it).
    for kind in bench.kinds:
        for runner in bench.runners_for(kind):
            bench.run_suite(runner, kind, sizes[0])
    startup_names = [] if args.no_startup else list(STARTUP_TARGETS)

    rng = random.Random(args.seed)
    rounds: list[dict[str, Any]] = []
    for number in range(rounds_wanted):
        round_started = time.perf_counter()
        record: dict[str, Any] = {"suites": {}, "startup": {}}
        cells: list[tuple[str, Any]] = [("suite", (kind, n)) for kind in bench.kinds for n in sizes]
        cells += [("startup", what) for what in startup_names]
        rng.shuffle(cells)
        for cell_kind, cell in cells:
            if cell_kind == "suite":
                kind, n = cell
                runners = bench.runners_for(kind)
                rng.shuffle(runners)
                kept: dict[str, dict[str, Any]] = {}
                for _ in range(suite_repeats):  # runners back to back, A B A B
                    for runner in runners:
                        sample = bench.run_suite(runner, kind, n)
                        entry = kept.setdefault(runner, {"seconds": sample.seconds, "max_rss_kib": 0,
                                                         "all_seconds": []})
                        entry["seconds"] = min(entry["seconds"], sample.seconds)
                        entry["max_rss_kib"] = max(entry["max_rss_kib"], sample.max_rss_kib)
                        entry["all_seconds"].append(sample.seconds)
                for runner, entry in kept.items():
                    record["suites"][f"{runner}|{kind}|{n}"] = entry
            else:
                best: dict[str, Sample] = {}
                for _ in range(repeats):
                    runners = ["trialish", "trial"]
                    rng.shuffle(runners)
                    for runner in runners:
                        sample = bench.run_startup(runner, cell)
                        if runner not in best or sample.seconds < best[runner].seconds:
                            best[runner] = sample
                for runner, sample in best.items():
                    record["startup"][f"{runner}|{cell}"] = {"seconds": sample.seconds,
                                                             "max_rss_kib": sample.max_rss_kib}
        record["seconds"] = time.perf_counter() - round_started
        rounds.append(record)
        elapsed = time.perf_counter() - started
        print(f"round {number + 1}/{rounds_wanted} took {record['seconds']:.1f}s "
              f"(elapsed {elapsed:.0f}s, about {record['seconds'] * (rounds_wanted - number - 1):.0f}s to go)",
              flush=True)

    summary = summarise(bench, rounds, startup_names)
    table = format_table(summary, len(rounds))
    total = time.perf_counter() - started
    print()
    print(table)
    print(f"\ntotal {total:.0f}s; load average before {load_before[0]:.2f}, after {os.getloadavg()[0]:.2f}")
    source_after = source_hash(os.path.join(bench.snapshot, "trialish") if bench.snapshot else
                               os.path.join(REPO, "trialish"))
    if source_after != info["trialish_source_sha256"]:
        print(f"WARNING: trialish/*.py changed during the run ({info['trialish_source_sha256']} -> "
              f"{source_after}): rounds may mix two versions; run it again")

    os.makedirs(os.path.dirname(json_path), exist_ok=True)
    with open(json_path, "w", encoding="utf-8") as handle:
        json.dump({
            "mode": "quick" if args.quick else "full", "when": time.strftime("%Y-%m-%d %H:%M:%S %z"),
            "machine": info, "sizes": sizes, "kinds": bench.kinds, "rounds_count": len(rounds),
            "startup_repeats": repeats, "suite_repeats": suite_repeats, "seed": args.seed, "seconds": total, "snapshot": bench.snapshot,
            "load_average_before": load_before, "load_average_after": os.getloadavg(),
            "trialish_source_sha256_after": source_after,
            "summary": summary, "table": table, "rounds": rounds,
        }, handle, indent=1, default=str)
    print(f"wrote {os.path.relpath(json_path)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BrokenRun as exc:
        sys.stderr.write(f"bench: broken run, no figures: {exc}\n")
        sys.exit(1)
