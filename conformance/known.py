"""Differences between trial and trialish that are explained, with evidence.

Only three kinds belong here (see docs/conformance.md for the evidence):
a bug in trial that trialish deliberately does not copy, a test that is
flaky under trial itself, or a deliberate design difference that is listed
in docs/differences.md (its reason starts with "deliberate:").  A difference caused by a trialish bug must NOT be
listed: it stays unexplained so `make conformance` keeps failing until
trialish is fixed.

Maps test id -> one-line reason.
"""

from __future__ import annotations

KNOWN: dict[str, str] = {
    "twisted.web.test.test_tap.ServiceTests.test_wsgi": (
        "deliberate: the reactor runs once per session, so after the first test that "
        "waits, reactor.running is True and callWhenRunning(threadpool.start) starts "
        "the pool at once; trial stops the reactor around every test "
        "(docs/differences.md, 'Reactor state during a test')"
    ),
}
