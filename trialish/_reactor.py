"""The reactors ``--reactor`` can choose, and whether each can be used here.

Imports nothing heavy: ``_config`` reads the names to validate the option,
and ``--help-reactors`` lists them, without loading Twisted's reactor.  The
code that installs the chosen reactor and turns its loop is :mod:`_host`.
"""

from __future__ import annotations

import importlib

# name -> (module providing install(), description)
REACTORS: dict[str, tuple[str, str]] = {
    "default": ("twisted.internet.default", "A reasonable default: epoll, poll or select"),
    "select": ("twisted.internet.selectreactor", "select(2) based reactor"),
    "poll": ("twisted.internet.pollreactor", "poll(2) based reactor"),
    "epoll": ("twisted.internet.epollreactor", "epoll(4) based reactor"),
    "kqueue": ("twisted.internet.kqreactor", "kqueue(2) based reactor"),
    "asyncio": ("twisted.internet.asyncioreactor", "asyncio based reactor"),
    "uvloop": ("uvloop", "asyncio based reactor on uvloop's event loop"),
}


class ReactorChoiceError(Exception):
    """The requested reactor cannot be used here."""


def unavailable_reason(name: str) -> str | None:
    """Why reactor ``name`` cannot be installed here, or None if it can."""
    if name not in REACTORS:
        return f"unknown reactor {name!r}"
    if name == "default":
        return None
    module_name, _ = REACTORS[name]
    try:
        importlib.import_module(module_name)
    except Exception as exc:
        if name == "uvloop":
            return "uvloop is not installed (pip install uvloop)"
        return f"{type(exc).__name__}: {exc}"
    return None
