"""Choosing tests: ``-k``, ``--shard``, ``--lf``, ``--ff`` (the pure rules, then the command line)."""

from __future__ import annotations

import json
import os
import re

from trialish._select import by_keywords, failed_first, id_matches, last_failed, shard
from trialish._specs import TestSpec

from ._support import TestCase, copy_sample, trialish

SUITE = ("test_outcomes", "test_fixtures", "test_many")


def specs(*ids: str) -> list[TestSpec]:
    return [TestSpec(test_id) for test_id in ids]


def ids(chosen: list[TestSpec]) -> list[str]:
    return [spec.test_id for spec in chosen]


# 9 classes of unequal sizes: 1 .. 9 tests.
MANY = specs(*(f"mod{c % 3}.Class{c}.test_{t}" for c in range(1, 10) for t in range(c)))


class Keywords(TestCase):
    def test_substring(self) -> None:
        self.assertTrue(id_matches("pkg.test_a.Spam.test_eggs", "Spam.test_e"))
        self.assertFalse(id_matches("pkg.test_a.Spam.test_eggs", "spam"))  # case-sensitive

    def test_glob_matches_anywhere(self) -> None:
        self.assertTrue(id_matches("pkg.test_a.Spam.test_eggs", "Sp*eggs"))
        self.assertTrue(id_matches("pkg.test_a.Spam.test_eggs", "test_?.Spam"))
        self.assertTrue(id_matches("pkg.test_a.Spam.test_eggs", "test_[ab]"))
        self.assertFalse(id_matches("pkg.test_a.Spam.test_eggs", "test_[bc]"))

    def test_any_pattern_selects_and_load_errors_stay(self) -> None:
        broken = TestSpec("broken_module", load_error="ImportError")
        chosen = by_keywords(specs("m.A.test_x", "m.B.test_y", "m.C.test_z") + [broken],
                             ["A.", "test_z"])
        self.assertEqual(ids(chosen), ["m.A.test_x", "m.C.test_z", "broken_module"])
        self.assertEqual(ids(by_keywords(MANY, [])), ids(MANY))


class Shards(TestCase):
    def test_the_shards_partition_the_suite(self) -> None:
        for count in (1, 2, 3, 4, 9, 12):
            shares = [ids(shard(MANY, index, count)) for index in range(1, count + 1)]
            every = [test_id for share in shares for test_id in share]
            self.assertEqual(sorted(every), sorted(ids(MANY)), count)  # each test exactly once
            for share in shares:  # each in the serial order
                self.assertEqual(share, [i for i in ids(MANY) if i in share])

    def test_deterministic_and_independent_of_the_input_order(self) -> None:
        self.assertEqual(ids(shard(MANY, 2, 3)), ids(shard(MANY, 2, 3)))
        reordered = sorted(shard(list(reversed(MANY)), 2, 3), key=lambda s: ids(MANY).index(s.test_id))
        self.assertEqual(ids(reordered), ids(shard(MANY, 2, 3)))

    def test_classes_stay_whole_and_counts_balance(self) -> None:
        shares = [shard(MANY, index, 3) for index in (1, 2, 3)]
        classes = [{spec.test_id.rsplit(".", 1)[0] for spec in share} for share in shares]
        self.assertEqual(sum(len(c) for c in classes), 9)
        # 45 tests, classes of 9, 8, ... 1: greedy gives 9+4+3, 8+5+2, 7+6+1
        self.assertEqual(sorted(len(share) for share in shares), [14, 15, 16])

    def test_recorded_durations_balance_the_time(self) -> None:
        suite = specs(*(f"m.Slow.test_{n}" for n in range(2)), *(f"m.Fast{c}.test_{n}"
                                                               for c in range(4) for n in range(5)))
        durations = {"m.Slow.test_0": 5.0, "m.Slow.test_1": 5.0}
        durations.update({f"m.Fast{c}.test_{n}": 0.5 for c in range(4) for n in range(5)})
        by_count = [ids(shard(suite, index, 2)) for index in (1, 2)]
        by_time = [ids(shard(suite, index, 2, durations)) for index in (1, 2)]

        def seconds(share: list[str]) -> float:
            return sum(durations[test_id] for test_id in share)

        self.assertEqual(sorted(seconds(share) for share in by_time), [10.0, 10.0])
        self.assertNotEqual(sorted(seconds(share) for share in by_count), [10.0, 10.0])
        self.assertEqual(sorted(sum(by_time, [])), sorted(ids(suite)))

    def test_bad_index(self) -> None:
        with self.assertRaises(ValueError):
            shard(MANY, 3, 2)


class LastFailed(TestCase):
    def test_only_the_failed(self) -> None:
        chosen, message = last_failed(MANY, {"mod1.Class4.test_2", "gone.Test.test_x"})
        self.assertEqual(ids(chosen), ["mod1.Class4.test_2"])
        self.assertEqual(message, "--lf: running the 1 test that failed last time (44 deselected)")

    def test_nothing_recorded_runs_everything_and_says_so(self) -> None:
        chosen, message = last_failed(MANY, set())
        self.assertEqual(ids(chosen), ids(MANY))
        self.assertIn("no failed tests recorded in .trialish/, running all tests", message)
        chosen, message = last_failed(MANY, {"gone.Test.test_x"})
        self.assertEqual(ids(chosen), ids(MANY))
        self.assertIn("none of the tests that failed last time", message)

    def test_failed_first_keeps_each_part_in_order(self) -> None:
        chosen, message = failed_first(MANY, {"mod2.Class5.test_4", "mod1.Class1.test_0"})
        self.assertEqual(ids(chosen)[:2], ["mod1.Class1.test_0", "mod2.Class5.test_4"])
        self.assertEqual(ids(chosen)[2:], [i for i in ids(MANY) if i not in ids(chosen)[:2]])
        self.assertEqual(message, "--ff: running the 2 tests that failed last time first")
        chosen, message = failed_first(MANY, set())
        self.assertEqual(ids(chosen), ids(MANY))
        self.assertIn("no failed tests recorded", message)


