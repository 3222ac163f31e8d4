import unittest


def setUpModule():
    raise unittest.SkipTest("needs a GPU")


class Gpu(unittest.TestCase):
    def test_kernel(self):
        pass
