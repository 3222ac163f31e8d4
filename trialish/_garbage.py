"""Free what a finished test left in reference cycles, before the next test starts.

A Deferred that failed and was never handled logs its error when it is
freed.  Freed by some later, automatic collection, that error would be
blamed on whichever test was running then (trial's long-standing bug,
twisted/twisted#5792).  Collecting right after each test pins it on the
test that made it; counting the collector's older-generation runs keeps
that collection cheap.
"""

from __future__ import annotations

import gc
from typing import Any


_older_collection_count = [0]


def _count_older_collections(phase: str, info: dict[str, Any]) -> None:
    if phase == "start" and info["generation"] >= 1:
        _older_collection_count[0] += 1


gc.callbacks.append(_count_older_collections)  # cheaper than gc.get_stats() per test


def older_collections() -> int:
    """How many times the garbage collector has looked at generations 1 and 2."""
    return _older_collection_count[0]


def collect_test_garbage(collections_at_start: int) -> None:
    """Free what the finished test left in reference cycles, now.

    A Deferred that failed and was never handled logs its error when it is
    freed; freed by some later collection, that error would land on a later
    test.  The procedure has ended, so the test case is no longer ours to
    keep.  Everything the test made is still in the young generations unless
    the collector examined generation 1 (which promotes survivors) while it
    ran: then, and only then, a full collection is needed; otherwise a cheap
    young one finds all of it.
    """
    if older_collections() == collections_at_start:
        gc.collect(1)
    else:
        gc.collect()
