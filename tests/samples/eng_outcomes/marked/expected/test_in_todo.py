import warnings

from trialish import TestCase


class InTodoPackage(TestCase):
    def test_fails_as_expected(self):
        warnings.warn("hushed by the package", UserWarning)
        self.fail("expected by the package")
