"""skip, todo, suppress and timeout: looked up on the method, the class (MRO),
the module, then its packages; and what each does to a run (eng_outcomes)."""

from __future__ import annotations

import math
import sys
import types
import unittest
from typing import Any

import trialish
from trialish._attributes import (
    TimeoutValueError,
    expects_failure,
    lookup,
    stdlib_skip_reason,
    timeout_for,
)

from ._support import TestCase, block_of, run_sample, statuses


class Lookup(TestCase):
    """Fake package ``fakepkg`` and module ``fakepkg.mod`` holding a case class."""

    def setUp(self) -> None:
        self.package = self.install("fakepkg_attrs", skip="package", todo="package",
                                    suppress="package", timeout=9)
        self.package.__path__ = []  # type: ignore[attr-defined]
        self.module = self.install("fakepkg_attrs.mod", todo="module", suppress="module",
                                   skip=unittest.skip)  # an imported function: not a setting

        class Base(trialish.SynchronousTestCase):
            suppress = "base class"

            def check(self) -> None:
                pass

            def other(self) -> None:
                pass

        class Case(Base):
            timeout = 4

            def check(self) -> None:
                pass

            check.suppress = "method"  # type: ignore[attr-defined]

        for cls in (Base, Case):
            cls.__module__ = "fakepkg_attrs.mod"
        self.Base, self.Case = Base, Case

    def install(self, name: str, **attributes: Any) -> types.ModuleType:
        module = types.ModuleType(name)
        vars(module).update(attributes)
        sys.modules[name] = module
        self.addCleanup(sys.modules.pop, name, None)
        return module

    def test_method_first(self) -> None:
        self.assertEqual(lookup(self.Case("check"), "check", "suppress"), "method")

    def test_then_the_class_and_its_bases(self) -> None:
        self.assertEqual(lookup(self.Case("other"), "other", "suppress"), "base class")
        self.assertEqual(lookup(self.Case("other"), "other", "timeout"), 4)

    def test_then_the_module(self) -> None:
        self.assertEqual(lookup(self.Base("check"), "check", "todo"), "module")

    def test_then_the_packages(self) -> None:
        self.assertEqual(lookup(self.Base("check"), "check", "timeout"), 9)

    def test_imported_functions_and_classes_are_not_settings(self) -> None:
        # fakepkg_attrs.mod.skip is unittest.skip: passed over for the package's.
        self.assertEqual(lookup(self.Base("check"), "check", "skip"), "package")

    def test_nearest_none_wins_and_default(self) -> None:
        self.Case.todo = None  # type: ignore[attr-defined]
        self.assertIsNone(lookup(self.Case("check"), "check", "todo", "default"))
        self.assertEqual(lookup(self.Case("check"), "check", "nothing", "default"), "default")

    def test_stdlib_decorators(self) -> None:
        class Case(trialish.SynchronousTestCase):
            @unittest.skip("method reason")
            def check(self) -> None:
                pass

            @unittest.expectedFailure
            def other(self) -> None:
                pass

            def plain(self) -> None:
                pass

        @unittest.skip("class reason")
        class Skipped(trialish.SynchronousTestCase):
            def check(self) -> None:
                pass

        self.assertEqual(stdlib_skip_reason(Case("check"), "check"), "method reason")
        self.assertIsNone(stdlib_skip_reason(Case("plain"), "plain"))
        self.assertEqual(stdlib_skip_reason(Skipped("check"), "check"), "class reason")
        self.assertTrue(expects_failure(Case("other"), "other"))
        self.assertFalse(expects_failure(Case("plain"), "plain"))


class Timeouts(TestCase):
    def case_with(self, value: Any) -> Any:
        class Case(trialish.TestCase):
            def check(self) -> None:
                pass

        if value is not None:
            Case.check.timeout = value  # type: ignore[attr-defined]
        return Case("check")

    def test_default_when_nothing_says(self) -> None:
        self.assertEqual(timeout_for(self.case_with(None), "check", 120.0), 120.0)
        self.assertEqual(timeout_for(self.case_with(None), "check", 7.5), 7.5)

    def test_numbers(self) -> None:
        self.assertEqual(timeout_for(self.case_with(2), "check", 120.0), 2.0)
        self.assertEqual(timeout_for(self.case_with("0.5"), "check", 120.0), 0.5)
        self.assertEqual(timeout_for(self.case_with(0), "check", 120.0), 0.0)

    def test_bad_values(self) -> None:
        for value, words in (("soon", "got 'soon'"), ([1], "got [1]"), (-1, ">= 0, got -1"),
                             (math.nan, ">= 0, got nan")):
            with self.assertRaises(TimeoutValueError) as caught:
                timeout_for(self.case_with(value), "check", 120.0)
            message = str(caught.exception)
            self.assertTrue(message.startswith("check: its timeout attribute must be a number"),
                            message)
            self.assertIn(words, message)
        self.assertEqual(TimeoutValueError.__module__, "trialish")


