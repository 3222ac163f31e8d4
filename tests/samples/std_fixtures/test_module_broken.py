import os
import unittest


def log(text):
    with open(os.environ["EVENTS"], "a") as handle:
        handle.write(text + "\n")


def setUpModule():
    raise OSError("the service is down")


def tearDownModule():
    log("module_broken.tearDownModule must not run")


class One(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        log("module_broken.One.setUpClass must not run")

    def test_x(self):
        pass


class Two(unittest.TestCase):
    def test_y(self):
        pass
