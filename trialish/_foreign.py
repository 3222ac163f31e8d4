"""trialish's TestCase run by somebody else: the stdlib's runner, pytest, an IDE, another test.

Those runners call ``case.run(result)``.  The stdlib's ``run()`` would call
an ``async def`` test without awaiting it and drop a Deferred on the floor,
so both would pass whatever happened.  Here ``run()`` goes through
trialish's own engine instead -- the same phase caller, timeouts, janitor
and classifier as under the ``trialish`` command -- and hands the one
report it makes to the given result (:func:`deliver`).

Inside a trialish run (a test that runs another TestCase, as tests of
test helpers do) the running engine is used, re-entered; anywhere else an
engine of this module's own is made on first use, for whatever reactor the
process has.
"""

from __future__ import annotations

import contextlib
import unittest
from typing import TYPE_CHECKING, Any, Iterator

from ._results import Status, TestReport

if TYPE_CHECKING:
    from ._engine import Engine

__unittest = True  # the stdlib leaves this module's frames out of its tracebacks

_RUNNING: list["Engine"] = []
_OWN: list["Engine"] = []


class ReportedError(Exception):
    """A test's errors as trialish reported them (the text holds every traceback)."""


ReportedError.__module__ = "trialish"


@contextlib.contextmanager
def running_engine(engine: "Engine") -> Iterator[None]:
    """While a trialish run runs, ``case.run()`` re-enters its engine."""
    _RUNNING.append(engine)
    try:
        yield
    finally:
        _RUNNING.pop()


def _engine() -> "Engine":
    if _RUNNING:
        return _RUNNING[-1]
    if not _OWN:
        from ._engine import Engine, EngineSettings
        from ._host import adopt_installed_reactor
        from ._janitor import Janitor
        from ._logcapture import LogCapture

        logs = LogCapture(_Nowhere())
        logs.observe_twisted_only()
        _OWN.append(Engine(EngineSettings(), logs, Janitor(), adopt_installed_reactor()))
    return _OWN[0]


class _Nowhere:
    """The log stream of a run without a temp directory: nothing is kept."""

    def write(self, text: str) -> int:
        return len(text)

    def flush(self) -> None:
        pass


def run_case(case: Any, result: Any) -> TestReport:
    """Run ``case`` through the engine and tell ``result`` its outcome."""
    report = _engine().run(case.id(), lambda: case, case._testMethodName)
    deliver(report, case, result)
    return report


def debug_case(case: Any) -> None:
    """``case.debug()``: run it, and raise what made it fail instead of reporting it."""
    engine = _engine()
    failures: list[Any] = []
    settings = engine.settings
    engine.settings = settings._replace(on_failure=failures.append)
    try:
        report = engine.run(case.id(), lambda: case, case._testMethodName)
    finally:
        engine.settings = settings
    if report.status is Status.SKIP:
        raise unittest.SkipTest(report.reason or "")
    if report.status in (Status.FAIL, Status.ERROR):
        if failures:
            failures[0].raiseException()
        raise ReportedError(_text(report))


def deliver(report: TestReport, case: Any, result: Any) -> None:
    """Hand ``report`` to a stdlib-style ``result`` (``addSuccess``, ``addFailure``...)."""
    status = report.status
    if status is Status.OK:
        result.addSuccess(case)
    elif status is Status.SKIP:
        _call(result, "addSkip", case, report.reason or "")
    elif status is Status.TODO:
        _call(result, "addExpectedFailure", case, _err(ReportedError, _text(report)))
    elif status is Status.UNEXPECTED_SUCCESS:
        _call(result, "addUnexpectedSuccess", case)
    elif status is Status.FAIL:
        failure_type = getattr(case, "failureException", AssertionError)
        result.addFailure(case, _err(failure_type, _text(report)))
    else:
        result.addError(case, _err(ReportedError, _text(report)))


def _call(result: Any, method: str, case: Any, *args: Any) -> None:
    """A result older or narrower than the stdlib's may lack a method: then it is a success."""
    function = getattr(result, method, None)
    if function is None:
        result.addSuccess(case)
    else:
        function(case, *args)


def _text(report: TestReport) -> str:
    return "\n".join(problem.text.rstrip("\n") for problem in report.problems)


def _err(exc_type: type, text: str) -> tuple[type, BaseException, Any]:
    """An exc_info triple whose message is trialish's text (its traceback is ours, hidden)."""
    __tracebackhide__ = True  # noqa: F841 - pytest leaves this frame out
    try:
        error = exc_type("\n" + text)
    except Exception:  # a failureException that takes other arguments
        error = AssertionError("\n" + text)
        exc_type = AssertionError
    try:
        raise error
    except BaseException as raised:
        return exc_type, raised, raised.__traceback__
