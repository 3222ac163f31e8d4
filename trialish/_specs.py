"""``TestSpec``: one test to run, and where it sits in the source.

Kept apart from :mod:`_discovery` so that the loader (which finds tests) and
the spec (what the session needs to run one) can each stay small.

``position`` is only read by ``--order toptobottom``, yet working it out
(the class's place in its module, the method's first line, through any
decorators) was the largest per-test cost of discovery.  So a spec stores
only what must be recorded at discovery time -- the rank of the module in
the order modules were found -- and the per-class answers are cached once
per class (the loader asks for the class's rank while its module is surely
in ``sys.modules``); the per-method part is worked out the first time it is
asked.  The result is the same tuple as before; only when it is computed
changes.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

_LAST = 1 << 30  # for things whose place in the source cannot be found


class TestSpec:
    """One test to run, or one thing that failed to load (``load_error``).

    ``position`` is the key of ``--order toptobottom``: the rank of the
    module in the order modules were found, the rank of the class in its
    module, how deep in the class's MRO the method is defined (bases first,
    as they usually come first in the source), and the method's first line.

    ``case`` is an already-built test (from ``load_tests``, ``test_suite()``
    or ``__doctests__``): :meth:`make_case` hands it out instead of building
    one from ``cls`` and ``method_name``.

    Specs are treated as immutable once discovery is done; the class is a
    plain slotted one (not a frozen dataclass) because building thousands
    of them is on the start-up path.
    """

    __slots__ = ("test_id", "cls", "method_name", "load_error", "case", "rank", "_position")

    def __init__(
        self,
        test_id: str,
        cls: type | None = None,
        method_name: str = "",
        position: tuple[int, ...] | None = None,
        load_error: str | None = None,
        case: Any = None,
        rank: int = 0,
    ) -> None:
        self.test_id = test_id
        self.cls = cls
        self.method_name = method_name
        self.load_error = load_error
        self.case = case
        self.rank = rank
        self._position = position

    @property
    def position(self) -> tuple[int, ...]:
        if self._position is None:
            if self.cls is None:
                self._position = (self.rank, 0, 0, 0)
            else:
                depth, line = method_position(self.cls, self.method_name)
                self._position = (self.rank, class_rank(self.cls), depth, line)
        return self._position

    def make_case(self) -> Any:
        if self.case is not None:
            return self.case
        assert self.cls is not None
        return self.cls(self.method_name)

    def _key(self) -> tuple[Any, ...]:
        return (self.test_id, self.cls, self.method_name, self.position, self.load_error, self.case)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TestSpec):
            return NotImplemented
        return self._key() == other._key()

    def __hash__(self) -> int:
        return hash((self.test_id, self.cls, self.method_name, self.load_error))

    def __repr__(self) -> str:
        extra = f", load_error={self.load_error!r}" if self.load_error is not None else ""
        return f"TestSpec(test_id={self.test_id!r}, cls={self.cls!r}, method_name={self.method_name!r}{extra})"


# -- where things are written --------------------------------------------------

_CLASS_RANKS: dict[type, int] = {}
_MRO_DEPTHS: dict[type, dict[str, int]] = {}


def class_rank(cls: type) -> int:
    """Where ``cls`` is defined in its module: the order of the module's names.

    A module's namespace keeps the order in which names were bound, which is
    the order the classes are written in, without reading the source.
    Cached per class: every test of a class asks the same question.
    """
    rank = _CLASS_RANKS.get(cls)
    if rank is None:
        module = sys.modules.get(cls.__module__)
        top = cls.__qualname__.split(".")[0]
        rank = _LAST
        if module is not None:
            for index, name in enumerate(vars(module)):
                if name == top:
                    rank = index
                    break
        _CLASS_RANKS[cls] = rank
    return rank


def _depths(cls: type) -> dict[str, int]:
    """For every attribute of ``cls``: how deep (from the bases) it is defined."""
    depths = _MRO_DEPTHS.get(cls)
    if depths is None:
        depths = {}
        for index, klass in enumerate(reversed(cls.__mro__)):
            for name in vars(klass):
                depths.setdefault(name, index)
        _MRO_DEPTHS[cls] = depths
    return depths


def method_position(cls: type, method_name: str) -> tuple[int, int]:
    """(how deep the defining class is, counted from the bases; first line)."""
    depth = _depths(cls).get(method_name, _LAST)
    function = getattr(cls, method_name, None)
    function = getattr(function, "__func__", function)
    try:
        function = inspect.unwrap(function)  # a decorated test: where it is written
    except ValueError:
        pass
    code = getattr(function, "__code__", None)
    return depth, code.co_firstlineno if code is not None else _LAST
