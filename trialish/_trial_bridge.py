"""The one place that adapts a twisted.trial TestCase to trialish's engine.

trialish drives a trial TestCase's phases itself (trial's ``run()`` would
spin the reactor on its own and report through trial's result objects).
Two of its methods read state that only trial's ``run()`` sets up:
``flushLoggedErrors`` reads ``self._observer`` (trial's global log
observer, attached only while trial runs a test) and ``flushWarnings`` reads
``self._warnings`` (filled by trial's own warning capture).  Here the
instance gets versions that read the test's trialish context instead, which
is where its logged errors and warnings really went.
"""

from __future__ import annotations

from typing import Any, Callable

from ._logcapture import TestContext


class _ObserverView:
    """What trial's TestCase expects of ``self._observer``."""

    def __init__(self, context: TestContext) -> None:
        self._context = context

    def flushErrors(self, *types: type[BaseException]) -> list[Any]:
        return self._context.flush_errors(types)

    def getErrors(self) -> list[Any]:
        return list(self._context.errors)


def adapt_trial_case(case: Any, context: TestContext) -> None:
    """Point a trial case's log and warning accessors at ``context``."""
    case._observer = _ObserverView(context)

    def flushWarnings(offendingFunctions: list[Callable[..., Any]] | None = None) -> list[dict[str, Any]]:
        return context.flush_warnings(offendingFunctions)

    case.flushWarnings = flushWarnings
