"""flushLoggedErrors, flushWarnings and assertWarns, which need trialish running the test.

Each test that gets to its end leaves a file ``reached-<method>`` in the
temp directory (its working directory), so the test that runs this sample
knows the checks passed without taking trialish's word for it.  What a test
leaves unflushed would make it an error.
"""

import os
import warnings

from twisted.python import log

from trialish import FailTest, TestCase


def _warns(value=7):
    warnings.warn("deprecated thing", DeprecationWarning)
    return value


def _silent():
    return 8


def _reached(test):
    """The last line of each test: every check above it passed."""
    with open(f"reached-{test._testMethodName}", "w"):
        pass


class Flushing(TestCase):
    def test_flush_logged_errors_by_type(self):
        log.err(ValueError("first"))
        log.err(KeyError("second"))
        self.assertEqual([f.value.args for f in self.flushLoggedErrors(KeyError)], [("second",)])
        self.assertEqual([f.type for f in self.flushLoggedErrors()], [ValueError])
        self.assertEqual(self.flushLoggedErrors(), [])
        _reached(self)

    def test_flush_warnings_of_one_function(self):
        _warns()
        warnings.warn("from the test itself", UserWarning)
        flushed = self.flushWarnings([_warns])
        self.assertEqual([(w["message"], w["category"]) for w in flushed],
                         [("deprecated thing", DeprecationWarning)])
        self.assertEqual(flushed[0]["filename"], __file__)
        rest = self.flushWarnings()
        self.assertEqual([w["message"] for w in rest], ["from the test itself"])
        self.assertEqual(self.flushWarnings(), [])
        _reached(self)

    def test_assert_warns_stdlib_form(self):
        with self.assertWarns(DeprecationWarning) as caught:
            _warns()
        self.assertEqual(str(caught.warning), "deprecated thing")
        self.assertEqual(self.assertWarns(DeprecationWarning, _warns, 3), None)
        _reached(self)

    def test_assert_warns_trial_form(self):
        self.assertEqual(self.assertWarns(DeprecationWarning, "deprecated thing", __file__, _warns, 9), 9)
        with self.assertRaises(FailTest):
            self.assertWarns(DeprecationWarning, "another message", __file__, _warns)
        with self.assertRaises(FailTest):
            self.assertWarns(UserWarning, "deprecated thing", __file__, _warns)
        with self.assertRaises(FailTest):
            self.assertWarns(DeprecationWarning, "deprecated thing", os.__file__, _warns)
        with self.assertRaises(FailTest) as caught:
            self.assertWarns(DeprecationWarning, "deprecated thing", __file__, _silent)
        self.assertIn("No warnings emitted", str(caught.exception))
        self.assertEqual(self.flushWarnings(), [])  # trial's form keeps them to itself
        _reached(self)
