"""Remember where each delayed call, port and connection was made.

trial can only say where a leftover ``DelayedCall`` came from if the user
sets ``DelayedCall.debug = True`` (which formats a whole stack per call),
and never for ports or connections.  Here the reactor's ``callLater``,
``listen*`` and ``connect*`` methods are wrapped, once, to note the first
frame outside Twisted's and trialish's own code: one frame walk per call,
and the janitor can say "scheduled at test_x.py:12".
"""

from __future__ import annotations

import os
import sys
from typing import Any, Callable

_ATTRIBUTE = "_trialish_site"
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
_TWISTED_INTERNET = os.sep + os.path.join("twisted", "internet") + os.sep
_ASYNCIO = os.sep + "asyncio" + os.sep
_WRAPPED = ("callLater", "listenTCP", "listenUDP", "listenUNIX", "listenSSL",
            "connectTCP", "connectUNIX", "connectSSL")
_MAX_DEPTH = 30


def _caller_site() -> str | None:
    """The first frame outside Twisted's reactor code and asyncio: the maker.

    If that frame is trialish's own, the call is trialish's (a timeout
    timer, a reactor turn, the Task driving a test's coroutine): such things
    are never reported as leftovers, and above trialish's frames there is
    only the reactor's loop and the command line, so there is no site worth
    a walk up the whole stack -- which, for every timeout timer, had cost
    more than the rest of a waiting test.
    """
    frame = sys._getframe(2)
    depth = 0
    while frame is not None and depth < _MAX_DEPTH:
        filename = frame.f_code.co_filename
        if filename.startswith(_PACKAGE_DIR):
            return None
        if not (_TWISTED_INTERNET in filename or _ASYNCIO in filename):
            return f"{filename}:{frame.f_lineno}"
        frame, depth = frame.f_back, depth + 1
    return None


def _recording(method: Callable[..., Any]) -> Callable[..., Any]:
    def record(*args: Any, **kwargs: Any) -> Any:
        made = method(*args, **kwargs)
        try:
            setattr(made, _ATTRIBUTE, _caller_site())
        except (AttributeError, TypeError):  # an object that takes no attributes
            pass
        return made

    record.__wrapped__ = method  # type: ignore[attr-defined]
    record.__name__ = getattr(method, "__name__", "record")
    return record


def watch(reactor: Any) -> None:
    """Wrap the reactor's factories of leftovers (idempotent)."""
    if getattr(reactor, "_trialish_sites_watched", False):
        return
    for name in _WRAPPED:
        method = getattr(reactor, name, None)
        if method is not None:
            setattr(reactor, name, _recording(method))
    loop = getattr(reactor, "_asyncioEventloop", None)
    if loop is not None and loop.get_task_factory() is None:
        loop.set_task_factory(_recording_task_factory)
    reactor._trialish_sites_watched = True


def _recording_task_factory(loop: Any, coro: Any, **kwargs: Any) -> Any:
    import asyncio

    task = asyncio.Task(coro, loop=loop, **kwargs)
    setattr(task, _ATTRIBUTE, _caller_site())
    return task


def site_of(thing: Any) -> str | None:
    """Where ``thing`` (a call, port, connector or connection) was made, if known."""
    site = getattr(thing, _ATTRIBUTE, None)
    if site is not None:
        return site
    for owner in ("connector", "server"):  # a client connection; an accepted one
        related = getattr(thing, owner, None)
        if related is not None and related is not thing:
            site = getattr(related, _ATTRIBUTE, None)
            if site is not None:
                return site
    return None


def described(thing: Any, text: str, verb: str) -> str:
    """``text``, followed by where ``thing`` was made when we know."""
    site = site_of(thing)
    return f"{text} ({verb} at {site})" if site else text


class _WatchOnImport:
    """A meta-path finder that wraps the reactor as soon as it is first imported.

    The default reactor installs itself when some test first imports
    ``twisted.internet.reactor``, often in the middle of a test; waiting
    for the next test to notice would lose the sites of that test's calls.
    """

    def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
        if name != "twisted.internet.reactor":
            return None
        import importlib.machinery

        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        load = spec.loader.exec_module

        def exec_module(module: Any) -> None:
            load(module)
            installed = sys.modules.get(name)  # the reactor replaced the module
            if installed is not None and installed is not module:
                watch(installed)

        spec.loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def watch_when_imported() -> None:
    """Wrap the reactor now if it exists, else the moment it is imported."""
    reactor = sys.modules.get("twisted.internet.reactor")
    if reactor is not None:
        watch(reactor)
    elif not any(isinstance(finder, _WatchOnImport) for finder in sys.meta_path):
        sys.meta_path.insert(0, _WatchOnImport())
