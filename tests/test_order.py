"""Test order: alphabetical (default), --order toptobottom, -z/--random SEED."""

from __future__ import annotations

import re
import textwrap

from trialish._discovery import TestSpec
from trialish._order import ORDERS, order_specs, pick_seed

from ._support import TestCase, bw, load_in_process, new_folder, ran, write_files


def spec(test_id: str, *position: int) -> TestSpec:
    return TestSpec(test_id=test_id, position=tuple(position) or (0, 0, 0, 0))


def ids(specs: list[TestSpec]) -> list[str]:
    return [s.test_id for s in specs]


# A module whose source order differs from its alphabetical order everywhere:
# classes, methods, a method inherited from a mixin, a decorated method.
SOURCE_ORDER = textwrap.dedent("""\
    import functools
    import unittest

    def decorated(function):
        @functools.wraps(function)
        def wrapper(self):
            return function(self)
        return wrapper

    class Zeta(unittest.TestCase):
        def test_b(self): pass
        def test_a(self): pass

    class Mixin:
        def test_m(self): pass

    class Alpha(Mixin, unittest.TestCase):
        def test_y(self): pass
        @decorated
        def test_c(self): pass
        def test_x(self): pass
    """)
SOURCE_IDS = ["test_src.Zeta.test_b", "test_src.Zeta.test_a", "test_src.Alpha.test_m",
              "test_src.Alpha.test_y", "test_src.Alpha.test_c", "test_src.Alpha.test_x"]


class OrderSpecs(TestCase):
    """The pure function, on hand-made specs."""

    def test_alphabetical_by_full_id(self) -> None:
        specs = [spec("b.A.test_a"), spec("a.Z.test_b"), spec("a.Z.test_a"), spec("a.B.test_z")]
        self.assertEqual(ids(order_specs(specs)),
                         ["a.B.test_z", "a.Z.test_a", "a.Z.test_b", "b.A.test_a"])

    def test_toptobottom_by_position_then_id(self) -> None:
        specs = [spec("m.A.test_a", 0, 1, 0, 9), spec("m.B.test_z", 0, 0, 0, 5),
                 spec("m.B.test_y", 0, 0, 0, 7), spec("n.C.test_b", 1, 0, 0, 1),
                 spec("m.B.test_tie2", 0, 0, 0, 7)]
        self.assertEqual(ids(order_specs(specs, "toptobottom")),
                         ["m.B.test_z", "m.B.test_tie2", "m.B.test_y", "m.A.test_a", "n.C.test_b"])

    def test_same_seed_same_order_whatever_the_input_order(self) -> None:
        specs = [spec(f"m.C.test_{n:02}") for n in range(30)]
        first = ids(order_specs(specs, seed=1234))
        self.assertEqual(ids(order_specs(list(reversed(specs)), seed=1234)), first)
        self.assertEqual(sorted(first), ids(specs))  # a permutation: nothing lost or doubled
        self.assertNotEqual(first, ids(specs))
        self.assertNotEqual(ids(order_specs(specs, seed=1235)), first)

    def test_seed_wins_over_order(self) -> None:
        specs = [spec(f"m.C.test_{n:02}", 0, 0, 0, n) for n in range(10)]
        self.assertEqual(ids(order_specs(specs, "toptobottom", seed=7)), ids(order_specs(specs, seed=7)))

    def test_unknown_order_is_refused(self) -> None:
        with self.assertRaises(ValueError) as caught:
            order_specs([], "sideways")
        self.assertIn("sideways", str(caught.exception))

    def test_every_order_is_described(self) -> None:
        self.assertEqual(sorted(ORDERS), ["alphabetical", "toptobottom"])

    def test_picked_seed_can_be_passed_back(self) -> None:
        for _ in range(20):
            seed = pick_seed()
            self.assertIsInstance(seed, int)
            self.assertGreater(seed, 0)  # 0 would mean "pick one" again


class SourceOrderOfRealModules(TestCase):
    """Positions the Loader records, sorted by order_specs."""

    def test_classes_and_methods_in_the_order_written(self) -> None:
        folder = write_files(new_folder(self), {"test_src.py": SOURCE_ORDER})
        specs = load_in_process(folder, "test_src")
        self.assertEqual(ids(order_specs(list(specs.values()), "toptobottom")), SOURCE_IDS)

    def test_modules_in_the_order_they_were_found(self) -> None:
        folder = write_files(new_folder(self), {
            "test_first.py": "import unittest\nclass A(unittest.TestCase):\n    def test_1(self): pass\n",
            "test_second.py": "import unittest\nclass A(unittest.TestCase):\n    def test_1(self): pass\n"})
        specs = list(load_in_process(folder, "test_second", "test_first").values())
        self.assertEqual(ids(order_specs(specs, "toptobottom")),
                         ["test_second.A.test_1", "test_first.A.test_1"])
        specs = list(load_in_process(folder).values())  # a walk finds files by name
        self.assertEqual(ids(order_specs(specs, "toptobottom")),
                         ["test_first.A.test_1", "test_second.A.test_1"])


class OrderOnTheCommandLine(TestCase):
    def suite(self) -> str:
        return write_files(new_folder(self), {"test_src.py": SOURCE_ORDER})

    def test_default_is_alphabetical(self) -> None:
        run = bw("test_src", cwd=self.suite())
        self.assertEqual(ran(run.out), sorted(SOURCE_IDS), run)

    def test_toptobottom(self) -> None:
        run = bw("--order", "toptobottom", "test_src", cwd=self.suite())
        self.assertEqual(ran(run.out), SOURCE_IDS, run)
        self.assertEqual(run.code, 0, run)

    def test_random_seed_is_printed_and_reproducible(self) -> None:
        folder = self.suite()
        first = bw("-z", "31337", "test_src", cwd=folder)
        again = bw("--random", "31337", "test_src", cwd=folder)
        self.assertTrue(first.out.startswith("Running tests shuffled with seed 31337\n"), first)
        self.assertEqual(ran(first.out), ran(again.out))
        self.assertEqual(sorted(ran(first.out)), sorted(SOURCE_IDS))
        self.assertEqual(ran(first.out), ids(order_specs([spec(i) for i in SOURCE_IDS], seed=31337)))

    def test_random_zero_picks_a_seed_that_replays_the_run(self) -> None:
        folder = self.suite()
        picked = bw("-z", "0", "test_src", cwd=folder)
        match = re.match(r"Running tests shuffled with seed (\d+)\n", picked.out)
        self.assertIsNotNone(match, picked)
        assert match is not None
        self.assertNotEqual(match.group(1), "0")
        replay = bw("-z", match.group(1), "test_src", cwd=folder)
        self.assertEqual(ran(replay.out), ran(picked.out))
        self.assertEqual(len(ran(picked.out)), len(SOURCE_IDS))