class AttributesBlackBox(TestCase):
    """eng_outcomes/marked: attributes on methods, classes, modules and packages."""

    def run_marked(self) -> tuple[Any, dict[str, str]]:
        run = run_sample("eng_outcomes", "marked", "test_assertions")
        return run, statuses(run.out)

    def assertOutcome(self, test: str, status: str, *texts: str) -> None:
        run, found = self.run_marked()
        test_id = f"marked.{test}"
        self.assertEqual(found.get(test_id), status, run)
        block = block_of(run.out, test_id)
        for text in texts:
            self.assertIn(text, block)

    def test_skips(self) -> None:
        self.assertOutcome("skipped.test_in_skipped.InSkippedPackage.test_would_fail",
                           "[SKIPPED]", "\nthe package says skip\n")
        self.assertOutcome("test_attributes.SkippedClass.test_in_skipped_class",
                           "[SKIPPED]", "\nthe class says skip\n")
        self.assertOutcome("test_attributes.Methods.test_skip_attribute",
                           "[SKIPPED]", "\nthe method says skip\n")
        self.assertOutcome("test_attributes.Methods.test_raises_skip",
                           "[SKIPPED]", "\nraised SkipTest\n")
        self.assertOutcome("test_attributes.Methods.test_stdlib_skip",
                           "[SKIPPED]", "\nstdlib decorator\n")
        self.assertOutcome("test_attributes.Methods.test_stdlib_skip_if",
                           "[SKIPPED]", "\nstdlib skipIf\n")
        self.assertOutcome("test_attributes.DecoratedClass.test_in_decorated_class",
                           "[SKIPPED]", "\nstdlib class decorator\n")
        self.assertNotIn("must not run", self.run_marked()[0].out)

    def test_todos(self) -> None:
        self.assertOutcome("test_attributes.Methods.test_todo_reason", "[TODO]",
                           "Reason: 'not done yet'\n", "builtins.ValueError: expected")
        self.assertOutcome("test_attributes.Methods.test_todo_right_type", "[TODO]",
                           "Reason: 'only ValueError expected'\n")
        self.assertOutcome("test_attributes.ModuleTodo.test_module_todo", "[TODO]",
                           "Reason: 'the module expects failures'\n")
        self.assertOutcome("expected.test_in_todo.InTodoPackage.test_fails_as_expected", "[TODO]",
                           "Reason: 'the package expects failures'\n")
        self.assertOutcome("test_attributes.Methods.test_expected_failure", "[TODO]",
                           "trialish.FailTest: expected by the decorator")

    def test_todo_with_the_wrong_error_type_is_an_error(self) -> None:
        self.assertOutcome("test_attributes.Methods.test_todo_wrong_type", "[ERROR]",
                           "builtins.KeyError: 'an unexpected kind'")

    def test_passing_todos_are_unexpected_successes(self) -> None:
        self.assertOutcome("test_attributes.Methods.test_todo_passes", "[SUCCESS!?!]",
                           "Reason: 'should have failed'\n")
        self.assertOutcome("test_attributes.Methods.test_expected_failure_passes", "[SUCCESS!?!]")

    def test_suppress(self) -> None:
        run, found = self.run_marked()
        for method in ("test_suppressed_by_method", "test_suppressed_by_package"):
            self.assertEqual(found[f"marked.test_attributes.Methods.{method}"], "[OK]", run)
        self.assertRegex(run.out, r"test_attributes\.py:\d+: UserWarning: loud warning\n")
        self.assertNotIn("hushed", run.out)
        self.assertNotIn("hushed", run.temp_file("test.log"))

    def test_class_attribute_hides_the_modules(self) -> None:
        # Methods.todo = None, so the module's todo does not apply there.
        run, found = self.run_marked()
        self.assertEqual(found["marked.test_attributes.Methods.test_suppressed_by_package"], "[OK]")
        self.assertIn("FAILED (skips=7, expectedFailures=5, failures=4, errors=1, "
                      "unexpectedSuccesses=2, successes=5)", run.out)
