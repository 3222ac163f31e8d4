"""The only module that installs the reactor and runs its loop.

The reactor is started at most once per run, and only when a test actually
waits for something: a run of synchronous tests never imports it.  The
session asks :meth:`ReactorHost.run_until_done` to start the loop with a
first step; the loop stops when the session calls :meth:`stop`.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any, Callable

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
    if name in ("default",):
        return None
    module_name, _ = REACTORS[name]
    try:
        importlib.import_module(module_name)
    except Exception as exc:
        if name == "uvloop":
            return "uvloop is not installed (pip install uvloop)"
        return f"{type(exc).__name__}: {exc}"
    return None


def available() -> list[str]:
    return [name for name in REACTORS if unavailable_reason(name) is None]


class ReactorHost:
    """Installs the chosen reactor, and owns its run loop for the session."""

    def __init__(self, name: str = "default", restartable: bool = False) -> None:
        self.name = name
        # -u/--until-failure runs one session per pass; a *stopped* reactor
        # can never run again (ReactorNotRestartable), so between passes the
        # loop is crashed instead (no shutdown triggers run), and
        # :func:`shut_down_restartable` stops it for real after the last.
        self.restartable = restartable
        self.running = False
        self.stopped = False
        self._on_start: list[Callable[[], None]] = []

    def install(self) -> None:
        """Install the chosen reactor now, before test code can import one.

        The default reactor installs itself on first import, so it costs
        nothing until a test needs it.
        """
        if self.name == "default" or "twisted.internet.reactor" in sys.modules:
            return
        module_name, _ = REACTORS[self.name]
        try:
            if self.name == "uvloop":
                import uvloop
                from twisted.internet import asyncioreactor

                asyncioreactor.install(eventloop=uvloop.new_event_loop())
            else:
                importlib.import_module(module_name).install()
        except Exception as exc:
            raise ReactorChoiceError(f"cannot install the {self.name} reactor: {exc}") from exc

    @property
    def reactor(self) -> Any:
        from twisted.internet import reactor

        return reactor

    def call_later(self, seconds: float, function: Callable[..., Any], *args: Any) -> Any:
        call = self.reactor.callLater(seconds, function, *args)
        call.trialish_own = True  # a timeout timer, not the test's: never report it
        return call

    def turn(self) -> Any:
        """A Deferred fired by the reactor on its next iteration."""
        from twisted.internet.defer import Deferred

        deferred: Deferred = Deferred()
        self.reactor.callLater(0, deferred.callback, None)
        return deferred

    def when_running(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` each time the loop starts (e.g. to set signals)."""
        self._on_start.append(callback)

    def run_until_done(self, first_step: Callable[[], None]) -> None:
        """Run the reactor, calling ``first_step`` once it runs, until stop()."""
        reactor = self.reactor
        if self.stopped:
            raise RuntimeError("the reactor was already stopped in this run")

        def started() -> None:
            self.running = True
            for callback in self._on_start:
                callback()
            first_step()

        reactor.callWhenRunning(started)
        if self.restartable:
            _crashed_only[0] = True
        reactor.run()
        self.running = False
        self.stopped = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            if self.restartable:
                self.reactor.crash()
            else:
                self.reactor.stop()


_crashed_only = [False]  # a restartable host ran the loop and only crashed it


def shut_down_restartable(name: str) -> None:
    """Stop, for real, a reactor that restartable hosts only crashed.

    Runs the loop one last time so that thread pools and other shutdown
    triggers end as they do after a single run.
    """
    if not _crashed_only[0]:
        return
    _crashed_only[0] = False
    host = ReactorHost(name)
    host.run_until_done(host.stop)
