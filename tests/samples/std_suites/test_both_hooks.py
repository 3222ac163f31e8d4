"""testSuite() wins over test_suite(), as in trial."""

import unittest


class B(unittest.TestCase):
    def test_from_testSuite(self):
        pass

    def test_from_test_suite(self):
        pass


def testSuite():
    return unittest.TestSuite([B("test_from_testSuite")])


def test_suite():
    return unittest.TestSuite([B("test_from_test_suite")])
