"""A class fixture's changes are the class's, not its tests' leftovers; and a
test after clean ones in the same class is still checked (the engine reuses
the snapshot of a test that changed nothing)."""

import sys
import unittest


class WithFixture(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        sys.path.append("/added-by-setUpClass")

    @classmethod
    def tearDownClass(cls):
        sys.path.remove("/added-by-setUpClass")

    def test_a_clean(self):
        pass

    def test_b_clean(self):
        self.assertIn("/added-by-setUpClass", sys.path)

    def test_c_changes_path(self):
        sys.path.append("/left-by-test-c")

    def test_d_sees_it_put_back(self):
        print(f"CHECK d {'/left-by-test-c' in sys.path} {'/added-by-setUpClass' in sys.path}")


class After(unittest.TestCase):
    def test_fixture_undone(self):
        print(f"CHECK after {'/added-by-setUpClass' in sys.path}")
