"""sys.exit() inside tests: an ERROR each, never the end of the run."""
import sys
import unittest

from twisted.internet import reactor, task

import trialish


class StdlibExits(unittest.TestCase):
    def test_exit_0(self):
        sys.exit(0)

    def test_exit_7(self):
        sys.exit(7)


class WaitingExits(trialish.TestCase):
    def test_exit_in_a_callback(self):
        return task.deferLater(reactor, 0, sys.exit, 4)

    def test_exit_in_setup_of_the_next(self):
        pass

    def setUp(self):
        if self._testMethodName == "test_exit_in_setup_of_the_next":
            sys.exit("from setUp")
