"""A test that raises KeyboardInterrupt: the run stops as if Ctrl-C was pressed."""
import unittest

from twisted.internet import reactor, task

import trialish


class A_Sync(unittest.TestCase):
    def test_a_runs(self):
        pass

    def test_b_raises(self):
        raise KeyboardInterrupt

    def test_c_never_runs(self):
        open("c-ran", "w").close()


class B_Waits(trialish.TestCase):
    def test_a_runs(self):
        return task.deferLater(reactor, 0, lambda: None)

    def test_b_raises_in_a_callback(self):
        def interrupt():
            raise KeyboardInterrupt
        return task.deferLater(reactor, 0, interrupt)

    def test_c_never_runs(self):
        open("waits-c-ran", "w").close()
