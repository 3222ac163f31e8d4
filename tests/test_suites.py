"""Modules that build their own tests: load_tests, test_suite()/testSuite(), __doctests__.

Black-box tests run the ``std_suites`` sample; unit tests check flattening
and ids in-process.
"""

from __future__ import annotations

import doctest
import os
import subprocess
import sys
import textwrap
import unittest
from typing import Any

from trialish._specs import TestSpec
from trialish._suites import add_suite, case_id, iter_cases

from ._support import (
    TestCase, copy_sample, load_in_process, new_folder, outcome_lines, summary_blocks, trialish,
    write_files,
)


def _sample(test: TestCase) -> str:
    return copy_sample("std_suites", os.path.abspath(test.mktemp()))


class LoadTests(TestCase):
    def test_load_tests_replaces_the_modules_tests_as_unittest_does(self) -> None:
        folder = _sample(self)
        run = trialish("--reporter=bwverbose", "test_load", cwd=folder)
        self.assertEqual(outcome_lines(run.out), [
            ("test_load.Param.test_positive", "OK"), ("test_load.Param.test_positive#2", "OK"),
            ("test_load.Param.test_positive#3", "FAILURE"), ("test_load.Plain.test_kept", "OK")], run)
        self.assertEqual(run.code, 1, run)
        stdlib = subprocess.run([sys.executable, "-m", "unittest", "test_load"], cwd=folder,
                                capture_output=True, text=True, timeout=60)
        self.assertIn("Ran 4 tests", stdlib.stderr)
        self.assertIn("FAILED (failures=1)", stdlib.stderr)

    def test_a_packages_load_tests_loads_the_package(self) -> None:
        folder = _sample(self)
        run = trialish("--reporter=bwverbose", "pkgload", cwd=folder)
        self.assertEqual(outcome_lines(run.out), [
            ("pkgload.test_inner.Inner.test_imported_under_its_dotted_name", "OK"),
            ("pkgload.test_inner.Inner.test_saw_the_discovery_pattern", "OK")], run)
        self.assertEqual(run.code, 0, run)

    def test_a_broken_hook_is_an_error_under_the_modules_name(self) -> None:
        folder = write_files(new_folder(self), {"test_badhook.py": textwrap.dedent("""\
            import unittest

            class T(unittest.TestCase):
                def test_x(self): pass

            def load_tests(loader, tests, pattern):
                raise RuntimeError("hook broke")
            """), "test_badsuite.py": textwrap.dedent("""\
            def test_suite():
                return [42]
            """)})
        specs = load_in_process(folder)
        self.assertEqual(sorted(specs), ["test_badhook", "test_badsuite"])
        self.assertIn("builtins.RuntimeError: hook broke", specs["test_badhook"].load_error or "")
        self.assertEqual(specs["test_badsuite"].load_error,
                         "test_badsuite.test_suite() returned 42, which is neither a TestCase "
                         "nor a suite of them.\n")


class TrialHooks(TestCase):
    def test_test_suite_replaces_the_tests_and_testSuite_wins(self) -> None:
        folder = _sample(self)
        run = trialish("--reporter=bwverbose", "test_hooks.py", "test_both_hooks.py", cwd=folder)
        self.assertEqual(outcome_lines(run.out), [
            ("test_both_hooks.B.test_from_testSuite", "OK"), ("test_hooks.A.test_b", "OK")], run)
        self.assertEqual(run.code, 0, run)


class Doctests(TestCase):
    def test_doctests_run_with_trials_ids(self) -> None:
        folder = _sample(self)
        run = trialish("--reporter=bwverbose", "test_doc", cwd=folder)
        self.assertEqual(outcome_lines(run.out), [
            ("Doctest: test_doc.Calculator.clear", "OK"), ("Doctest: test_doc.add", "FAILURE"),
            ("Doctest: test_doc.double", "OK"), ("no_such_module_for_doctests", "ERROR"),
            ("test_doc.Ordinary.test_still_collected", "OK")], run)
        found = {ids[0]: text for text, ids in summary_blocks(run.out)}
        self.assertIn("Failed example:\n    add(1, 1)\nExpected:\n    3\nGot:\n    2",
                      found["Doctest: test_doc.add"])
        self.assertIn("No module named 'no_such_module_for_doctests'", found["no_such_module_for_doctests"])
        self.assertEqual(run.code, 1, run)

    def test_the_tree_reporter_groups_doctests_like_trial(self) -> None:
        run = trialish("test_doc", cwd=_sample(self))
        lines = [line.split(" ...")[0] for line in run.out.splitlines()[:5]]
        self.assertEqual(lines, ["Doctest: test_doc", "  Calculator", "    clear", "  add", "  double"], run)


