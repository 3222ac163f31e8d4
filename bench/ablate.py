"""What would each per-test cost of trialish save if it went away?  (A diagnostic.)

    .venv/bin/python bench/ablate.py --kind sync
    .venv/bin/python bench/ablate.py --kind fired --rounds 15

Runs trialish's engine in-process on a generated 2,000-test suite, the way
the session runs tests that finish synchronously (``engine.run`` then
``session._finished``), once as is and once with each suspected cost stubbed
out or cached, interleaved in rounds; prints the median µs/test of each and
the median paired saving against "as is".  The stubs break behaviour (no
warnings captured, no janitor...): they only tell what a faster version of
that piece could at most save.  They patch trialish's private functions by
name, so a patch whose target no longer exists is reported and skipped.

By default it imports the snapshot of trialish/ that bench/run.py last timed
(bench/.work/snapshot), so that its figures go with that table.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import os
import random
import statistics
import sys
import time
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import gen  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kind", default="sync", choices=("sync", "fired", "mix"))
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=9)
    parser.add_argument("--snapshot", default=os.path.join(HERE, ".work", "snapshot"),
                        help="folder holding the trialish package to import ('' for the installed one)")
    args = parser.parse_args()
    if args.snapshot and os.path.isdir(os.path.join(args.snapshot, "trialish")):
        sys.path.insert(0, args.snapshot)
    suite = os.path.join(HERE, ".work", "ablate", f"{args.kind}-{args.n}")
    modules = gen.generate(suite, args.kind, args.n)
    sys.path.insert(0, suite)

    from trialish import _attributes, _discovery, _engine, _janitor, _logcapture, _reactor, _reporters, _session

    print(f"trialish from {os.path.dirname(_engine.__file__)}")
    specs = sorted(_discovery.find_tests(modules), key=lambda spec: spec.test_id)
    from twisted.internet import reactor  # noqa: F401  (the suite imports it anyway)

    log_stream = open(os.devnull, "w")

    def run_all() -> float:
        host = _reactor.ReactorHost("default")
        logs = _logcapture.LogCapture(log_stream)
        logs.start()
        engine = _engine.Engine(_engine.EngineSettings(), logs, _janitor.Janitor(host.turn), host.call_later)
        reporter = _reporters.make_reporter("summary")
        session = _session.Session(lambda s: engine.run(s.test_id, s.make_case, s.method_name), reporter, host)
        started = time.perf_counter()
        for spec in specs:
            reporter.test_started(spec.test_id)
            outcome = engine.run(spec.test_id, spec.make_case, spec.method_name)
            if not isinstance(outcome, _results_type()):
                raise SystemExit(f"{spec.test_id} did not finish synchronously; use a synchronous kind")
            session._finished(outcome)
        elapsed = (time.perf_counter() - started) / len(specs) * 1e6
        logs.stop()
        return elapsed

    def _results_type() -> type:
        return importlib.import_module("trialish._results").TestReport

    # -- the stand-ins ---------------------------------------------------------------
    from trialish import _garbage, _watchdog

    hygiene = importlib.import_module("trialish._hygiene") if importlib.util.find_spec("trialish._hygiene") else None

    def no_warnings_start(self: Any, suppress: Any = ()) -> Any:
        return None

    def no_warnings_stop(self: Any, saved: Any) -> None:
        return None

    def quiet_begin(self: Any, test_id: str) -> Any:
        self.current = _logcapture.TestContext(self.write_line)
        return self.current

    configs: list[tuple[str, list[tuple[Any, str, Any]]]] = [
        ("as is", []),
        ("no per-test process-state snapshot (_hygiene.take/restore)",
         [(hygiene, "take", lambda: None), (hygiene, "restore", lambda state: [])] if hygiene else
         [(_engine, "_hygiene", None)]),
        ("no per-test young GC", [(_engine, "collect_test_garbage", lambda mark: None)]),
        ("no watchdog (arm/disarm per phase)",
         [(_watchdog.Watchdog, "arm", lambda self, *a: None), (_watchdog.Watchdog, "disarm", lambda self: None)]),
        ("no warning capture (start/stop_warnings)",
         [(_logcapture.TestContext, "start_warnings", no_warnings_start),
          (_logcapture.TestContext, "stop_warnings", no_warnings_stop)]),
        ("Janitor.might_be_dirty -> False", [(_janitor.Janitor, "might_be_dirty", lambda self: False)]),
        ("no test.log marker line", [(_logcapture.LogCapture, "begin_test", quiet_begin)]),
    ]
    configs.append(("all of the above", [p for label, ps in configs[1:] for p in ps]))
    usable = []
    for label, patches in configs:
        absent = [f"{getattr(obj, '__name__', obj)}.{name}" for obj, name, _ in patches if not hasattr(obj, name)]
        if absent:
            print(f"skipped {label!r}: no {', '.join(absent)} in this trialish")
            continue
        usable.append((label, patches))

    def measure(patches: list[tuple[Any, str, Any]]) -> float:
        with contextlib.ExitStack() as stack:
            for obj, name, value in patches:
                stack.callback(setattr, obj, name, getattr(obj, name))
                setattr(obj, name, value)
            return run_all()

    for _ in range(2):  # warm up
        run_all()
    results: dict[str, list[float]] = {label: [] for label, _ in usable}
    for number in range(args.rounds):
        order = list(usable)
        random.Random(number).shuffle(order)
        for label, patches in order:
            results[label].append(measure(patches))
    base = results["as is"]
    print(f"{args.kind}: {len(specs)} tests, engine.run + report in-process; "
          f"median and min of {args.rounds} interleaved rounds (µs/test); saving: median of the "
          f"paired savings, and min(as is) - min(this)")
    for label, _ in usable:
        values = results[label]
        saving = statistics.median(b - v for b, v in zip(base, values))
        print(f"{statistics.median(values):7.1f} {min(values):7.1f}  saves {saving:5.1f} "
              f"{min(base) - min(values):5.1f}  {label}")
    log_stream.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
