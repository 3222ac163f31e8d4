"""Command-line faults not covered elsewhere: the same tests named several ways.

Covered elsewhere (see docs/reliability.md): unknown options and bad values
(tests/test_cli.py UsageErrors), NAMEs that name nothing
(tests/test_discovery.py), an empty folder (tests/test_cli.py ExitCodes,
exit 5), 10,000 tests (tests/test_faults_load.py).
"""

from __future__ import annotations

import os


from ._support import TestCase, assert_each_once, assert_temp_intact, bw, write_files

SOURCE = '''\
import unittest


class Twice(unittest.TestCase):
    def test_a(self):
        with open("a-ran", "a") as handle:
            handle.write("x")

    def test_b(self):
        pass
'''


class SameNameTwice(TestCase):
    def test_overlapping_names_run_each_test_once(self) -> None:
        folder = write_files(os.path.abspath(self.mktemp()), {
            "pkg/__init__.py": "", "pkg/test_twice.py": SOURCE,
            "test_broken.py": "raise RuntimeError('broken')\n"})
        run = bw("pkg", "pkg.test_twice", "pkg/test_twice.py", "pkg.test_twice.Twice",
                 "pkg.test_twice.Twice.test_a", "./pkg/test_twice.py", "pkg",
                 "test_broken", "test_broken.py", cwd=folder)
        expected = {"pkg.test_twice.Twice.test_a": "OK", "pkg.test_twice.Twice.test_b": "OK",
                    "test_broken": "ERROR"}
        self.assertEqual(run.code, 1, run)
        assert_each_once(self, run, expected)
        self.assertEqual(run.temp_file("a-ran"), "x")
        assert_temp_intact(self, run, ["pkg.test_twice.Twice.test_a", "pkg.test_twice.Twice.test_b"])
