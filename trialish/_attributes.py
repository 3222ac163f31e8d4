"""Where a test's ``skip``, ``todo``, ``timeout`` and ``suppress`` come from.

trial documents that these attributes are looked up on the method, the class
(and its bases), the module and then its packages; trial itself stops at the
module.  We walk the whole chain, nearest first.
"""

from __future__ import annotations

import sys
from types import BuiltinFunctionType, FunctionType, MethodType, ModuleType
from typing import Any, Iterator, NamedTuple

_MISSING = object()
# Values that are objects a module merely imported, never a setting.
_NOT_SETTINGS = (ModuleType, type, FunctionType, BuiltinFunctionType, MethodType)


def _owners(case: Any, method_name: str) -> Iterator[Any]:
    """Yield the objects to search, nearest first: method, class, modules."""
    return _class_owners(type(case), method_name)


def _class_owners(cls: type, method_name: str) -> Iterator[Any]:
    method = getattr(cls, method_name, None) if method_name else None
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


class TestSettings(NamedTuple):
    """Everything the engine asks about one (class, method) before running it."""

    skip: Any  # a reason, or None
    todo: Any
    suppress: Any
    timeout: Any  # the raw attribute value; checked by :func:`checked_timeout`
    expects_failure: bool
    plain_stdlib: bool  # neither trialish's nor trial's: runs through its own run()
    waits: bool  # phases may hand back Deferreds and coroutines
    trial: bool  # a twisted.trial TestCase (see _trial_bridge)


_NAMES = ("skip", "todo", "suppress", "timeout")
_CLASS_CACHE: dict[type, tuple[dict[str, Any], bool, bool, bool]] = {}


def _class_defaults(cls: type, case: Any) -> tuple[dict[str, Any], bool, bool, bool]:
    """What the class, its modules and packages say; once per class per run.

    Every test of a class asks the same questions of the same objects; with
    thousands of tests those lookups were the largest per-test cost.  They
    are read when the class's first test runs, so a module attribute set by
    an earlier test still counts, as in trial.
    """
    found = _CLASS_CACHE.get(cls)
    if found is None:
        from ._testcase import is_plain_stdlib, is_trial_case, waits_for_results

        values: dict[str, Any] = {}
        owners = list(_owners(case, ""))  # no method: the class, then modules
        for name in _NAMES:
            for owner in owners:
                value = getattr(owner, name, _MISSING)
                if value is not _MISSING and not isinstance(value, _NOT_SETTINGS):
                    values[name] = value
                    break
        if "skip" not in values and getattr(cls, "__unittest_skip__", False):
            values["skip"] = str(getattr(cls, "__unittest_skip_why__", ""))
        found = (values, is_plain_stdlib(case), waits_for_results(case), is_trial_case(case))
        _CLASS_CACHE[cls] = found
    return found


_PLAIN_METHOD_SETTINGS: dict[type, TestSettings] = {}


def settings_for(case: Any, method_name: str) -> TestSettings:
    """The test's settings: the method's own, else its class's (cached)."""
    cls = type(case)
    method = getattr(cls, method_name, None)
    function = getattr(method, "__func__", method)
    own = getattr(function, "__dict__", None)
    if not own:
        # Most test methods carry no attributes of their own: then the
        # answer is the class's, the same for each of its tests.
        found = _PLAIN_METHOD_SETTINGS.get(cls)
        if found is None:
            found = _PLAIN_METHOD_SETTINGS[cls] = _settings(cls, case, {})
        return found
    return _settings(cls, case, own)


def _settings(cls: type, case: Any, own: dict[str, Any]) -> TestSettings:
    class_values, plain_stdlib, waits, trial = _class_defaults(cls, case)
    values = {}
    for name in _NAMES:
        value = own.get(name, _MISSING)
        if value is _MISSING or isinstance(value, _NOT_SETTINGS):
            value = class_values.get(name)
        values[name] = value
    skip = values["skip"]
    if own.get("__unittest_skip__", False) and "skip" not in own:
        skip = str(own.get("__unittest_skip_why__", ""))
    return TestSettings(
        skip=skip,
        todo=values["todo"],
        suppress=values["suppress"] or (),
        timeout=values["timeout"],
        expects_failure=bool(
            own.get("__unittest_expecting_failure__", False)
            or getattr(cls, "__unittest_expecting_failure__", False)
        ),
        plain_stdlib=plain_stdlib,
        waits=waits,
        trial=trial,
    )


class TimeoutValueError(ValueError):
    """A ``timeout`` attribute that is not a number of seconds >= 0."""


TimeoutValueError.__module__ = "trialish"  # shown in reports as trialish.TimeoutValueError


def timeout_for(case: Any, method_name: str, default: float) -> float:
    return checked_timeout(lookup(case, method_name, "timeout", None), method_name, default)


def checked_timeout(value: Any, method_name: str, default: float) -> float:
    """The ``timeout`` attribute's value as seconds, or a clear error."""
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
