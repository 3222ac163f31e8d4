"""Drop-in for ``twisted.trial.unittest``: change one import and nothing else.

    from trialish.unittest import TestCase, SynchronousTestCase, SkipTest
"""

from __future__ import annotations

import unittest as _stdlib_unittest

from ._assertions import FailTest
from ._outcome import Todo, makeTodo
from ._testcase import SkipTest, SynchronousTestCase, TestCase

TestSuite = _stdlib_unittest.TestSuite
PyUnitResultAdapter = _stdlib_unittest.TestResult


def decorate(test, decorator):  # type: ignore[no-untyped-def]
    """trial's ``decorate``: apply ``decorator`` to each test in ``test``."""
    if isinstance(test, _stdlib_unittest.TestSuite):
        return TestSuite([decorate(t, decorator) for t in test])
    return decorator(test)


class TestDecorator:
    """trial's ``TestDecorator``: wraps a test, forwarding everything to it."""

    def __init__(self, test):  # type: ignore[no-untyped-def]
        self._originalTest = test

    def __getattr__(self, name):  # type: ignore[no-untyped-def]
        return getattr(self._originalTest, name)

    def __call__(self, result):  # type: ignore[no-untyped-def]
        return self._originalTest(result)


__all__ = [
    "decorate",
    "FailTest",
    "makeTodo",
    "PyUnitResultAdapter",
    "SkipTest",
    "SynchronousTestCase",
    "TestCase",
    "TestDecorator",
    "TestSuite",
    "Todo",
]
