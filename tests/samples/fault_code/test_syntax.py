"""A module that cannot be compiled."""
import unittest
class S(unittest.TestCase):
    def test_x(self)
        pass
