import unittest


class Inner(unittest.TestCase):
    def test_imported_under_its_dotted_name(self):
        self.assertEqual(__name__, "pkgload.test_inner")

    def test_saw_the_discovery_pattern(self):
        import pkgload

        self.assertEqual(pkgload.SEEN_PATTERNS, ["test_*.py"])
