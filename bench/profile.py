"""Profile trialish (or trial) on generated suites with cProfile.

    .venv/bin/python bench/profile.py --kind sync --n 2000
    .venv/bin/python bench/profile.py --kind fired --n 2000 --runner trial --sort tottime
    .venv/bin/python bench/profile.py --kind sync --n 2000 --base 0     # whole run / N

Generates the suites under bench/.work/profile/, runs
``python -m cProfile -o PROFILE -m trialish --reporter=summary ...`` there
(the same way bench/run.py runs trialish), once at N tests and once at
``--base`` tests (default 200), and prints the top functions by their
*marginal* time per test in µs: (time at N - time at base) / (N - base),
the same slope bench/run.py measures, so that the fixed cost of start-up
and imports drops out; each figure is the median over ``--repeat`` pairs
of profiles (default 3), as the machine is noisy.  ``--base 0`` divides the whole run by N instead.
The profiles are kept as bench/.work/profile/RUNNER-KIND-N.prof for
snakeviz or pstats.  cProfile roughly doubles the cost of every Python
call, so read the shares, not the absolute numbers.
"""

from __future__ import annotations

import argparse
import os
import pstats
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen  # noqa: E402

WORK = os.path.join(HERE, ".work", "profile")

Key = tuple  # (filename, line, function name)


def profile_run(args: argparse.Namespace, n: int) -> pstats.Stats:
    suite = os.path.join(WORK, f"{args.kind}-{n}")
    modules = gen.generate(suite, args.kind, n)
    tag = f"{args.runner}{'-' + args.reactor if args.reactor else ''}-{args.kind}-{n}"
    output = os.path.join(WORK, tag + ".prof")
    python = os.path.join(args.bin, "python")
    if args.runner == "trialish":
        command = ["-m", "trialish", "--reporter=summary", "--temp-directory", os.path.join(WORK, "tmp-trialish")]
        if args.reactor:
            command += ["--reactor", args.reactor]
    else:
        command = [os.path.join(args.bin, "trial"), "--reporter=summary",
                   "--temp-directory", os.path.join(WORK, "tmp-trial")]
        if args.reactor:
            command += ["--reactor", args.reactor]
    command += modules
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([args.snapshot, suite]) if args.snapshot else suite,
               NO_COLOR="1")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as bench/run.py: .pyc files are written and used
    # Once without the profiler so that the .pyc files exist, then under cProfile.
    subprocess.run([python, *command], cwd=suite, env=env, capture_output=True)
    done = subprocess.run([python, "-m", "cProfile", "-o", output, *command], cwd=suite, env=env,
                          capture_output=True, text=True)
    last = done.stdout.strip().splitlines()[-1:] or ["(no output)"]
    print(f"{args.runner} {args.kind} x {n}: exit {done.returncode}, summary {last[0]!r}")
    if done.returncode not in (0, 1):
        sys.stderr.write(done.stderr)
        raise SystemExit(done.returncode)
    stats = pstats.Stats(output)
    # The two suites live in different folders: name their files alike so
    # that the same test module's lines pair up across the two runs.
    stats.stats = {(filename.replace(f"{os.sep}{args.kind}-{n}{os.sep}", f"{os.sep}{args.kind}-N{os.sep}"), line, name): value
                   for (filename, line, name), value in stats.stats.items()}
    return stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", default="sync", choices=gen.KINDS)
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--base", type=int, default=200, help="subtract a run of this many tests (0: none)")
    parser.add_argument("--runner", default="trialish", choices=("trialish", "trial"))
    parser.add_argument("--reactor", default=None, help="--reactor NAME")
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--repeat", type=int, default=3, help="profile pairs to take the median of")
    parser.add_argument("--bin", default=os.path.dirname(sys.executable))
    parser.add_argument("--snapshot", nargs="?", const=os.path.join(HERE, ".work", "snapshot"), default=None,
                        help="import trialish from this copy (default: the one bench/run.py last timed)")
    args = parser.parse_args()

    span = args.n - args.base
    samples: list[dict[Key, tuple[float, float, float]]] = []
    totals: list[float] = []
    for _ in range(args.repeat):
        big = profile_run(args, args.n)
        small = profile_run(args, args.base) if args.base else None
        totals.append((big.total_tt - (small.total_tt if small else 0.0)) / span)
        marginal = {}
        for key, (calls_b, _, tot_b, cum_b, _) in big.stats.items():
            calls_s, _, tot_s, cum_s, _ = small.stats.get(key, (0, 0, 0.0, 0.0, None)) if small else (0, 0, 0.0, 0.0, None)
            marginal[key] = ((cum_b - cum_s) / span, (tot_b - tot_s) / span, (calls_b - calls_s) / span)
        samples.append(marginal)

    print(f"\nmarginal cost under cProfile: {statistics.median(totals) * 1e6:.1f} µs/test "
          f"({'(t(%d) - t(%d)) / %d' % (args.n, args.base, span) if args.base else 'whole run / N'}; "
          f"median of {args.repeat} profiles: {', '.join('%.1f' % (t * 1e6) for t in totals)})\n")
    rows = []
    for key in samples[0]:
        values = [sample.get(key, (0.0, 0.0, 0.0)) for sample in samples]
        cum = statistics.median(v[0] for v in values)
        tot = statistics.median(v[1] for v in values)
        calls = statistics.median(v[2] for v in values)
        rows.append((cum if args.sort == "cumulative" else tot, tot, cum, calls, key))
    rows.sort(key=lambda row: row[0], reverse=True)
    print(f"{'cum µs/test':>11} {'own µs/test':>11} {'calls/test':>10}  function")
    for _, tot, cum, calls, (filename, line, name) in rows[: args.top]:
        print(f"{cum * 1e6:>11.1f} {tot * 1e6:>11.1f} {calls:>10.2f}  {_short(filename)}:{line}({name})")
    return 0


def _short(filename: str) -> str:
    if f"{os.sep}trialish{os.sep}" in filename and "site-packages" not in filename:
        return "trialish" + os.sep + filename.rsplit(f"{os.sep}trialish{os.sep}", 1)[1]
    for marker in ("site-packages/", "/lib/python3.11/", "/work/main/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    return filename


if __name__ == "__main__":
    sys.exit(main())
