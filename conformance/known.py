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

_UNFIRED_IN_SYNCHRONOUS = (
    "deliberate: a SynchronousTestCase test returns a Deferred that has not fired; trial "
    "passes it without waiting (the test's assertions may never run), trialish makes it an "
    "ERROR (docs/differences.md, 'SynchronousTestCase test returning a Deferred or coroutine')"
)

KNOWN: dict[str, str] = {
    "twisted.internet.test.test_inlinecb.ForwardTraceBackTests.test_forwardTracebacksCoro": _UNFIRED_IN_SYNCHRONOUS,
    "twisted.mail.test.test_imap.MessageProducerTests.testMultipleMultiPart": _UNFIRED_IN_SYNCHRONOUS,
    "twisted.mail.test.test_imap.MessageProducerTests.testSingleMultiPart": _UNFIRED_IN_SYNCHRONOUS,
    "twisted.mail.test.test_imap.MessageProducerTests.testSinglePart": _UNFIRED_IN_SYNCHRONOUS,
    "twisted.mail.test.test_imap.MessageProducerTests.test_multiPartNoBoundary": _UNFIRED_IN_SYNCHRONOUS,
    "twisted.mail.test.test_imap.MessageProducerTests.test_multiPartNoQuotes": _UNFIRED_IN_SYNCHRONOUS,
}
