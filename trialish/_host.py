"""The only code that installs the reactor, turns its loop, and guards it from tests.

The reactor model is trial's: every test starts *outside* the reactor's
loop (``reactor.running`` is False in its setUp), the loop turns only while
something waits for a Deferred that has not fired (:meth:`ReactorHost.wait`),
and it is crashed the moment that wait ends, so the next test starts outside
it again.  A run of synchronous tests never turns it.  The shutdown triggers
run once, at the end of the run (:meth:`ReactorHost.shut_down`).

Unlike trial, a wait does not call ``reactor.run()`` with signal handlers:
installing Twisted's handlers and removing them again would cost more than
the rest of a wait (53 µs a wait under trial, 15 µs here: ``bench/wait.py``).  SIGINT and SIGTERM belong to the session for the whole run;
the SIGCHLD handling that reaps child processes (``spawnProcess``) is
installed once, the first time the loop turns, and stays.

What a test may do to the reactor is what trial allows (see :func:`guard`):
outside a wait it may ``iterate()``, and ``run()`` it itself (a test that
runs another TestCase does); ``stop()``/``crash()`` from a reactor callback
while the test waits end that test's wait with an ERROR, and the run goes on.
"""

from __future__ import annotations

import functools
import importlib
import signal
import sys
import warnings
from typing import TYPE_CHECKING, Any, Callable

from twisted.internet import error as _reactor_errors

from ._reactor import REACTORS, ReactorChoiceError

if TYPE_CHECKING:
    from ._waiting import Waiting


class ReactorMisuseError(Exception):
    """A test called ``reactor.run()``, ``stop()``, ``crash()`` or ``iterate()`` where it cannot work."""


ReactorMisuseError.__module__ = "trialish"


class ReactorNotRunningError(ReactorMisuseError, _reactor_errors.ReactorNotRunning):
    """``reactor.stop()`` outside a wait: the loop is not turning, there is nothing to stop."""


ReactorNotRunningError.__module__ = "trialish"


class WrongReactorError(ReactorMisuseError, _reactor_errors.ReactorAlreadyInstalledError):
    """Test code tried to install a reactor: only ``--reactor`` chooses it."""


WrongReactorError.__module__ = "trialish"


class ReactorStoppedError(Exception):
    """The reactor's loop ended under a waiting test, or cannot run any more."""


ReactorStoppedError.__module__ = "trialish"

# Why each guarded method cannot work while a test waits, said in the error.
_IN_A_WAIT = {
    "run": "the reactor is already turning for this test's wait; return the Deferred "
           "instead of running the reactor",
    "stop": "it would end the wait of the test, not the test; to end a test that waits, "
            "fire the Deferred it returned",
    "crash": "it would end the wait of the test, not the test; to end a test that waits, "
             "fire the Deferred it returned",
    "iterate": "the reactor is already turning for this test's wait, and iterate() would "
               "re-enter its loop; to let the reactor turn, return a Deferred, "
               "e.g. task.deferLater(reactor, 0, ...)",
}
# trial's words (twisted.trial._asynctest), so trial's own suppressions match them.
_ITERATE_DEPRECATED = ("reactor.iterate cannot be used inside unit tests. In the future, using "
                       "iterate will fail the test and may crash or hang the test run.")


class _Loop:
    """What the guards need to know: is the loop turning, and for whom."""

    __slots__ = ("wait", "test_runs", "ending", "warn_iterate", "child_signals")

    def __init__(self) -> None:
        self.wait: Waiting | None = None  # trialish's wait in progress
        self.test_runs = 0  # reactor.run() calls by test code in progress
        self.ending = False  # trialish itself is stopping the reactor
        self.warn_iterate = False  # the running test is a waiting TestCase: warn as trial
        self.child_signals: Any = None  # the SIGCHLD handling installed for the run


_LOOP = _Loop()


def set_iterate_warning(on: bool) -> None:
    """Whether ``reactor.iterate()`` warns as trial's TestCase does (set per test)."""
    _LOOP.warn_iterate = on


