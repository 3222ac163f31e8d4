"""trial's __doctests__: the doctests of the listed modules are tests too."""

import unittest

__doctests__ = ["test_doc", "no_such_module_for_doctests"]


def double(x):
    """
    >>> double(2)
    4
    """
    return 2 * x


def add(a, b):
    """
    >>> add(1, 2)
    3
    >>> add(1, 1)
    3
    """
    return a + b


class Calculator:
    def clear(self):
        """
        >>> Calculator().clear() is None
        True
        """


class Ordinary(unittest.TestCase):
    def test_still_collected(self):
        pass
