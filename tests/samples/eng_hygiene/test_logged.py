"""Logged errors make their own test an ERROR; test.log gets every kind of event.

The tests run in alphabetical order within a class: a, b, c...
"""

import logging
import warnings

from twisted.internet import defer, reactor, task
from twisted.logger import Logger
from twisted.python import log

from trialish import SynchronousTestCase, TestCase


class Logged(TestCase):
    def test_a_log_err(self):
        log.err(ValueError("logged by log.err"))

    def test_b_logger_failure(self):
        try:
            {}["missing"]
        except KeyError:
            Logger().failure("logged by Logger().failure")

    def test_c_garbage_deferred(self):
        # A failed Deferred nobody handles, kept alive by a reference cycle:
        # only the garbage collector frees it (and then logs its error).
        self.cycle = self
        self.lost = defer.fail(RuntimeError("lost in a garbage Deferred"))

    def test_d_after_garbage(self):
        pass

    def test_e_logged_while_waiting(self):
        def later():
            log.err(ZeroDivisionError("logged from the reactor"))

        return task.deferLater(reactor, 0.01, later)

    def test_f_flushed(self):
        log.err(ValueError("flushed"))
        flushed = self.flushLoggedErrors(ValueError)
        self.assertEqual([f.value.args for f in flushed], [("flushed",)])


class LogFile(SynchronousTestCase):
    def test_every_kind_of_event(self):
        Logger().info("from twisted.logger {what}", what="formatted")
        log.msg("from twisted.python.log")
        logging.getLogger("stdlib.logger").info("from stdlib logging at %s", "INFO")
        warnings.warn("a warning for test.log", DeprecationWarning)
        log.msg("two\nlines")