class ReactorHost:
    """Installs the chosen reactor and turns its loop for every wait of the run."""

    def __init__(self, name: str = "default") -> None:
        self.name = name
        self.ever_ran = False

    def install(self) -> None:
        """Install the chosen reactor now, before test code can import one.

        The default reactor installs itself on first import, so it costs
        nothing until a test needs it.  From here on, test code that installs
        a reactor itself gets :class:`WrongReactorError` (see
        :func:`_refuse_other_installs`), and the reactor's loop controls are
        guarded (:func:`guard`).
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

    @staticmethod
    def turning() -> bool:
        """Whether the reactor's loop is turning (a wait, or a test's own run())."""
        return _LOOP.wait is not None or _LOOP.test_runs > 0

    def call_later(self, seconds: float, function: Callable[..., Any], *args: Any) -> Any:
        return _own_call(self.reactor, seconds, function, *args)

    def turn(self) -> Any:
        """A Deferred fired by the reactor on its next iteration."""
        from twisted.internet.defer import Deferred

        deferred: Deferred = Deferred()
        self.call_later(0, deferred.callback, None)
        return deferred

    def wait(self, waiting: Waiting) -> None:
        """Turn the reactor until ``waiting`` ends; it says how it ended.

        The loop is entered as ``run(installSignalHandlers=False)`` would
        (:func:`_turn_until_crashed`) and left by ``crash()``, so no shutdown
        trigger fires and the reactor can turn again for the next wait.
        """
        if _LOOP.wait is not None or _LOOP.test_runs:
            raise ReactorMisuseError(
                "a test cannot wait while the reactor is already turning (it was asked to wait "
                "from inside a reactor callback, or inside a reactor.run() of the test's own): "
                "run the inner test from the test's own code, not from a callback")
        reactor = self.reactor
        instance = reactor.__dict__
        if "stop" not in instance or "crash" not in instance:
            guard(reactor, again=True)  # trial's _wait deletes reactor.stop when it is done
        if _LOOP.child_signals is None:
            _LOOP.child_signals = _install_child_signals(reactor)
        if _LOOP.child_signals.__class__ is _PolledChildren:
            _LOOP.child_signals.before_wait(self)
        klass = type(reactor)
        waiting.end_loop = functools.partial(klass.crash, reactor)
        timer = None
        if waiting.timeout is not None:
            timer = _own_call(reactor, waiting.timeout, waiting.time_out)
        waiting.deferred.addBoth(waiting.fired)
        _LOOP.wait = waiting
        self.ever_ran = True
        try:
            if _turns_like_reactor_base(klass):
                _turn_until_crashed(reactor)
            else:
                klass.run(reactor, installSignalHandlers=False)
        except _reactor_errors.ReactorNotRestartable:
            waiting.ended = waiting.stopped = True
        finally:
            _LOOP.wait = None
            if timer is not None and timer.active():
                timer.cancel()
        if not waiting.ended:  # the loop ended, but not through the wait
            waiting.ended = waiting.stopped = True

    def shut_down(self) -> None:
        """Fire the reactor's shutdown triggers, once, at the end of the run.

        Thread pools and anything a test registered for shutdown end as after
        a plain ``reactor.run()``.  A shutdown that hangs is cut off.
        """
        reactor = sys.modules.get("twisted.internet.reactor")
        if reactor is None or not self.ever_ran or getattr(reactor, "_startedBefore", False):
            _uninstall_child_signals()
            return
        klass = type(reactor)
        _LOOP.ending = True

        def over_yet() -> None:
            # The shutdown event's "during" phase crashes the loop, unless a
            # test fired that event itself and so used its triggers up.
            event = reactor._eventTriggers.get("shutdown")
            if not reactor._justStopped and getattr(event, "state", "BASE") == "BASE":
                klass.crash(reactor)
            else:
                self.call_later(0.01, over_yet)

        def stop() -> None:
            klass.stop(reactor)
            self.call_later(0, over_yet)

        try:
            reactor.callWhenRunning(stop)
            cut_off = _own_call(reactor, 10, klass.crash, reactor)
            klass.run(reactor, installSignalHandlers=False)
            if cut_off.active():
                cut_off.cancel()
        except Exception:  # nothing a test left behind may turn the end of a run into a crash
            pass
        finally:
            _LOOP.ending = False
            _uninstall_child_signals()


def _own_call(reactor: Any, seconds: float, function: Callable[..., Any], *args: Any) -> Any:
    """A delayed call of trialish's own (a timer): the janitor never reports it."""
    call = reactor.callLater(seconds, function, *args)
    call.trialish_own = True
    return call


