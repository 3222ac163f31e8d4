"""Finding tests: every form of NAME, discovery without NAMEs, and load errors.

The black-box tests run trialish on a small project written into a temp
folder and read the bwverbose lines (``id ... [STATUS]``), so they check
what a user sees.  The in-process tests drive :class:`Loader` directly for
details that need no subprocess (ids, skipped folders, error texts); they
restore ``sys.path``, ``sys.modules`` and the working directory afterwards.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

from trialish._discovery import TestSpec, module_name_for

from ._support import (
    TestCase, bw, case, error_blocks, load_in_process, new_folder, outcomes, ran, write_files,
)


# -- unit: module_name_for -------------------------------------------------------


class ModuleNameFor(TestCase):
    def test_file_outside_a_package_is_top_level(self) -> None:
        folder = write_files(new_folder(self), {"test_x.py": ""})
        self.assertEqual(module_name_for(os.path.join(folder, "test_x.py")), ("test_x", folder))

    def test_file_in_nested_packages_gets_full_dotted_name(self) -> None:
        folder = write_files(new_folder(self), {
            "src/app/__init__.py": "", "src/app/sub/__init__.py": "", "src/app/sub/test_y.py": ""})
        name, root = module_name_for(os.path.join(folder, "src", "app", "sub", "test_y.py"))
        self.assertEqual((name, root), ("app.sub.test_y", os.path.join(folder, "src")))

    def test_package_init_is_the_package(self) -> None:
        folder = write_files(new_folder(self), {"app/__init__.py": "", "app/sub/__init__.py": ""})
        self.assertEqual(module_name_for(os.path.join(folder, "app", "sub", "__init__.py")),
                         ("app.sub", folder))

    def test_relative_path_gives_absolute_root(self) -> None:
        folder = write_files(new_folder(self), {"pkg/__init__.py": "", "pkg/test_z.py": ""})
        saved = os.getcwd()
        os.chdir(os.path.join(folder, "pkg"))
        self.addCleanup(os.chdir, saved)
        self.assertEqual(module_name_for("test_z.py"), ("pkg.test_z", folder))


# -- in-process: what the Loader collects ---------------------------------------


class LoaderCollects(TestCase):
    def test_every_kind_of_testcase_and_only_test_methods(self) -> None:
        folder = write_files(new_folder(self), {"test_kinds.py": textwrap.dedent("""\
            import unittest
            import trialish
            from twisted.trial import unittest as trial_unittest

            class Stdlib(unittest.TestCase):
                test_data = [1, 2]            # not callable: not a test
                def helper(self): pass        # no test prefix: not a test
                def test_one(self): pass

            class Trial(trial_unittest.TestCase):
                def test_two(self): pass

            class Ours(trialish.TestCase):
                def test_three(self): pass

            class NotACase:
                def test_never(self): pass
            """)})
        specs = load_in_process(folder)
        self.assertEqual(sorted(specs), ["test_kinds.Ours.test_three", "test_kinds.Stdlib.test_one",
                                         "test_kinds.Trial.test_two"])

    def test_no_name_skips_hidden_venv_temp_and_build_folders(self) -> None:
        skipped = [".hidden", "venv", "_trial_temp", "_trial_temp-2", "node_modules", "build",
                   "dist", "thing.egg-info", "scratch"]
        files = {f"{where}/test_{index}.py": case("test_x", f"Skipped{index}")
                 for index, where in enumerate(skipped)}
        files.update({"venv/pyvenv.cfg": "", "scratch/_trial_marker": "",
                      "test_top.py": case("test_x", "Top"),
                      "plain/deeper/test_deep.py": case("test_x", "Deep"),
                      "pkg/__init__.py": "", "pkg/sub/__init__.py": "",
                      "pkg/sub/test_inner.py": case("test_x", "Inner"),
                      "pkg/helper.py": case("test_x", "NotATestModule"),
                      "pkg/testing.py": case("test_x", "PrefixIsTestUnderscore")})
        folder = write_files(new_folder(self), files)
        self.assertEqual(sorted(load_in_process(folder)), [
            "pkg.sub.test_inner.Inner.test_x", "test_deep.Deep.test_x", "test_top.Top.test_x"])

    def test_no_recurse_keeps_to_the_top_level(self) -> None:
        folder = write_files(new_folder(self), {
            "nrpkg/__init__.py": "", "nrpkg/test_top.py": case("test_x", "Top"),
            "nrpkg/sub/__init__.py": "", "nrpkg/sub/test_low.py": case("test_x", "Low"),
            "plain/test_flat.py": case("test_x", "Flat"), "plain/deeper/test_deep.py": case("test_x", "Deep")})
        self.assertEqual(sorted(load_in_process(folder, "nrpkg", "plain", recurse=False)),
                         ["nrpkg.test_top.Top.test_x", "test_flat.Flat.test_x"])
        self.assertEqual(sorted(load_in_process(folder, "nrpkg", "plain")), [
            "nrpkg.sub.test_low.Low.test_x", "nrpkg.test_top.Top.test_x",
            "test_deep.Deep.test_x", "test_flat.Flat.test_x"])

    def test_file_in_package_is_imported_under_its_dotted_name(self) -> None:
        folder = write_files(new_folder(self), {
            "dotpkg/__init__.py": "", "dotpkg/sub/__init__.py": "",
            "dotpkg/sub/test_rel.py": "from . import helper\n" + case("test_y", "Rel"),
            "dotpkg/sub/helper.py": ""})
        specs = load_in_process(folder, os.path.join("dotpkg", "sub", "test_rel.py"))
        self.assertEqual(list(specs), ["dotpkg.sub.test_rel.Rel.test_y"])
        self.assertIsNone(specs["dotpkg.sub.test_rel.Rel.test_y"].load_error)

    def test_method_of_a_nested_class(self) -> None:
        folder = write_files(new_folder(self), {"test_nest.py": textwrap.dedent("""\
            import unittest
            class Outer:
                class Inner(unittest.TestCase):
                    def test_a(self): pass
                    def test_b(self): pass
            """)})
        specs = load_in_process(folder, "test_nest.Outer.Inner.test_b")
        self.assertEqual(list(specs), ["test_nest.Outer.Inner.test_b"])
        self.assertIsNone(specs["test_nest.Outer.Inner.test_b"].load_error)
        self.assertEqual(specs["test_nest.Outer.Inner.test_b"].method_name, "test_b")

    def test_two_modules_with_one_name_are_an_error_not_a_mixup(self) -> None:
        folder = write_files(new_folder(self), {
            "a/test_same.py": case("test_a", "A"), "b/test_same.py": case("test_b", "B")})
        specs = load_in_process(folder)
        self.assertIn("test_same.A.test_a", specs)
        self.assertNotIn("test_same.B.test_b", specs)
        self.assertIn("already taken by", specs["test_same"].load_error or "")


class LoaderErrors(TestCase):
    def test_import_error_text_has_only_the_users_frames(self) -> None:
        folder = write_files(new_folder(self), {
            "test_raises.py": "import helper_boom\n",
            "helper_boom.py": "def boom():\n    raise RuntimeError('at import')\nboom()\n",
            "test_fine.py": case("test_ok", "Fine")})
        specs = load_in_process(folder)
        self.assertIn("test_fine.Fine.test_ok", specs)
        text = specs["test_raises"].load_error or ""
        frames = re.findall(r'^  File "([^"]+)", line (\d+), in (\S+)$', text, re.M)
        self.assertEqual([(os.path.basename(f), int(line), where) for f, line, where in frames], [
            ("test_raises.py", 1, "<module>"), ("helper_boom.py", 3, "<module>"),
            ("helper_boom.py", 2, "boom")])
        self.assertTrue(text.endswith("builtins.RuntimeError: at import\n"), text)

    def test_syntax_error_shows_the_line_and_the_caret(self) -> None:
        folder = write_files(new_folder(self), {"test_syn.py": "def f(:\n    pass\n"})
        text = load_in_process(folder)["test_syn"].load_error or ""
        self.assertRegex(text, r'File ".*test_syn\.py", line 1\n    def f\(:\n +\^\n')
        self.assertTrue(text.endswith("builtins.SyntaxError: invalid syntax\n"), text)
        self.assertNotIn("importlib", text)

    def test_a_name_given_twice_is_imported_once(self) -> None:
        """A module that fails to import is not cached: only the loader can
        keep it from running its import-time code (and reporting) twice."""
        folder = write_files(new_folder(self), {"test_once.py": textwrap.dedent("""\
            with open("imports.txt", "a") as handle:
                handle.write("imported\\n")
            raise RuntimeError("broken")
            """)})
        specs = load_in_process(folder, "test_once.py", "test_once.py", "./test_once.py")
        self.assertEqual(list(specs), ["test_once"])
        with open(os.path.join(folder, "imports.txt"), encoding="utf-8") as handle:
            self.assertEqual(handle.read(), "imported\n")

    def test_names_that_name_nothing_are_one_sentence_each(self) -> None:
        folder = write_files(new_folder(self), {"test_have.py": case("test_yes", "Have"),
                                             "helpers_mod.py": "def f(): pass\n"})
        names = ["missing.py", "nowhere/test_x.py", "no_such_module_here", "test_have.Nope",
                 "test_have.Have.test_nope", "helpers_mod.f", "not-a-name", "test_have.Have.test_yes"]
        specs = load_in_process(folder, *names)
        expected = {
            "missing.py": "no such file or folder",
            "nowhere/test_x.py": "no such file or folder",
            "no_such_module_here": "no module or package 'no_such_module_here'",
            "test_have.Nope": "module test_have has no submodule, class or function 'Nope'",
            "test_have.Have.test_nope": "class test_have.Have has no test method 'test_nope'",
            "helpers_mod.f": "is a function, not a test module",
            "not-a-name": "neither an existing file or folder nor a dotted Python name",
        }
        for name, words in expected.items():
            message = specs[name].load_error or ""
            self.assertIn(words, message, name)
            self.assertEqual(message.count("\n"), 1, message)  # one line
            self.assertNotIn("Traceback", message)
        self.assertIsNone(specs["test_have.Have.test_yes"].load_error)


# -- black box: what the user runs ------------------------------------------------


class FindingTests(TestCase):
    def project(self) -> str:
        return write_files(new_folder(self), {
            "mypkg/__init__.py": "",
            "mypkg/test_a.py": case("test_z test_a", "B"),
            "mypkg/sub/__init__.py": "",
            "mypkg/sub/test_b.py": "from mypkg.test_a import B\n" + case("test_d", "D"),
            "mypkg/sub/test_c.py": "from mypkg.test_a import B\nfrom mypkg.sub.test_b import D\n",
            "plain/test_p.py": case("test_p", "P"),
            ".hidden/test_h.py": case("test_h", "H"),
            "env/pyvenv.cfg": "", "env/test_v.py": case("test_v", "V"),
        })

    def test_no_name_discovers_under_the_current_directory(self) -> None:
        run = bw(cwd=self.project())
        self.assertEqual(ran(run.out), ["mypkg.sub.test_b.D.test_d", "mypkg.test_a.B.test_a",
                                        "mypkg.test_a.B.test_z", "test_p.P.test_p"], run)
        self.assertEqual(run.code, 0, run)

    def test_every_form_of_name_and_each_test_once(self) -> None:
        folder = self.project()
        run = bw("mypkg.test_a.B.test_z", "mypkg.sub.test_b.D", "./plain/test_p.py",
                 os.path.join(folder, "plain", "test_p.py"), "plain", "mypkg.sub", "mypkg.sub",
                 cwd=folder)
        self.assertEqual(ran(run.out), ["mypkg.sub.test_b.D.test_d", "mypkg.test_a.B.test_a",
                                        "mypkg.test_a.B.test_z", "test_p.P.test_p"], run)
        self.assertEqual(run.code, 0, run)

    def test_file_name_without_a_slash_inside_a_package(self) -> None:
        folder = self.project()
        run = bw("test_b.py", cwd=os.path.join(folder, "mypkg", "sub"))
        self.assertEqual(ran(run.out), ["mypkg.sub.test_b.D.test_d", "mypkg.test_a.B.test_a",
                                        "mypkg.test_a.B.test_z"], run)

    def test_console_script_has_the_current_directory_on_sys_path(self) -> None:
        script = os.path.join(os.path.dirname(sys.executable), "trialish")
        if not os.path.exists(script):
            self.skipTest("the trialish console script is not installed next to this Python")
        folder = write_files(new_folder(self), {
            "mylib.py": "ANSWER = 42\n",
            "tests/test_uses_lib.py": "import unittest, mylib\n\nclass L(unittest.TestCase):\n"
                                      "    def test_lib(self):\n        self.assertEqual(mylib.ANSWER, 42)\n",
            "test_top.py": case("test_t", "T"),
        })
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "FORCE_COLOR")}
        process = subprocess.run([script, "--reporter=bwverbose", "tests", "test_top"], cwd=folder,
                                 env=env, capture_output=True, text=True, timeout=120)
        self.assertEqual(outcomes(process.stdout), [("test_top.T.test_t", "OK"),
                                                    ("test_uses_lib.L.test_lib", "OK")], process.stdout)
        self.assertEqual(process.returncode, 0, process.stderr)


class LoadErrors(TestCase):
    def test_each_broken_module_is_one_error_and_the_rest_run(self) -> None:
        folder = write_files(new_folder(self), {
            "test_syntax.py": "import unittest\nclass S(unittest.TestCase):\n    def test_x(self)\n        pass\n",
            "test_missing.py": "import no_such_dependency_xyz\n",
            "test_raises.py": "raise ValueError('broken at import')\n",
            "test_exits.py": "import sys\nsys.exit(3)\n",
            "test_good.py": case("test_ok", "Good"),
        })
        run = bw(cwd=folder)
        self.assertEqual(outcomes(run.out), [
            ("test_exits", "ERROR"), ("test_good.Good.test_ok", "OK"), ("test_missing", "ERROR"),
            ("test_raises", "ERROR"), ("test_syntax", "ERROR")], run)
        self.assertEqual(run.code, 1, run)
        blocks = error_blocks(run.out)
        self.assertTrue(blocks["test_exits"].endswith("builtins.SystemExit: 3"), run)
        self.assertTrue(blocks["test_missing"].endswith(
            "builtins.ModuleNotFoundError: No module named 'no_such_dependency_xyz'"), run)
        self.assertIn('test_raises.py", line 1, in <module>\n    raise ValueError', blocks["test_raises"])
        self.assertIn("line 3\n    def test_x(self)\n", blocks["test_syntax"])
        for text in blocks.values():
            self.assertTrue(text.startswith("Traceback (most recent call last):\n"), text)
            self.assertNotIn("importlib", text)
            self.assertNotIn(os.sep + "trialish" + os.sep, text)

    def test_name_that_names_nothing_is_an_error_not_a_crash(self) -> None:
        folder = write_files(new_folder(self), {"test_here.py": case("test_ok", "Here")})
        run = bw("test_here.Here.test_gone", "test_gone.py", "gone_module", "test_here.Here.test_ok",
                 cwd=folder)
        self.assertEqual(outcomes(run.out), [
            ("gone_module", "ERROR"), ("test_gone.py", "ERROR"), ("test_here.Here.test_gone", "ERROR"),
            ("test_here.Here.test_ok", "OK")], run)
        blocks = error_blocks(run.out)
        self.assertIn("has no test method 'test_gone'", blocks["test_here.Here.test_gone"])
        self.assertIn("no such file or folder", blocks["test_gone.py"])
        self.assertIn("no module or package 'gone_module'", blocks["gone_module"])
        self.assertNotIn("Traceback", run.out + run.err)
        self.assertEqual(run.code, 1, run)


class LazyPosition(TestCase):
    """``position`` is only needed by --order toptobottom: worked out when asked."""

    def test_position_is_computed_on_first_use_with_the_same_result(self) -> None:
        folder = write_files(new_folder(self), {"test_pos.py": textwrap.dedent("""\
            import functools, unittest

            def wrapped(function):
                @functools.wraps(function)
                def wrapper(self):
                    return function(self)
                return wrapper

            class Base(unittest.TestCase):
                def test_base(self): pass

            class Second(Base):
                @wrapped
                def test_decorated(self): pass
                def test_plain(self): pass
            """)})
        specs = load_in_process(folder)
        self.assertTrue(all(spec._position is None for spec in specs.values()))
        self.assertEqual(specs["test_pos.Second.test_base"].position[2:], (2, 10))
        self.assertEqual(specs["test_pos.Second.test_decorated"].position[2:], (3, 13))  # a decorated test starts at its decorator
        self.assertEqual(specs["test_pos.Second.test_plain"].position[2:], (3, 15))
        base, second = specs["test_pos.Base.test_base"].position, specs["test_pos.Second.test_plain"].position
        self.assertEqual(base[0], second[0])
        self.assertLess(base[1], second[1])

    def test_a_given_position_is_kept(self) -> None:
        self.assertEqual(TestSpec("x", position=(3, 2, 1, 0)).position, (3, 2, 1, 0))
        self.assertEqual(TestSpec("x", rank=4, load_error="e").position, (4, 0, 0, 0))
