import unittest


class Other(unittest.TestCase):
    def test_not_loaded(self):
        self.fail("the package's load_tests does not load this module")
