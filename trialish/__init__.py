"""trialish: a Deferred-aware test runner in the style of Twisted's trial.

Public names are loaded on first use so that ``trialish --version`` and
``--help`` stay fast (importing them pulls in Twisted's Deferred).
"""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"

__all__ = [
    "TestCase",
    "SynchronousTestCase",
    "SkipTest",
    "FailTest",
    "Todo",
    "makeTodo",
    "DirtyReactorAggregateError",
    "DirtyReactorWarning",
    "AsyncioNeededError",
    "BlockedTestError",
    "GeneratorPhaseError",
    "ReactorMisuseError",
    "ReactorNotRunningError",
    "ReactorStoppedError",
    "ReportedError",
    "SynchronousResultError",
    "TimeoutValueError",
    "WrongReactorError",
    "__version__",
]

_LAZY = {
    "TestCase": "._testcase",
    "SynchronousTestCase": "._testcase",
    "SkipTest": "._testcase",
    "FailTest": "._assertions",
    "Todo": "._outcome",
    "makeTodo": "._outcome",
    "DirtyReactorAggregateError": "._janitor",
    # Every error or warning a report can name as trialish.X is importable as such.
    "DirtyReactorWarning": "._janitor",
    "AsyncioNeededError": "._coroutines",
    "BlockedTestError": "._watchdog",
    "GeneratorPhaseError": "._phases",
    "ReactorMisuseError": "._host",
    "ReactorNotRunningError": "._host",
    "ReactorStoppedError": "._host",
    "ReportedError": "._foreign",
    "SynchronousResultError": "._phases",
    "TimeoutValueError": "._attributes",
    "WrongReactorError": "._host",
}


def __getattr__(name: str) -> Any:
    module_name = _LAZY.get(name)
    if module_name is None:
        raise AttributeError(f"module 'trialish' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module_name, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