_PLAIN_LOOP: dict[type, bool] = {}


def _turns_like_reactor_base(klass: type) -> bool:
    """Whether ``klass`` runs ReactorBase's own loop (the select/poll/epoll reactors do; asyncio's does not)."""
    plain = _PLAIN_LOOP.get(klass)
    if plain is None:
        from twisted.internet import base

        plain = _PLAIN_LOOP[klass] = (
            klass.run is base.ReactorBase.run and klass.mainLoop is base.ReactorBase.mainLoop
            and hasattr(base, "_topHandler"))
    return plain


def _turn_until_crashed(reactor: Any) -> None:
    """``reactor.run(installSignalHandlers=False)``, less its "Main loop terminated." log event.

    ReactorBase's loop, turned here: the event would be logged for every
    wait of every test (trial's test.log has one per wait), and logging it
    cost a third of a wait.
    """
    from twisted.internet.base import _topHandler

    reactor.startRunning(installSignalHandlers=False)
    run_until_current, timeout, do_iteration = (
        reactor.runUntilCurrent, reactor.timeout, reactor.doIteration)
    while reactor._started:
        with _topHandler:
            run_until_current()
            delay = timeout()
            do_iteration(reactor.running and delay)


def adopt_installed_reactor() -> ReactorHost:
    """A host for whatever reactor this process has (installing the default if none).

    For trialish's TestCase run by another runner (pytest, unittest, an
    IDE): nothing is refused there, only the loop controls are guarded.
    """
    from twisted.internet import reactor

    guard(reactor)
    name = next((n for n, (module, _) in REACTORS.items() if module == type(reactor).__module__),
                "default")
    return ReactorHost(name)


# -- SIGCHLD -----------------------------------------------------------------------


def _install_child_signals(reactor: Any) -> Any:
    """Twisted's SIGCHLD handling (child reaping for spawnProcess), once for the run.

    ``False`` when this reactor or Twisted has none to install.
    """
    try:
        from twisted.internet._signals import _ChildSignalHandling
        from twisted.internet.posixbase import PosixReactorBase
    except ImportError:
        return False
    if not isinstance(reactor, PosixReactorBase) or not hasattr(signal, "SIGCHLD"):
        return False
    loop = getattr(reactor, "_asyncioEventloop", None)
    if loop is not None and type(loop).__module__.startswith("uvloop"):
        # uvloop owns the signal wake-up file descriptor while its loop runs,
        # so Twisted's SIGCHLD waker would never hear of a child's exit; and
        # uvloop's own SIGCHLD handling (libuv) reaps children itself, taking
        # their exit status from Twisted.  So under uvloop children are polled.
        return _PolledChildren()
    handling = _ChildSignalHandling(reactor._addInternalReader, reactor._removeInternalReader)
    try:
        handling.install()
    except ValueError:  # not the main thread
        return False
    return handling


class _PolledChildren:
    """Child processes reaped by polling, for uvloop (see :func:`_install_child_signals`).

    Each wait starts by reaping, and while children are alive it reaps every
    tenth of a second: a child's exit is noticed at most that late.
    """

    def before_wait(self, host: ReactorHost) -> None:
        from twisted.internet import process

        process.reapAllProcesses()
        if process.reapProcessHandlers:
            host.call_later(0.1, self._reap_while_waiting, host)

    def _reap_while_waiting(self, host: ReactorHost) -> None:
        if _LOOP.wait is not None:
            self.before_wait(host)

    def uninstall(self) -> None:
        pass


def _uninstall_child_signals() -> None:
    handling, _LOOP.child_signals = _LOOP.child_signals, None
    if handling:
        try:
            handling.uninstall()
        except Exception:
            pass


