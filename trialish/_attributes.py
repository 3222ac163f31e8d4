"""Where a test's ``skip``, ``todo``, ``timeout`` and ``suppress`` come from.

trial documents that these attributes are looked up on the method, the class
(and its bases), the module and then its packages; trial itself stops at the
module.  We walk the whole chain, nearest first.
"""

from __future__ import annotations

import sys
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType
from typing import Any, Iterator

_MISSING = object()
# Values that are objects a module merely imported, never a setting.
_NOT_SETTINGS = (ModuleType, type, FunctionType, BuiltinFunctionType, MethodType)


def _owners(case: Any, method_name: str) -> Iterator[Any]:
    """Yield the objects to search, nearest first: method, class, modules."""
    cls = type(case)
    method = getattr(cls, method_name, None)
    if method is not None:
        yield getattr(method, "__func__", method)
    yield cls  # getattr on a class already walks its MRO
    module_name = getattr(cls, "__module__", None) or ""
    parts = module_name.split(".")
    while parts:
        module = sys.modules.get(".".join(parts))
        if isinstance(module, ModuleType):
            yield module
        parts.pop()


def lookup(case: Any, method_name: str, attribute: str, default: Any = None) -> Any:
    """Return the nearest definition of ``attribute`` for this test."""
    for owner in _owners(case, method_name):
        value = getattr(owner, attribute, _MISSING)
        if value is _MISSING or isinstance(value, _NOT_SETTINGS):
            continue  # e.g. ``from unittest import skip`` is not a skip reason
        return value
    return default


def stdlib_skip_reason(case: Any, method_name: str) -> str | None:
    """The reason given by ``@unittest.skip``-style decorators, if any."""
    cls = type(case)
    method = getattr(cls, method_name, None)
    for owner in (method, cls):
        if owner is not None and getattr(owner, "__unittest_skip__", False):
            return str(getattr(owner, "__unittest_skip_why__", ""))
    return None


def expects_failure(case: Any, method_name: str) -> bool:
    """Whether ``@unittest.expectedFailure`` marks this test (or its class)."""
    method = getattr(type(case), method_name, None)
    return bool(
        getattr(method, "__unittest_expecting_failure__", False)
        or getattr(case, "__unittest_expecting_failure__", False)
    )


class TimeoutValueError(ValueError):
    """A ``timeout`` attribute that is not a number of seconds >= 0."""


TimeoutValueError.__module__ = "trialish"  # shown in reports as trialish.TimeoutValueError


def timeout_for(case: Any, method_name: str, default: float) -> float:
    value = lookup(case, method_name, "timeout", None)
    if value is None:
        return default
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise TimeoutValueError(
            f"{method_name}: its timeout attribute must be a number of seconds, "
            f"got {value!r}"
        ) from None
    if seconds < 0 or seconds != seconds:
        raise TimeoutValueError(
            f"{method_name}: its timeout attribute must be a number of seconds "
            f">= 0, got {value!r}"
        )
    return seconds