# -- unit --------------------------------------------------------------------------


def _t() -> unittest.TestCase:
    """A stdlib case with only ``runTest`` (made here: unittest would collect it as a test)."""

    class T(unittest.TestCase):
        def runTest(self) -> None:
            pass

    return T()


class _Sink:
    def __init__(self) -> None:
        self.specs: list[TestSpec] = []
        self.errors: list[tuple[str, str]] = []

    def add(self, spec: TestSpec) -> None:
        self.specs.append(spec)

    def error(self, test_id: str, message: str) -> None:
        self.errors.append((test_id, message))

    def rank(self, key: str) -> int:
        return 0

    def error_text(self, exc: BaseException) -> str:
        return str(exc)


class Flattening(TestCase):
    def test_nested_suites_in_order_and_odd_entries_reported(self) -> None:
        a, b, c = _t(), _t(), _t()
        suite = unittest.TestSuite([a, unittest.TestSuite([b, unittest.TestSuite([c])])])
        suite._tests.append("junk")  # type: ignore[attr-defined]
        problems: list[str] = []
        self.assertEqual(list(iter_cases(suite, "m.test_suite()", problems)), [a, b, c])
        self.assertEqual(problems, ["m.test_suite() returned 'junk', which is neither a TestCase "
                                    "nor a suite of them."])

    def test_a_suite_that_contains_itself_ends(self) -> None:
        suite = unittest.TestSuite([_t()])
        suite._tests.append(suite)  # type: ignore[attr-defined]
        problems: list[str] = []
        self.assertEqual(len(list(iter_cases(suite, "h", problems))), 1)
        self.assertEqual(problems, ["h returned a suite that contains itself."])

    def test_each_instance_once_and_equal_ids_numbered(self) -> None:
        one, two = _t(), _t()
        sink = _Sink()
        add_suite(sink, unittest.TestSuite([one, one, unittest.TestSuite([one]), two]), "h", "m")
        self.assertEqual([spec.test_id for spec in sink.specs],
                         [one.id(), f"{one.id()}#2"])
        self.assertIs(sink.specs[0].make_case(), one)
        self.assertIs(sink.specs[1].make_case(), two)

    def test_ids_of_doctests_and_function_cases(self) -> None:
        def check() -> None:
            """Says something."""

        self.assertEqual(case_id(unittest.FunctionTestCase(check)),
                         f"{__name__}.Flattening.test_ids_of_doctests_and_function_cases.<locals>.check")
        suite = doctest.DocTestSuite(doctest_module())
        self.assertEqual([case_id(case) for case in suite], ["Doctest: doc_sample.f"])


def doctest_module() -> Any:
    import types

    module = types.ModuleType("doc_sample")
    exec(textwrap.dedent('''\
        def f():
            """
            >>> 1 + 1
            2
            """
        '''), module.__dict__)
    module.f.__module__ = "doc_sample"
    return module


class Pattern(TestCase):
    def test_load_tests_gets_the_pattern_only_when_discovered(self) -> None:
        folder = write_files(new_folder(self), {"test_pat.py": textwrap.dedent("""\
            import unittest

            def load_tests(loader, tests, pattern):
                class Seen(unittest.TestCase):
                    def runTest(self): pass
                Seen.__qualname__ = f"Seen_{pattern}".replace("*", "S").replace(".", "_")
                return unittest.TestSuite([Seen()])
            """)})
        self.assertEqual(list(load_in_process(folder)), ["test_pat.Seen_test_S_py.runTest"])
        self.assertEqual(list(load_in_process(folder, "test_pat")), ["test_pat.Seen_None.runTest"])
