"""The only module that installs the reactor and runs its loop.

The reactor is started at most once per run, and only when a test actually
waits for something: a run of synchronous tests never imports it.  The
session asks :meth:`ReactorHost.run_until_done` to start the loop with a
first step; the loop stops when the session calls :meth:`stop`.
"""

from __future__ import annotations

import functools
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


class ReactorMisuseError(Exception):
    """A test called ``reactor.run()``, ``stop()``, ``crash()`` or ``iterate()``."""


ReactorMisuseError.__module__ = "trialish"


class WrongReactorError(Exception):
    """Test code tried to install a reactor: only ``--reactor`` chooses it."""


WrongReactorError.__module__ = "trialish"

# Why a test must not call each guarded method, said in the error itself.
_MISUSE = {
    "run": "the reactor is started by trialish, once for the whole run; to wait for "
           "something, return a Deferred (or use async def) and the test waits for it",
    "stop": "the reactor serves every test of the run, and the tests after this one "
            "need it; to end a test that waits, fire the Deferred it returned",
    "crash": "the reactor serves every test of the run, and the tests after this one "
             "need it; to end a test that waits, fire the Deferred it returned",
    "iterate": "it re-enters the reactor's loop, which trialish is already turning, or "
               "turns it outside the run; to let the reactor turn, return a Deferred, "
               "e.g. task.deferLater(reactor, 0, ...)",
}
_GUARDED = tuple(_MISUSE)


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
        nothing until a test needs it.  From here on, test code that installs
        a reactor itself gets :class:`WrongReactorError` (see
        :func:`_refuse_other_installs`), and the installed reactor's
        ``run``/``stop``/``crash``/``iterate`` are guarded (:func:`guard`).
        """
        try:
            self._install_chosen()
        finally:
            _refuse_other_installs(self.name)
        installed = sys.modules.get("twisted.internet.reactor")
        if installed is not None:
            guard(installed)

    def _install_chosen(self) -> None:
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
        guard(reactor)
        try:
            _unguarded(reactor, "run")()
        finally:
            _host_stopping[0] = False
        self.running = False
        self.stopped = True

    def stop(self) -> None:
        if self.running:
            self.running = False
            _host_stopping[0] = True  # until run() returns (see run_until_done)
            _unguarded(self.reactor, "crash" if self.restartable else "stop")()


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


# -- guarding the reactor against tests -------------------------------------------

# Called with the misuse error while a test waits on a Deferred; returns True
# if it ended that wait with the error (see Engine), so nothing need raise.
_misuse_handler: list[Callable[[BaseException], bool]] = []


def on_misuse(handler: Callable[[BaseException], bool] | None) -> None:
    """Set (or with None, clear) who hears of a misuse while a test waits."""
    _misuse_handler[:] = [] if handler is None else [handler]


def _caller() -> str:
    """Where the guarded method was called: the test's line, or the reactor's loop."""
    import os

    here = os.path.dirname(os.path.abspath(__file__)) + os.sep
    frameworks = (os.sep + "twisted" + os.sep, os.sep + "asyncio" + os.sep)
    frame = sys._getframe(2)
    in_framework = False
    while frame is not None:
        filename = frame.f_code.co_filename
        if filename.startswith(here):
            if in_framework:
                break  # back in trialish's run loop: no test frame called it
        elif any(part in filename for part in frameworks):
            in_framework = True
        else:
            return f"called at {filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "called by the reactor: a delayed call or a Deferred's callback"


# True while trialish itself stops the reactor: a shutdown trigger bound to
# the guarded ``crash`` (when the reactor was re-initialised after guarding,
# as a forked -j worker does) must then do the real thing.
_host_stopping = [False]


def _guarded_method(name: str, reactor: Any) -> Callable[..., Any]:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        if _host_stopping[0]:
            return _unguarded(reactor, name)(*args, **kwargs)
        error = ReactorMisuseError(
            f"a test must not call reactor.{name}() ({_caller()}): {_MISUSE[name]}")
        # From a reactor callback while the test waits, raising would only
        # be logged and the test would wait until its timeout: end the wait.
        if _misuse_handler and _misuse_handler[0](error):
            return None
        raise error

    refuse.__name__ = name
    refuse.trialish_guard = True  # type: ignore[attr-defined]
    return refuse


def guard(reactor: Any) -> None:
    """Make the reactor's loop controls raise :class:`ReactorMisuseError` for tests.

    They are shadowed on the instance only; trialish itself (and Twisted's
    own shutdown triggers, bound when the reactor was made) call the class's
    methods through :func:`_unguarded`.
    """
    if getattr(reactor, "_trialish_guarded", False):
        return
    for name in _GUARDED:
        if hasattr(type(reactor), name):
            setattr(reactor, name, _guarded_method(name, reactor))
    reactor._trialish_guarded = True


def _unguarded(reactor: Any, name: str) -> Callable[..., Any]:
    return getattr(type(reactor), name).__get__(reactor)


def _reactor_name_of(reactor: Any) -> str | None:
    """The --reactor NAME that installs ``reactor``'s class, if any."""
    module = type(reactor).__module__
    loop = getattr(reactor, "_asyncioEventloop", None)
    if module == "twisted.internet.asyncioreactor" and type(loop).__module__.startswith("uvloop"):
        return "uvloop"
    for name, (module_name, _) in REACTORS.items():
        if name not in ("default", "uvloop") and module_name == module:
            return name
    return None


