"""The stdlib's load_tests protocol: drop one test, add parametrised ones."""

import unittest


class Plain(unittest.TestCase):
    def test_kept(self):
        pass

    def test_dropped(self):
        self.fail("load_tests drops this test")


class Param(unittest.TestCase):
    def __init__(self, methodName="runTest", value=None):
        super().__init__(methodName)
        self.value = value

    def test_positive(self):
        self.assertGreater(self.value, 0)


def load_tests(loader, tests, pattern):
    kept = [test for suite in tests for test in suite
            if isinstance(test, Plain) and test._testMethodName != "test_dropped"]
    suite = unittest.TestSuite(kept)
    suite.addTests(unittest.TestSuite([Param("test_positive", value)]) for value in (1, 2, -1))
    return suite
