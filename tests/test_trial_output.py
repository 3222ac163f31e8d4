"""trialish prints what trial prints: the same suite, both runners, compared."""

from __future__ import annotations

import os
import shutil


from ._support import TestCase, copy_sample, normalise, trialish


def _trial_command() -> str | None:
    import sys

    candidate = os.path.join(os.path.dirname(sys.executable), "trial")
    return candidate if os.path.exists(candidate) else shutil.which("trial")


class SameOutputAsTrial(TestCase):
    def run_both(self, *args: str) -> tuple[str, str, int, int]:
        import subprocess

        trial = _trial_command()
        if trial is None:
            self.skipTest("trial is not installed")
        folder = copy_sample("outcomes", os.path.abspath(self.mktemp()))
        env = dict(os.environ, PYTHONPATH=folder)
        theirs = subprocess.run([trial, *args, "test_outcomes"], cwd=folder, env=env,
                                capture_output=True, text=True, timeout=120)
        ours = trialish(*args, "test_outcomes", cwd=folder)
        return normalise(theirs.stdout), normalise(ours.out), theirs.returncode, ours.code

    def test_verbose_tree_line_for_line(self) -> None:
        theirs, ours, their_code, our_code = self.run_both()
        self.assertIn("  Outcomes\n    test_deferred ...", ours)
        self.assertEqual(ours, theirs)
        self.assertEqual((our_code, their_code), (1, 1))

    def test_bwverbose_line_for_line(self) -> None:
        theirs, ours, _, _ = self.run_both("--reporter=bwverbose")
        self.assertIn("test_outcomes.Outcomes.test_fail ... [FAILURE]\n", ours)
        self.assertEqual(ours, theirs)

    def test_text_reporter_line_for_line(self) -> None:
        theirs, ours, _, _ = self.run_both("--reporter=text")
        self.assertEqual(ours, theirs)
