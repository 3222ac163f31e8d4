"""Pure functions that choose which tests run: ``-k``, ``--shard``, ``--lf``, ``--ff``.

No I/O: each takes specs (and, for ``--lf``/``--ff``, the ids that failed
last time, read by :mod:`_state`) and returns a new list, so every rule can
be unit-tested without running anything.  They are applied in this order:
``-k`` (what the user asked for), ``--shard`` (this machine's share of
that), the test order, then ``--lf``/``--ff`` (which only narrow or reorder
within the share, so every CI machine's ``--lf`` stays inside its shard).

A spec that failed to load (``load_error``) is never dropped by ``-k``: the
module that could not be imported might hold the tests the pattern names,
and hiding the import error would turn "broken" into "no tests found".
"""

from __future__ import annotations

import zlib
from fnmatch import fnmatchcase
from typing import AbstractSet, Mapping, Sequence

from ._specs import TestSpec

_GLOB_CHARACTERS = frozenset("*?[")


def id_matches(test_id: str, pattern: str) -> bool:
    """Whether ``-k PATTERN`` selects ``test_id``.

    A pattern without glob characters is a substring; one with ``*``, ``?``
    or ``[`` is an fnmatch glob that may match anywhere in the id (as the
    substring would), so ``-k 'test_a*b'`` needs no leading ``*``.  Both are
    case-sensitive, like the ids themselves.
    """
    if _GLOB_CHARACTERS.isdisjoint(pattern):
        return pattern in test_id
    return fnmatchcase(test_id, f"*{pattern}*")


def by_keywords(specs: Sequence[TestSpec], patterns: Sequence[str]) -> list[TestSpec]:
    """The specs that any of ``patterns`` matches (``-k`` is repeatable: "or")."""
    if not patterns:
        return list(specs)
    return [spec for spec in specs
            if spec.load_error is not None or any(id_matches(spec.test_id, p) for p in patterns)]


def group_key(test_id: str) -> str:
    """What a test shares fixtures with: its class (its id without the method)."""
    return test_id.rsplit(".", 1)[0]


def shard(specs: Sequence[TestSpec], index: int, count: int,
          durations: Mapping[str, float] | None = None) -> list[TestSpec]:
    """``--shard INDEX/COUNT``: this machine's share; the COUNT shares partition ``specs``.

    The CI machines share no state, so the split may only use what every one
    of them computes alike: the test ids, and ``durations`` read from one
    results file they all have (``--shard-durations``, see _plan) -- never
    each machine's own ``.trialish/``, which differs between shards and would
    make them overlap or miss tests.  Whole
    classes go to one shard (a class's ``setUpClass`` runs once in all),
    heaviest class first onto the lightest shard so far (the greedy
    longest-processing-time rule).  A class weighs its tests' recorded
    seconds (a test without a record: the mean of those recorded), or its
    number of tests when nothing is recorded.  Ties are broken by a stable
    hash of the class name (not Python's ``hash``, which is salted per
    process), then the name.  Adding a test may move other classes between
    shards; that is fine, as every machine still sees the same list.
    ``index`` is 1-based, as on the command line.
    """
    if not 1 <= index <= count:
        raise ValueError(f"shard {index}/{count}: need 1 <= K <= N")
    durations = durations or {}
    known = [durations[spec.test_id] for spec in specs if spec.test_id in durations]
    default = sum(known) / len(known) if known else 1.0
    groups: dict[str, float] = {}
    for spec in specs:
        key = group_key(spec.test_id)
        groups[key] = groups.get(key, 0.0) + durations.get(spec.test_id, default)
    loads = [0.0] * count
    mine: set[str] = set()
    ordered = sorted(groups.items(),
                     key=lambda item: (-item[1], zlib.crc32(item[0].encode()), item[0]))
    for key, weight in ordered:
        target = min(range(count), key=lambda number: (loads[number], number))
        loads[target] += weight
        if target == index - 1:
            mine.add(key)
    return [spec for spec in specs if group_key(spec.test_id) in mine]


def last_failed(specs: Sequence[TestSpec], failed: AbstractSet[str]) -> tuple[list[TestSpec], str]:
    """``--lf``: only the specs that failed last time -- or all, saying why."""
    chosen = [spec for spec in specs if spec.test_id in failed]
    if not failed:
        return list(specs), "--lf: no failed tests recorded in .trialish/, running all tests"
    if not chosen:
        return list(specs), ("--lf: none of the tests that failed last time is among "
                             "these tests, running all of them")
    others = len(specs) - len(chosen)
    return chosen, (f"--lf: running the {_tests(len(chosen))} that failed last time "
                    f"({others} deselected)")


def failed_first(specs: Sequence[TestSpec], failed: AbstractSet[str]) -> tuple[list[TestSpec], str]:
    """``--ff``: the specs that failed last time first, then the rest, each in order."""
    first = [spec for spec in specs if spec.test_id in failed]
    if not first:
        what = "no failed tests recorded in .trialish/" if not failed else \
            "none of the tests that failed last time is among these tests"
        return list(specs), f"--ff: {what}, running all tests in the usual order"
    rest = [spec for spec in specs if spec.test_id not in failed]
    return first + rest, f"--ff: running the {_tests(len(first))} that failed last time first"


def _tests(number: int) -> str:
    return f"{number} test{'' if number == 1 else 's'}"
