"""Class fixtures that fail or skip; every test still gets exactly one report."""

import os
import unittest


def log(text):
    with open(os.environ["EVENTS"], "a") as handle:
        handle.write(text + "\n")


class SetUpFails(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.addClassCleanup(log, "SetUpFails cleanup")
        raise RuntimeError("no database")

    @classmethod
    def tearDownClass(cls):
        log("SetUpFails.tearDownClass must not run")

    def test_a(self):
        log("SetUpFails.test_a must not run")

    def test_b(self):
        log("SetUpFails.test_b must not run")


class SetUpSkips(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        raise unittest.SkipTest("no network")

    def test_a(self):
        log("SetUpSkips.test_a must not run")

    def test_b(self):
        log("SetUpSkips.test_b must not run")


@unittest.skip("whole class")
class SkippedClass(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        log("SkippedClass.setUpClass must not run")

    def test_a(self):
        pass


class TearDownFails(unittest.TestCase):
    @classmethod
    def tearDownClass(cls):
        log("TearDownFails.tearDownClass")
        raise ValueError("could not drop the table")

    def test_a(self):
        log("TearDownFails.test_a")

    def test_b(self):
        log("TearDownFails.test_b")
