"""Pure functions that put test specs in running order.

No I/O and no imports of test code: given specs and a choice, return a list.
"""

from __future__ import annotations

import random
from typing import Sequence

from ._discovery import TestSpec

ORDERS = {
    "alphabetical": "alphabetical order by full test id (the default)",
    "toptobottom": "modules as found, then classes and methods in the order they are defined",
}


def order_specs(specs: Sequence[TestSpec], order: str = "alphabetical", seed: int | None = None) -> list[TestSpec]:
    """Sort ``specs`` by ``order``; with a ``seed``, shuffle reproducibly instead."""
    if seed is not None:
        shuffled = sorted(specs, key=lambda spec: spec.test_id)
        random.Random(seed).shuffle(shuffled)
        return shuffled
    if order == "toptobottom":
        return sorted(specs, key=lambda spec: (spec.position, spec.test_id))
    return sorted(specs, key=lambda spec: spec.test_id)


def pick_seed() -> int:
    """A seed for ``-z 0``: any positive number the user can pass back in."""
    return random.SystemRandom().randrange(1, 2**31)
