"""Stdlib fixtures around two classes: the order must match `python -m unittest`."""

import os
import unittest


def log(text):
    with open(os.environ["EVENTS"], "a") as handle:
        handle.write(text + "\n")


def setUpModule():
    log("setUpModule")
    unittest.addModuleCleanup(log, "module cleanup")


def tearDownModule():
    log("tearDownModule")


class A(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        log("A.setUpClass")
        cls.addClassCleanup(log, "A class cleanup")

    @classmethod
    def tearDownClass(cls):
        log("A.tearDownClass")

    def test_1(self):
        log("A.test_1")

    def test_2(self):
        log("A.test_2")


class B(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        log("B.setUpClass")

    @classmethod
    def tearDownClass(cls):
        log("B.tearDownClass")

    def test_1(self):
        log("B.test_1")
