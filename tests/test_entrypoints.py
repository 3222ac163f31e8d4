"""The three ways to start trialish all work: console script, bin/, -m."""

from __future__ import annotations

import os
import subprocess
import sys


from ._support import REPO, TestCase


class EntryPoints(TestCase):
    def _version(self, command: list[str]) -> str:
        env = dict(os.environ)
        env.pop("PYTHONPATH", None)
        process = subprocess.run(command, capture_output=True, text=True, env=env,
                                 cwd=os.path.abspath(self.mktemp().rsplit(os.sep, 1)[0]),
                                 timeout=60)
        self.assertEqual(process.returncode, 0, process.stderr)
        self.assertEqual(process.stderr, "")
        return process.stdout

    def test_python_dash_m(self) -> None:
        self.assertRegex(self._version([sys.executable, "-m", "trialish", "--version"]),
                         r"^trialish \d+\.\d+\.\d+ \(Twisted [^,]+, Python 3\.\d+")

    def test_bin_script_from_a_checkout(self) -> None:
        out = self._version([sys.executable, os.path.join(REPO, "bin", "trialish"), "--version"])
        self.assertTrue(out.startswith("trialish "), out)

    def test_console_script(self) -> None:
        script = os.path.join(os.path.dirname(sys.executable), "trialish")
        if not os.path.exists(script):
            self.skipTest("trialish is not installed as a console script here")
        self.assertTrue(self._version([script, "--version"]).startswith("trialish "))

    def test_version_does_not_import_the_reactor_or_trial(self) -> None:
        code = ("import sys, trialish._cli as c; c.main(['--version']); "
                "print(sorted(m for m in sys.modules if m.startswith(('twisted.internet.reactor', "
                "'twisted.trial', 'twisted.internet.defer'))))")
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             cwd=REPO, timeout=60).stdout
        self.assertTrue(out.rstrip().endswith("[]"), out)


class PublicNames(TestCase):
    def test_every_name_a_report_shows_as_trialish_x_can_be_imported_from_trialish(self) -> None:
        import importlib
        import pkgutil

        import trialish

        shown = {}
        for module in pkgutil.iter_modules(trialish.__path__):
            if module.name in ("__main__", "_worker"):
                continue
            loaded = importlib.import_module(f"trialish.{module.name}")
            for value in vars(loaded).values():
                if isinstance(value, type) and value.__module__ == "trialish":
                    shown[value.__name__] = value
        self.assertIn("ReactorMisuseError", shown)
        for name, klass in shown.items():
            self.assertIs(getattr(trialish, name, None), klass, name)
            self.assertIn(name, trialish.__all__)
