"""Pure functions that put test specs in running order.

No I/O and no imports of test code: given specs and a choice, return a new
list, so the order can be tested without running anything.  Every order ends
in a tie-break on the test id, so the result never depends on the order in
which the specs were found (a set, a dict, a file system listing).
"""

from __future__ import annotations

from typing import Sequence

from ._discovery import TestSpec

ORDERS = {
    "alphabetical": "alphabetical order by full test id (the default)",
    "toptobottom": "modules as found, then classes and methods in the order they are defined",
}


def order_specs(specs: Sequence[TestSpec], order: str = "alphabetical", seed: int | None = None) -> list[TestSpec]:
    """Sort ``specs`` by ``order``; with a ``seed``, shuffle reproducibly instead.

    The shuffle starts from the alphabetical order, so the same seed gives
    the same order however the tests were found.
    """
    if order not in ORDERS:
        raise ValueError(f"unknown test order {order!r}; choose from {', '.join(ORDERS)}")
    if seed is not None:
        shuffled = sorted(specs, key=lambda spec: spec.test_id)
        import random  # only when shuffling: start-up is benchmarked

        random.Random(seed).shuffle(shuffled)
        return shuffled
    if order == "toptobottom":
        return sorted(specs, key=lambda spec: (spec.position, spec.test_id))
    return sorted(specs, key=lambda spec: spec.test_id)


def pick_seed() -> int:
    """A seed for ``-z 0``: any positive number the user can pass back in.

    Zero is excluded because ``-z 0`` means "pick one for me".
    """
    import random

    return random.SystemRandom().randrange(1, 2**31)
