import os
import unittest


def log(text):
    with open(os.environ["EVENTS"], "a") as handle:
        handle.write(text + "\n")


def tearDownModule():
    log("module_teardown.tearDownModule")
    raise KeyError("lost the lock file")


class Only(unittest.TestCase):
    def test_first(self):
        pass

    def test_last(self):
        self.fail("a failure of its own")
