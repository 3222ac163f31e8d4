import unittest
def f(n): return f(n + 1)
class R(unittest.TestCase):
    def test_recurse(self):
        f(0)
