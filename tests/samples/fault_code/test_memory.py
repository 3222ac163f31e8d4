import unittest


class Memory(unittest.TestCase):
    def test_raised(self):
        raise MemoryError("pretend the machine is full")

    def test_real(self):
        bytearray(2 ** 62)  # far more than any machine has: MemoryError at once
