"""twisted.trial TestCases using the parts of trial's API that need its run()."""

import unittest
import warnings

from twisted.internet import defer
from twisted.python import log
from twisted.trial import unittest as trial_unittest


def _warn() -> None:
    warnings.warn("from _warn", DeprecationWarning)


class TrialApi(trial_unittest.TestCase):
    def test_flush_logged_errors(self) -> None:
        log.err(ValueError("logged"))
        self.assertEqual(len(self.flushLoggedErrors(ValueError)), 1)

    def test_unflushed_logged_error(self) -> None:
        log.err(KeyError("not flushed"))

    def test_flush_warnings(self) -> None:
        _warn()
        warnings.warn("from the test", UserWarning)
        flushed = self.flushWarnings([_warn])
        self.assertEqual([w["message"] for w in flushed], ["from _warn"])
        self.assertEqual([w["category"] for w in self.flushWarnings()], [UserWarning])

    def test_deferred_cleanup(self) -> None:
        self.addCleanup(lambda: defer.succeed(None))

    def test_subtests(self) -> None:
        for i in range(4):
            with self.subTest(i=i):
                self.assertEqual(i % 2, 0)

    @unittest.expectedFailure
    def test_expected_failure(self) -> None:
        self.fail("as expected")

    @unittest.expectedFailure
    def test_unexpected_success(self) -> None:
        pass


class Plain(unittest.TestCase):
    def test_subtests(self) -> None:
        for word in ("a", "b", "c"):
            with self.subTest(word=word):
                self.assertNotEqual(word, "b")

    @unittest.expectedFailure
    def test_expected_failure(self) -> None:
        self.assertEqual(1, 2)

    @unittest.expectedFailure
    def test_unexpected_success(self) -> None:
        pass