def ran_ids(out: str) -> list[str]:
    return re.findall(r"^(\S+) \.\.\. \[[^]]+\]$", out, re.MULTILINE)


class CommandLine(TestCase):
    def setUp(self) -> None:
        self.folder = copy_sample("par_suite", os.path.abspath(self.mktemp()))

    def run_(self, *args: str):  # type: ignore[no-untyped-def]
        return trialish("--reporter", "bwverbose", *args, cwd=self.folder)

    def test_k_substring_glob_repeated_and_with_names(self) -> None:
        run = self.run_("-k", "Stdlib", *SUITE)
        self.assertEqual(run.code, 1, run)
        self.assertEqual(ran_ids(run.out), [f"test_outcomes.Stdlib.{name}" for name in (
            "test_expected_failure", "test_ok", "test_skipped", "test_subtests")])
        run = self.run_("-k", "Many?.test_0[12]", "-k", "test_skip_attr", *SUITE)
        self.assertEqual(run.code, 0, run)
        self.assertEqual(ran_ids(run.out), [
            "test_many.ManyA.test_01", "test_many.ManyA.test_02", "test_many.ManyB.test_01",
            "test_many.ManyB.test_02", "test_outcomes.Synchronous.test_skip_attribute"])
        run = self.run_("-k", "test_01", "test_many.ManyB")  # only within the NAMEs
        self.assertEqual(ran_ids(run.out), ["test_many.ManyB.test_01"])

    def test_k_that_matches_nothing(self) -> None:
        run = self.run_("-k", "no_such_test", *SUITE)
        self.assertEqual(run.code, 5, run)
        self.assertIn("no tests found", run.err)

    def test_k_under_j(self) -> None:
        run = self.run_("-j", "2", "-k", "ManyB", *SUITE)
        self.assertEqual(run.code, 0, run)
        self.assertEqual(ran_ids(run.out), [f"test_many.ManyB.test_{n:02d}" for n in range(40)])

    def test_three_shards_run_every_test_exactly_once(self) -> None:
        everything = ran_ids(self.run_(*SUITE).out)
        self.assertEqual(len(everything), 127)
        shares = []
        for index in (1, 2, 3):
            run = self.run_("--shard", f"{index}/3", *SUITE)
            self.assertIn(run.code, (0, 1), run)
            share = ran_ids(run.out)
            self.assertIn(f"Running shard {index}/3: {len(share)} of 127 tests", run.out)
            again = self.run_("--shard", f"{index}/3", "-j", "2", *SUITE)
            self.assertEqual(ran_ids(again.out), share, "the same share every time, -j or not")
            shares.append(share)
        self.assertEqual(sorted(sum(shares, [])), sorted(everything))
        self.assertTrue(all(shares), "no empty shard")

    def test_bad_shards_are_usage_errors(self) -> None:
        for value in ("3/2", "0/2", "x", "1/0", "1/2/3", "-1/2"):
            run = self.run_("--shard", value, *SUITE)
            self.assertEqual(run.code, 4, (value, run))
            self.assertEqual(len(run.err.strip().splitlines()), 1, (value, run))
            self.assertIn("--shard", run.err)
            self.assertNotIn("Traceback", run.err)

    def test_last_failed_and_failed_first(self) -> None:
        run = self.run_("--lf", *SUITE)
        self.assertEqual(run.code, 1, run)
        self.assertIn("--lf: no failed tests recorded in .trialish/, running all tests", run.out)
        self.assertEqual(len(ran_ids(run.out)), 127)
        failed = sorted(test_id for test_id in ran_ids(run.out)
                        if re.search(rf"^{re.escape(test_id)} \.\.\. \[(FAILURE|ERROR)\]$", run.out,
                                     re.MULTILINE))
        self.assertEqual(len(failed), 6)
        with open(os.path.join(self.folder, ".trialish", "state.json")) as handle:
            self.assertEqual(json.load(handle)["failed"], failed)

        for jobs in ("1", "2"):
            run = self.run_("--lf", "-j", jobs, *SUITE)
            self.assertEqual(run.code, 1, run)
            self.assertIn("--lf: running the 6 tests that failed last time (121 deselected)", run.out)
            self.assertEqual(sorted(ran_ids(run.out)), failed)

        run = self.run_("--ff", "-j", "2", *SUITE)
        self.assertIn("--ff: running the 6 tests that failed last time first", run.out)
        self.assertEqual(sorted(ran_ids(run.out)[:6]), failed)
        self.assertEqual(len(ran_ids(run.out)), 127)

        # Fixed: the test passes now, so it leaves the recorded failures.
        path = os.path.join(self.folder, "test_many.py")
        with open(path) as handle:
            source = handle.read()
        with open(path, "w") as handle:
            handle.write(source.replace('self.assertEqual("spam", "eggs")', "pass"))
        run = self.run_("--lf", *SUITE)
        self.assertIn("test_many.Failing.test_one_more_failure ... [OK]", run.out)
        run = self.run_("--lf", *SUITE)
        self.assertIn("--lf: running the 5 tests that failed last time (122 deselected)", run.out)
