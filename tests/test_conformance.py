"""conformance/: the bwverbose parser and the trial-vs-trialish comparison.

Pure string tests: they never run Twisted's suite (that is `make conformance`).
"""

from __future__ import annotations

import textwrap

from conformance.outcomes import (
    MISSING, NO_STATUS, Seen, compare, module_of, parse, ran_line, split_summary, tally,
)

from ._support import TestCase

SEP = "-" * 79
DOUBLE = "=" * 79


def outcomes(text: str) -> dict[str, str]:
    return {test_id: seen.outcome for test_id, seen in parse(text).items()}


class Parse(TestCase):
    def test_clean_lines_of_both_runners(self) -> None:
        text = textwrap.dedent(f"""\
            a.b.C.test_ok ... [OK]
            a.b.C.test_fail ... [FAILURE]
            a.b.C.test_error ... [ERROR]
            a.b.C.test_skip ... [SKIPPED]
            a.b.C.test_todo ... [TODO]
            a.b.C.test_unexpected ... [SUCCESS!?!]

            {SEP}
            Ran 6 tests in 0.012s

            FAILED (failures=1, errors=1, skips=1, expectedFailures=1, unexpectedSuccesses=1)
            """)
        self.assertEqual(outcomes(text), {
            "a.b.C.test_ok": "OK", "a.b.C.test_fail": "FAIL", "a.b.C.test_error": "ERROR",
            "a.b.C.test_skip": "SKIP", "a.b.C.test_todo": "TODO",
            "a.b.C.test_unexpected": "UNEXPECTED_SUCCESS",
        })
        self.assertEqual(ran_line(text), (6, 0.012))

    def test_summary_blocks_are_not_test_lines(self) -> None:
        # A traceback in the summary can contain " ... " and status words.
        text = (f"a.C.test_x ... [FAILURE]\n\n{DOUBLE}\n[FAIL]\nTraceback:\n"
                f"  b.C.test_y ... [OK]\nAssertionError\n\na.C.test_x\n{SEP}\nRan 1 tests in 0.1s\n")
        self.assertEqual(outcomes(text), {"a.C.test_x": "FAIL"})
        self.assertTrue(split_summary(text)[1].startswith(DOUBLE))

    def test_several_statuses_keep_the_worst(self) -> None:
        # trial: a class's dirty reactor is reported on its last test's line.
        seen = parse("a.C.test_last ... [OK][ERROR]\n")["a.C.test_last"]
        self.assertEqual(seen.statuses, ["OK", "ERROR"])
        self.assertEqual(seen.outcome, "ERROR")
        self.assertEqual(seen.shown, "ERROR (OK+ERROR)")

    def test_output_between_start_and_status(self) -> None:
        text = "a.C.test_p ... some output\nmore [output]\n[OK]\na.C.test_q ... printed[SKIPPED]\n"
        self.assertEqual(outcomes(text), {"a.C.test_p": "OK", "a.C.test_q": "SKIP"})

    def test_a_start_in_the_middle_of_a_line(self) -> None:
        # A forked child replays the parent's unflushed buffer after a start.
        text = "a.C.test_hang ... a.C.test_one ... [OK]\na.C.test_hang ... [OK]\n"
        results = parse(text)
        self.assertEqual(results["a.C.test_one"].outcome, "OK")
        self.assertEqual(results["a.C.test_hang"].outcome, "OK")
        self.assertEqual(results["a.C.test_hang"].starts, 2)

    def test_a_test_that_never_finished(self) -> None:
        self.assertEqual(outcomes("a.C.test_ok ... [OK]\na.C.test_killed ... "),
                         {"a.C.test_ok": "OK", "a.C.test_killed": NO_STATUS})
        self.assertIsNone(ran_line("a.C.test_ok ... [OK]\n"))

    def test_odd_ids(self) -> None:
        text = ("pkg.test_mod ... [ERROR]\n"  # import error, reported under the module
                "pkg.test_m.C.test_sub (x=1) ... [OK]\n"
                "pkg.test_m.C.test_<lambda> ... [OK]\n")
        self.assertEqual(outcomes(text), {
            "pkg.test_mod": "ERROR", "pkg.test_m.C.test_sub (x=1)": "OK",
            "pkg.test_m.C.test_<lambda>": "OK"})

    def test_warnings_and_blank_lines_are_ignored(self) -> None:
        text = ("/x/y.py:3: DeprecationWarning: old ... thing\n"
                "a.C.test_w ... [OK]\n/x/y.py:3: UserWarning: [OK]-ish\n\n")
        self.assertEqual(outcomes(text), {"a.C.test_w": "OK"})

    def test_tally(self) -> None:
        self.assertEqual(tally(parse("a.C.t1 ... [OK]\na.C.t2 ... [OK]\na.C.t3 ... [ERROR]\n")),
                         {"ERROR": 1, "OK": 2})


class ModuleOf(TestCase):
    def test_module_is_before_the_first_class(self) -> None:
        self.assertEqual(module_of("twisted.test.test_x.SomeTests.test_y"), "twisted.test.test_x")
        self.assertEqual(module_of("twisted.test.test_x"), "twisted.test.test_x")
        self.assertEqual(module_of("p.test_m.C.test_sub (x=1)"), "p.test_m")


def seen(*statuses: str) -> Seen:
    return Seen(list(statuses), starts=1)


class Compare(TestCase):
    def test_agreement_and_differences(self) -> None:
        trial = {"m.C.same": seen("OK"), "m.C.differ": seen("OK"), "m.C.trial_only": seen("SKIP")}
        trialish = {"m.C.same": seen("OK"), "m.C.differ": seen("ERROR"), "n.D.trialish_only": seen("OK")}
        result = compare(trial, trialish)
        self.assertEqual(result.agree, 1)
        self.assertEqual(result.total, 4)
        self.assertEqual([(d.test_id, d.trial, d.trialish) for d in result.differences], [
            ("m.C.differ", "OK", "ERROR"),
            ("m.C.trial_only", "SKIP", MISSING),
            ("n.D.trialish_only", MISSING, "OK"),
        ])
        self.assertEqual([d.one_sided for d in result.differences], [False, True, True])
        self.assertEqual(result.modules["m"], {"trial": 3, "trialish": 2, "agree": 1, "differ": 2})
        self.assertEqual(result.modules["n"], {"trial": 0, "trialish": 1, "agree": 0, "differ": 1})

    def test_worst_status_is_compared(self) -> None:
        result = compare({"m.C.t": seen("OK", "ERROR")}, {"m.C.t": seen("ERROR")})
        self.assertEqual(result.agree, 1)
        self.assertEqual(result.differences, [])

    def test_known_differences_are_explained(self) -> None:
        trial = {"m.C.a": seen("OK"), "m.C.b": seen("OK")}
        trialish = {"m.C.a": seen("FAIL"), "m.C.b": seen("FAIL")}
        result = compare(trial, trialish, known={"m.C.a": "trial bug: ..."})
        self.assertEqual([d.reason for d in result.differences], ["trial bug: ...", None])
        self.assertEqual([d.test_id for d in result.unexplained], ["m.C.b"])
