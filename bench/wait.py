"""What one wait costs: trialish's ReactorHost.wait against trial's way (reactor.run() + crash()).

    .venv/bin/python bench/wait.py [--waits N] [--reactor NAME]

Each wait is on a Deferred fired by ``callLater(0)``, so the figure is the
cost of entering and leaving the reactor's loop around one turn, with the
turn itself.  Runs in one process, trialish's way first then trial's, the
fastest of five rounds each; prints microseconds per wait and the ratio.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--waits", type=int, default=20000)
    parser.add_argument("--reactor", default="default")
    options = parser.parse_args()

    from trialish._host import ReactorHost
    from trialish._waiting import Waiting

    host = ReactorHost(options.reactor)
    host.install()
    from twisted.internet import defer, reactor

    def trialish_wait() -> None:
        deferred: defer.Deferred = defer.Deferred()
        reactor.callLater(0, deferred.callback, None)
        box: list = []
        deferred.addBoth(box.append)
        host.wait(Waiting(deferred, box, 120.0))

    def trial_wait() -> None:  # twisted/trial/_asynctest.py's _wait, minus its bookkeeping
        deferred: defer.Deferred = defer.Deferred()
        reactor.callLater(0, deferred.callback, None)
        deferred.addBoth(lambda _: type(reactor).crash(reactor))
        timer = reactor.callLater(120.0, lambda: None)
        type(reactor).run(reactor)
        timer.cancel()

    figures = {}
    for name, wait in (("trialish", trialish_wait), ("trial", trial_wait)):
        best = float("inf")
        for _ in range(5):
            started = time.perf_counter()
            for _ in range(options.waits):
                wait()
            best = min(best, (time.perf_counter() - started) / options.waits)
        figures[name] = best * 1e6
        print(f"{name:>9}: {figures[name]:6.1f} µs per wait ({options.reactor} reactor)")
    print(f"    ratio: {figures['trialish'] / figures['trial']:.2f}")
    host.shut_down()
    return 0


if __name__ == "__main__":
    sys.exit(main())
