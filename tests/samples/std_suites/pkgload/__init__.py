"""A package whose load_tests loads the package itself, as unittest discovery lets it."""

import os

SEEN_PATTERNS = []


def load_tests(loader, standard_tests, pattern):
    SEEN_PATTERNS.append(pattern)
    here = os.path.dirname(__file__)
    standard_tests.addTests(loader.discover(start_dir=here, pattern="test_inner*.py"))
    return standard_tests