def _after_test_run(reactor: Any, saved: dict[int, Any]) -> None:
    """Put back what a test's own ``reactor.run()`` changed: its handlers, our SIGCHLD."""
    # The asyncio reactor's run() leaves its signal handling installed (the
    # others uninstall it on the way out); the next wait's startRunning()
    # would uninstall it, and with it the SIGCHLD wake-up the run relies on.
    signals = getattr(reactor, "_signals", None)
    if signals is not None:
        try:
            signals.uninstall()
        except Exception:
            pass
    for signum, handler in saved.items():
        try:
            if signal.getsignal(signum) is not handler:
                signal.signal(signum, handler if handler is not None else signal.SIG_DFL)
        except (ValueError, TypeError, OSError):
            pass
    handling = _LOOP.child_signals
    if handling:
        # The run's own SIGCHLD handling was uninstalled when it returned.
        _uninstall_child_signals()
        _LOOP.child_signals = _install_child_signals(reactor)


# -- guarding the reactor against tests ---------------------------------------------


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
                break  # back in trialish's loop: no test frame called it
        elif any(part in filename for part in frameworks):
            in_framework = True
        else:
            return f"called at {filename}:{frame.f_lineno}"
        frame = frame.f_back
    return "called by the reactor: a delayed call or a Deferred's callback"


def _guarded_method(name: str, reactor: Any) -> Callable[..., Any]:
    real = getattr(type(reactor), name).__get__(reactor)

    def guarded(*args: Any, **kwargs: Any) -> Any:
        loop = _LOOP
        if loop.ending:
            return real(*args, **kwargs)
        if loop.wait is not None:
            misuse = ReactorMisuseError(
                f"reactor.{name}() was called while the test waited ({_caller()}): {_IN_A_WAIT[name]}")
            # From a reactor callback, raising would only be logged and the
            # test would wait until its timeout: end the wait with the error.
            if loop.wait.misused(misuse):
                return None
            raise misuse
        if loop.test_runs:
            # Inside a reactor.run() of the test's own: as trial's _wait does,
            # stop() only crashes, so the reactor can still serve later tests.
            return type(reactor).crash(reactor) if name == "stop" else real(*args, **kwargs)
        if name == "run":
            saved = {signum: signal.getsignal(signum) for signum in _RUN_SIGNALS}
            loop.test_runs += 1
            try:
                return real(*args, **kwargs)
            finally:
                loop.test_runs -= 1
                _after_test_run(reactor, saved)
        if name == "iterate":
            if loop.warn_iterate:
                warnings.warn(_ITERATE_DEPRECATED, DeprecationWarning, stacklevel=2)
            return real(*args, **kwargs)
        if name == "stop":
            raise ReactorNotRunningError(
                "Can't stop reactor that isn't running: a test starts outside the reactor's loop, "
                "which turns only while the test waits for a Deferred")
        return None  # crash() with nothing turning: nothing to crash

    guarded.__name__ = name
    guarded.trialish_guard = True  # type: ignore[attr-defined]
    return guarded


_GUARDED = ("run", "stop", "crash", "iterate")
_RUN_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGCHLD")
                     if hasattr(signal, name))


def guard(reactor: Any, again: bool = False) -> None:
    """Shadow the reactor's loop controls with the guards above, on the instance only.

    trialish itself calls the class's methods; Twisted's own shutdown
    triggers were bound when the reactor was made.  ``again``: put back the
    ones a test (trial's ``_wait``) deleted, leaving any it replaced.
    """
    if getattr(reactor, "_trialish_guarded", False) and not again:
        return
    for name in _GUARDED:
        if hasattr(type(reactor), name) and (not again or name not in reactor.__dict__):
            setattr(reactor, name, _guarded_method(name, reactor))
    reactor._trialish_guarded = True


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
    ``asyncioreactor.install()`` fails there with ReactorAlreadyInstalledError.
    Here the default reactor is installed lazily, so without this such a
    module would silently replace the reactor the user chose; the error
    raised instead is a ReactorAlreadyInstalledError too.  Every reactor
    module looks ``installReactor`` up when its ``install()`` runs, so
    wrapping the module attribute is enough.
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
