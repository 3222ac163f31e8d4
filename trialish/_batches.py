"""Batches for ``-j``: pure functions, unit-tested without starting a process.

How the suite is cut into batches for the workers (:func:`plan_batches`),
how long a test may hold its worker before it counts as hung
(:func:`hang_limit`), and the text of the ERROR a dead or hung worker
leaves on its test (:func:`death_text`).  :mod:`_workers` runs the plan.
"""

from __future__ import annotations

import signal
import unittest
from typing import Iterator, Mapping, Sequence

from ._specs import TestSpec

MIN_PIECES = 100  # the smallest batch is 1 / (jobs * MIN_PIECES) of the whole
HANG_FACTOR, HANG_GRACE = 3.0, 2.0  # a test may hold its worker 3 x timeout + 2 s


def has_class_fixtures(cls: type | None) -> bool:
    """Whether cutting ``cls``'s tests into two batches would run a class fixture twice."""
    if cls is None:
        return False
    for name in ("setUpClass", "tearDownClass"):
        attribute = getattr(cls, name, None)
        if getattr(attribute, "__func__", attribute) is not getattr(unittest.TestCase, name).__func__:
            return True
    return False


def plan_batches(specs: Sequence[TestSpec], jobs: int,
                 durations: Mapping[str, float] | None = None) -> list[list[str]]:
    """Cut ``specs`` (serial order, all runnable) into batches of test ids.

    Batches are runs of the serial order whose sizes shrink as the plan goes
    on (guided self-scheduling): each is about ``1 / (2 * jobs)`` of what is
    left, but never less than ``1 / (jobs * MIN_PIECES)`` of the whole.  The
    big ones keep the round trips few; the small ones at the end let every
    worker finish at about the same time, since a worker asks for more only
    when it has run out.  The tests of a class with class fixtures are never
    cut apart (its ``setUpClass`` runs once); other classes may be cut, and a
    batch may hold several classes.

    Sizes are measured in recorded seconds when any are known (a test
    without a record counts as the mean of those recorded), else in tests.
    With durations the batches are handed out longest first (the classic
    longest-processing-time rule); with none, in serial order -- which is
    longest first too, by construction.  Within a batch the serial order is
    kept, so class and module fixtures run as in a serial run.
    """
    durations = durations or {}
    known = [durations[spec.test_id] for spec in specs if spec.test_id in durations]
    default = sum(known) / len(known) if known else 1.0
    remaining = sum(durations.get(spec.test_id, default) for spec in specs)
    floor = remaining / max(1, jobs * MIN_PIECES)
    target = max(floor, remaining / (2 * jobs))
    batches: list[list[str]] = []
    batch_costs: list[float] = []
    current: list[str] = []
    current_cost = 0.0
    for atom in _atoms(specs):
        cost = sum(durations.get(spec.test_id, default) for spec in atom)
        if current and current_cost + cost > target:
            batches.append(current)
            batch_costs.append(current_cost)
            remaining -= current_cost
            target = max(floor, remaining / (2 * jobs))
            current, current_cost = [], 0.0
        current.extend(spec.test_id for spec in atom)
        current_cost += cost
    if current:
        batches.append(current)
        batch_costs.append(current_cost)
    if not known:
        return batches
    order = sorted(range(len(batches)), key=lambda index: -batch_costs[index])  # stable
    return [batches[index] for index in order]


def _atoms(specs: Sequence[TestSpec]) -> Iterator[list[TestSpec]]:
    """What a batch boundary may not cut: a run of tests of a class with class fixtures."""
    run: list[TestSpec] = []
    fixtures: dict[type | None, bool] = {}
    for spec in specs:
        if run and spec.cls is not run[0].cls:
            yield run
            run = []
        has = fixtures.get(spec.cls)
        if has is None:
            has = fixtures[spec.cls] = has_class_fixtures(spec.cls)
        if has:
            run.append(spec)
        else:
            yield [spec]
    if run:
        yield run


def timeout_of(spec: TestSpec, default: float) -> float:
    """The ``timeout`` attribute a test runs under (method, class, module), or ``default``."""
    from . import _attributes

    try:
        if spec.case is not None:
            name = getattr(spec.case, "_testMethodName", "")
            return _attributes.timeout_for(spec.case, name, default)
        if spec.cls is not None:
            for owner in _attributes._class_owners(spec.cls, spec.method_name):
                value = getattr(owner, "timeout", None)
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    return _attributes.checked_timeout(value, spec.method_name, default)
    except Exception:  # a bad value is the test's error to report, not ours
        pass
    return default


def hang_limit(timeout: float) -> float:
    """How long one test may keep its worker busy before the parent kills the worker.

    Far past the timeout: each phase (setUp, the test, tearDown, a class
    fixture) has a timeout of its own, and the worker's own timeouts and
    watchdog end every test that can be ended.  This is for the rest: a test
    that swallows the watchdog's interrupt, or hangs in C holding the GIL.
    """
    return HANG_FACTOR * timeout + HANG_GRACE


def death_text(slot: int, pid: int, returncode: int | None, hung: float | None = None) -> str:
    """A dead worker's ERROR, in the shape of trial's tracebacks; ``hung``: its timeout."""
    if hung is not None:
        return ("Traceback (most recent call last):\nFailure: trialish.WorkerHungError: this "
                f"test hung: it kept its worker busy for more than {hang_limit(hung):g} seconds "
                f"(its timeout is {hung:g} seconds), so trialish killed the worker process "
                f"(worker {slot}, pid {pid})\n")
    if returncode is not None and returncode < 0:
        try:
            name = signal.Signals(-returncode).name
        except ValueError:
            name = "an unknown signal"
        how = f"killed by signal {-returncode} ({name})"
    else:
        how = f"it exited with code {returncode}"
    return ("Traceback (most recent call last):\nFailure: trialish.WorkerDiedError: the worker "
            f"process running this test died ({how}; worker {slot}, pid {pid})\n")
