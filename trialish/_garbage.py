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


def older_collections() -> int:
    """A mark that changes whenever the collector looks at generation 1 or 2.

    ``gc.get_count()[2]`` counts the generation-1 collections since the last
    full one: any collection of generation 1 raises it, a full one resets it
    to 0.  So while it keeps its value (and is not 0, see below), every
    object made since was still in the young generations.  (A ``gc.callbacks``
    hook counted the same, but cost a Python call with a fresh dict twice
    per collection, more than the young collection itself.)
    """
    return gc.get_count()[2]


def collect_test_garbage(collections_at_start: int) -> None:
    """Free what the finished test left in reference cycles, now.

    A Deferred that failed and was never handled logs its error when it is
    freed; freed by some later collection, that error would land on a later
    test.  The procedure has ended, so the test case is no longer ours to
    keep.  Everything the test made is still in the young generations unless
    the collector examined generation 1 (which promotes survivors) while it
    ran: then, and only then, a full collection is needed; otherwise a cheap
    young one finds all of it.  A mark of 0 at the start is ambiguous (a
    full collection during the test would leave it 0 too), so it counts as
    changed; after a full collection, a young one (over empty generations,
    nearly free) makes the next test's mark 1.
    """
    if collections_at_start and gc.get_count()[2] == collections_at_start:
        gc.collect(1)
    else:
        gc.collect()
        gc.collect(1)
