"""The pure parts of ``-j``: cutting the suite into batches, hang limits, death messages."""

from __future__ import annotations

import unittest

from trialish._specs import TestSpec
from trialish._batches import (MIN_PIECES, death_text, hang_limit, has_class_fixtures,
                               plan_batches, timeout_of)

from ._support import TestCase


class Plain(unittest.TestCase):
    pass


class Fixtured(unittest.TestCase):
    @classmethod
    def setUpClass(cls) -> None:
        pass


class Torn(unittest.TestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        pass


class WithTimeouts(unittest.TestCase):
    timeout = 7

    def check_own(self) -> None:  # not test_*: this class is no test of ours
        pass

    check_own.timeout = 2  # type: ignore[attr-defined]

    def check_class(self) -> None:
        pass


def specs_of(cls: type, count: int, prefix: str = "m") -> list[TestSpec]:
    return [TestSpec(f"{prefix}.{cls.__name__}.test_{n:03d}", cls, f"test_{n:03d}")
            for n in range(count)]


def flat(batches: list[list[str]]) -> list[str]:
    return [test_id for batch in batches for test_id in batch]


class PlanBatches(TestCase):
    def test_class_fixtures_are_never_split(self) -> None:
        self.assertFalse(has_class_fixtures(Plain))
        self.assertTrue(has_class_fixtures(Fixtured))
        self.assertTrue(has_class_fixtures(Torn))
        suite = specs_of(Plain, 30) + specs_of(Fixtured, 100) + specs_of(Plain, 100, prefix="n")
        batches = plan_batches(suite, 2)
        fixtured = [spec.test_id for spec in suite[30:130]]
        self.assertIn(fixtured, batches)  # bigger than a piece, yet whole
        self.assertEqual(flat(batches), [spec.test_id for spec in suite])

    def test_nothing_recorded_keeps_the_serial_order_in_shrinking_pieces(self) -> None:
        suite = specs_of(Plain, 2000)
        batches = plan_batches(suite, 2)
        self.assertEqual(flat(batches), [spec.test_id for spec in suite])
        sizes = [len(batch) for batch in batches]
        self.assertEqual(sizes, sorted(sizes, reverse=True))
        self.assertEqual(sizes[0], 2000 // 4)  # a quarter: half of the whole for each worker
        self.assertEqual(min(sizes[:-1]), 2000 // (2 * MIN_PIECES))  # the floor
        self.assertLess(len(batches), 30)

    def test_a_batch_may_hold_several_classes_but_never_cuts_a_fixture_class(self) -> None:
        suite = specs_of(Plain, 3) + specs_of(Torn, 3) + specs_of(Plain, 3, prefix="n")
        batches = plan_batches(suite, 1)
        self.assertEqual(flat(batches), [spec.test_id for spec in suite])
        self.assertIn([spec.test_id for spec in suite[3:6]], batches)
        self.assertEqual(plan_batches(specs_of(Plain, 2) + specs_of(Plain, 2, "n"), 1)[0],
                         ["m.Plain.test_000", "m.Plain.test_001"])

    def test_recorded_durations_cut_by_time_and_come_longest_first(self) -> None:
        suite = specs_of(Plain, 40)
        durations = {spec.test_id: 0.01 for spec in suite}
        durations["m.Plain.test_005"] = 1.0
        durations["m.Plain.test_030"] = 0.5
        batches = plan_batches(suite, 2, durations)
        self.assertEqual(sorted(flat(batches)), sorted(spec.test_id for spec in suite))
        self.assertEqual(batches[0], ["m.Plain.test_005"])  # the slow test alone, first
        costs = [sum(durations[t] for t in batch) for batch in batches]
        self.assertEqual(costs, sorted(costs, reverse=True))
        for batch in batches:  # serial order within each batch
            self.assertEqual(batch, sorted(batch))

    def test_unknown_tests_count_as_the_mean(self) -> None:
        suite = specs_of(Plain, 4) + specs_of(Fixtured, 4)
        durations = {"m.Plain.test_000": 3.0, "m.Plain.test_001": 1.0}  # mean 2.0
        batches = plan_batches(suite, 1, durations)
        # 16 s in all: 8 s of Plain (3 + 1 + 2 + 2), then the fixture class's 4 x 2 s.
        self.assertEqual(batches, [[spec.test_id for spec in suite[:4]],
                                   [spec.test_id for spec in suite[4:]]])

    def test_load_errors_and_empty(self) -> None:
        self.assertEqual(plan_batches([], 2), [])
        suite = [TestSpec("m.broken")] + specs_of(Plain, 2)
        self.assertEqual(sorted(flat(plan_batches(suite, 4))), sorted(s.test_id for s in suite))


class Hangs(TestCase):
    def test_timeouts_come_from_the_method_then_the_class(self) -> None:
        self.assertEqual(timeout_of(TestSpec("m.W.check_own", WithTimeouts, "check_own"), 120), 2)
        self.assertEqual(timeout_of(TestSpec("m.W.check_class", WithTimeouts, "check_class"), 120), 7)
        self.assertEqual(timeout_of(TestSpec("m.P.test_x", Plain, "test_x"), 120), 120)
        self.assertEqual(timeout_of(TestSpec("doctest", case=Plain()), 9), 9)

    def test_the_limit_is_well_past_the_timeout(self) -> None:
        self.assertEqual(hang_limit(0.5), 3.5)
        self.assertEqual(hang_limit(120), 362)

    def test_death_texts(self) -> None:
        self.assertIn("(it exited with code 3; worker 1, pid 42)", death_text(1, 42, 3))
        self.assertIn("(killed by signal 11 (SIGSEGV); worker 0, pid 7)", death_text(0, 7, -11))
        hung = death_text(0, 7, -9, hung=2.0)
        self.assertIn("trialish.WorkerHungError: this test hung: it kept its worker busy for more "
                      "than 8 seconds (its timeout is 2 seconds)", hung)
        for text in (death_text(1, 42, 3), hung):
            self.assertTrue(text.startswith("Traceback (most recent call last):\nFailure: "))
