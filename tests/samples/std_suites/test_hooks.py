"""trial's module hook: test_suite() replaces the module's tests; nested, each once."""

import unittest


class A(unittest.TestCase):
    def test_a(self):
        self.fail("not in the suite")

    def test_b(self):
        pass


def test_suite():
    inner = unittest.TestSuite([A("test_b")])
    return unittest.TestSuite([inner, unittest.TestSuite([inner])])
