"""skip, todo and suppress on the method, the class and the module."""

import unittest
import warnings

from trialish import SkipTest, TestCase

todo = "the module expects failures"


class Methods(TestCase):
    todo = None  # nearer than the module: these tests are not todo

    def test_skip_attribute(self):
        self.fail("must not run")

    test_skip_attribute.skip = "the method says skip"

    def test_raises_skip(self):
        raise SkipTest("raised SkipTest")

    @unittest.skip("stdlib decorator")
    def test_stdlib_skip(self):
        self.fail("must not run")

    @unittest.skipIf(True, "stdlib skipIf")
    def test_stdlib_skip_if(self):
        self.fail("must not run")

    def test_todo_reason(self):
        raise ValueError("expected")

    test_todo_reason.todo = "not done yet"

    def test_todo_right_type(self):
        raise ValueError("the expected kind")

    test_todo_right_type.todo = ((ValueError,), "only ValueError expected")

    def test_todo_wrong_type(self):
        raise KeyError("an unexpected kind")

    test_todo_wrong_type.todo = (ValueError, "only ValueError expected")

    def test_todo_passes(self):
        pass

    test_todo_passes.todo = "should have failed"

    @unittest.expectedFailure
    def test_expected_failure(self):
        self.fail("expected by the decorator")

    @unittest.expectedFailure
    def test_expected_failure_passes(self):
        pass

    def test_suppressed_by_method(self):
        warnings.warn("hushed by the method", DeprecationWarning)
        warnings.warn("loud warning", UserWarning)

    test_suppressed_by_method.suppress = [
        (("ignore",), {"category": DeprecationWarning, "message": "hushed by the method"})
    ]

    def test_suppressed_by_package(self):
        warnings.warn("hushed by the package", UserWarning)


@unittest.skip("stdlib class decorator")
class DecoratedClass(TestCase):
    def test_in_decorated_class(self):
        self.fail("must not run")


class SkippedClass(TestCase):
    skip = "the class says skip"

    def test_in_skipped_class(self):
        self.fail("must not run")


class ModuleTodo(TestCase):
    def test_module_todo(self):
        self.fail("expected by the module")