def _default_reactor_module() -> str:
    from twisted.internet import default

    return getattr(default.install, "__module__", "")


def _refuse_other_installs(chosen: str) -> None:
    """Wrap ``twisted.internet.main.installReactor`` (once) so that test code cannot.

    trial installs the reactor before importing tests, so a test module's
    ``asyncioreactor.install()`` fails there with a bare "reactor already
    installed".  Here the default reactor is installed lazily, so without
    this such a module would silently replace the reactor the user chose.
    Every reactor module looks ``installReactor`` up when its ``install()``
    runs, so wrapping the module attribute is enough.
    """
    from twisted.internet import main

    original = main.installReactor
    if getattr(original, "trialish_wrapped", False):
        original.trialish_chosen[0] = chosen  # type: ignore[attr-defined]
        return
    chosen_box = [chosen]
    ever_installed = [False]

    @functools.wraps(original)  # same name and qualname: reprs of it (LoopingCall's) stay Twisted's
    def installReactor(reactor: Any) -> None:
        name = chosen_box[0]
        installed = sys.modules.get("twisted.internet.reactor")
        if installed is None and ever_installed[0]:
            # The run's reactor exists but a test took it out of sys.modules
            # for a moment (Twisted's own NoReactor() helper) to install a
            # fake one: that is the test's business, and the fake's run() is
            # the test's to call, so it is neither refused nor guarded.
            original(reactor)
            return
        if installed is not None or (
                name == "default" and type(reactor).__module__ != _default_reactor_module()):
            mine = _reactor_name_of(reactor)
            current = type(installed).__name__ if installed is not None else "the default reactor"
            if installed is not None and type(installed) is type(reactor):
                advice = "it is already installed: remove the install() call"
            elif mine:
                advice = f"run with --reactor {mine} instead of installing it in a test module"
            else:
                advice = "choose the reactor with --reactor instead of installing it in a test module"
            raise WrongReactorError(
                f"test code tried to install {type(reactor).__name__}, but the reactor is chosen "
                f"with --reactor (this run: --reactor {name}, {current}): {advice}")
        original(reactor)
        ever_installed[0] = True
        guard(reactor)

    installReactor.trialish_wrapped = True  # type: ignore[attr-defined]
    installReactor.trialish_chosen = chosen_box  # type: ignore[attr-defined]
    main.installReactor = installReactor  # type: ignore[assignment]
