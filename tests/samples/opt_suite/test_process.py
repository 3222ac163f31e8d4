"""Pass only under --disablegc --recursionlimit 2345 -B --without-module colorsys,fractions."""

import gc
import sys

from twisted.internet import defer

from trialish import SynchronousTestCase


class Process(SynchronousTestCase):
    def test_gc_disabled(self):
        self.assertFalse(gc.isenabled())

    def test_recursion_limit(self):
        self.assertEqual(sys.getrecursionlimit(), 2345)

    def test_deferred_debugging(self):
        self.assertTrue(defer.getDebugging())

    def test_without_modules(self):
        for name in ("colorsys", "fractions"):
            with self.assertRaises(ImportError):
                __import__(name)


class CalledTwice(SynchronousTestCase):
    def test_called_twice(self):
        deferred = defer.Deferred()
        deferred.callback(1)
        deferred.callback(2)  # AlreadyCalledError; with -B it says where
