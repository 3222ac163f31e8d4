"""_plan: what a run runs and says about it; --shard-durations read from a results file."""

from __future__ import annotations

import os
import re
import textwrap

from trialish._config import UsageError
from trialish._plan import read_durations

from ._support import TestCase, new_folder, ran, trialish, write_files

SLOW_AND_FAST = textwrap.dedent("""\
    import time
    import unittest

    class Slow(unittest.TestCase):
        def test_slow(self):
            time.sleep(0.3)

    """) + "".join(textwrap.dedent(f"""\
    class Fast{index}(unittest.TestCase):
        def test_a(self):
            pass

        def test_b(self):
            pass

    """) for index in range(5))


class ReadDurations(TestCase):
    def write(self, name: str, text: str) -> str:
        path = os.path.join(new_folder(self), name)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        return path

    def test_junit_xml(self) -> None:
        path = self.write("r.xml", '<testsuites><testsuite><testcase classname="m.C" name="test_a" '
                                   'time="1.500"/><testcase classname="m.C" name="test_b" '
                                   'time="0.010"/></testsuite></testsuites>')
        self.assertEqual(read_durations(path), {"m.C.test_a": 1.5, "m.C.test_b": 0.01})

    def test_json_lines(self) -> None:
        path = self.write("r.jsonl", '{"type": "start", "total": 1}\n'
                                     '{"type": "test", "id": "m.C.test_a", "duration": 2.0}\n'
                                     '{"type": "summary"}\n')
        self.assertEqual(read_durations(path), {"m.C.test_a": 2.0})

    def test_anything_else_is_a_usage_error(self) -> None:
        for text in ("not json", '{"type": "test"}', "<open"):
            with self.assertRaises(UsageError):
                read_durations(self.write("bad", text))
        with self.assertRaises(UsageError):
            read_durations(os.path.join(new_folder(self), "missing.xml"))


class ShardsByTimes(TestCase):
    def test_times_from_an_earlier_run_balance_the_shards(self) -> None:
        folder = write_files(new_folder(self), {"test_mix.py": SLOW_AND_FAST})
        first = trialish("--junitxml", "times.xml", "test_mix.py", cwd=folder)
        self.assertEqual(first.code, 0, first)
        shares = []
        for index in (1, 2):
            run = trialish("--reporter=bwverbose", "--shard", f"{index}/2", "--shard-durations",
                           "times.xml", "test_mix.py", cwd=folder)
            self.assertEqual(run.code, 0, run)
            self.assertIn("(balanced by the times in times.xml)", run.out)
            shares.append(ran(run.out))
        # The slow class alone on one shard, the five fast ones on the other.
        self.assertIn(["test_mix.Slow.test_slow"], shares)
        self.assertEqual(sorted(shares[0] + shares[1]), sorted(ran(trialish(
            "--reporter=bwverbose", "test_mix.py", cwd=folder).out)))

    def test_without_times_by_count_and_the_same_on_every_run(self) -> None:
        folder = write_files(new_folder(self), {"test_mix.py": SLOW_AND_FAST})
        runs = [trialish("--reporter=bwverbose", "--shard", "1/2", "test_mix.py", cwd=folder)
                for _ in range(2)]
        self.assertIn("(balanced by test count)", runs[0].out)
        self.assertEqual(ran(runs[0].out), ran(runs[1].out))
        self.assertEqual(len(re.findall(r"\[OK\]", runs[0].out)), 6, runs[0])
