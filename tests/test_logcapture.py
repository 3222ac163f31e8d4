"""test.log, and logged errors and warnings kept per test."""

from __future__ import annotations

import io
import logging
import re
import warnings
from typing import Any

from twisted.python.failure import Failure

from trialish._logcapture import LogCapture, TestContext, _LoggingBridge, resync_warning_filters

from ._support import TestCase, block_of, run_sample, statuses

LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[+-]\d{4} \[([^\]]*)\] (.*)$")


def _warn_here() -> None:
    warnings.warn("from _warn_here", DeprecationWarning)


def _failure(message: str = "logged") -> Failure:
    try:
        raise ValueError(message)
    except ValueError:
        return Failure()


class Writing(TestCase):
    def setUp(self) -> None:
        self.stream = io.StringIO()
        self.capture = LogCapture(self.stream)

    def lines(self) -> list[str]:
        return self.stream.getvalue().splitlines()

    def test_line_format(self) -> None:
        self.capture.write_line("hello")
        self.capture.write_line("two\nlines", system="sys")
        first, second, continued = self.lines()
        self.assertEqual(LINE.match(first).groups(), ("-", "hello"))  # type: ignore[union-attr]
        self.assertEqual(LINE.match(second).groups(), ("sys", "two"))  # type: ignore[union-attr]
        self.assertEqual(continued, "\tlines")

    def test_event_time_is_used(self) -> None:
        self.capture.observe({"log_format": "at {when}", "when": "noon", "log_time": 86400 * 365.25 * 30})
        [line] = self.lines()
        self.assertTrue(line.startswith("1999-12-31 ") or line.startswith("2000-01-01 "), line)
        self.assertTrue(line.endswith(" [-] at noon"), line)

    def test_test_start_line_and_current_context(self) -> None:
        context = self.capture.begin_test("pkg.mod.Class.test_it")
        self.assertIs(self.capture.current, context)
        self.assertEqual(LINE.match(self.lines()[0]).group(2), "--> pkg.mod.Class.test_it <--")  # type: ignore[union-attr]
        self.capture.end_test(context)
        self.assertIsNone(self.capture.current)

    def test_errors_go_to_the_running_test(self) -> None:
        context = self.capture.begin_test("t")
        new_style, legacy = _failure("new"), _failure("legacy")
        self.capture.observe({"log_failure": new_style, "log_format": "a failure", "log_time": None})
        self.capture.observe({"failure": legacy, "isError": 1, "message": (), "why": None,
                              "log_format": "{why}", "log_time": None})
        self.capture.observe({"log_format": "just a message", "log_time": None})
        self.capture.observe({"failure": _failure("not an error"), "isError": 0,
                              "log_format": "informational", "log_time": None})
        self.assertEqual(context.errors, [new_style, legacy])
        text = self.stream.getvalue()
        self.assertIn("a failure\n\tTraceback (most recent call last):\n", text)
        self.assertIn("\tbuiltins.ValueError: new\n", text)
        self.assertIn(" [-] just a message\n", text)

    def test_errors_between_tests_belong_to_no_test(self) -> None:
        context = self.capture.begin_test("t")
        self.capture.end_test(context)
        self.capture.observe({"log_failure": _failure(), "log_format": "late", "log_time": None})
        self.assertEqual(context.errors, [])
        self.assertIn(" [-] late\n", self.stream.getvalue())

    def test_stdlib_logging_bridge(self) -> None:
        logger = logging.getLogger("trialish.tests.bridge")
        bridge = _LoggingBridge(self.capture)
        logger.addHandler(bridge)
        self.addCleanup(logger.removeHandler, bridge)
        self.patch(logger, "propagate", False)
        self.patch(logger, "level", logging.DEBUG)
        logger.info("info %s", "record")
        [line] = self.lines()
        self.assertEqual(LINE.match(line).groups(),  # type: ignore[union-attr]
                         ("trialish.tests.bridge", "INFO: info record"))

    def test_a_broken_stream_does_not_break_the_run(self) -> None:
        self.stream.close()
        self.capture.write_line("nowhere to go")
        self.capture.flush()


class Context(TestCase):
    def test_flush_errors_by_type(self) -> None:
        context = TestContext()
        value, key = _failure(), Failure(KeyError("k"))
        context.errors += [value, key]
        self.assertEqual(context.flush_errors((KeyError,)), [key])
        self.assertEqual(context.take_errors(), [value])
        self.assertEqual(context.errors, [])

    def test_warnings_are_recorded_logged_and_flushed(self) -> None:
        logged: list[str] = []
        context = TestContext(logged.append)
        with context.capturing_warnings():
            _warn_here()
            _warn_here()
            warnings.warn("from the test", UserWarning)
        self.assertEqual(len(context.warnings), 3)
        self.assertEqual(len(context.warning_lines()), 2)  # each distinct warning once
        self.assertRegex(logged[0], r"test_logcapture\.py:\d+: DeprecationWarning: from _warn_here$")
        flushed = context.flush_warnings([_warn_here])
        self.assertEqual([w["message"] for w in flushed], ["from _warn_here"] * 2)
        self.assertEqual([w["category"] for w in context.flush_warnings()], [UserWarning])

    def test_suppress(self) -> None:
        context = TestContext()
        suppress = [(("ignore",), {"category": DeprecationWarning})]
        with context.capturing_warnings(suppress):
            _warn_here()
            warnings.warn("kept", UserWarning)
        self.assertEqual([w["message"] for w in context.warnings], ["kept"])

    def test_filters_are_left_as_found(self) -> None:
        before = warnings.filters
        copy = list(before)
        with TestContext().capturing_warnings():
            warnings.warn("inside", UserWarning)
        resync_warning_filters()
        self.assertIs(warnings.filters, before)
        self.assertEqual(warnings.filters, copy)


class LoggedBlackBox(TestCase):
    """eng_hygiene/test_logged.py and its test.log, from a subprocess run."""

    def outcome(self, test: str) -> tuple[Any, str, str]:
        run = run_sample("eng_hygiene", "test_logged", "test_reactor")
        test_id = f"test_logged.{test}"
        status = statuses(run.out).get(test_id, "missing")
        return run, status, block_of(run.out, test_id) if status != "[OK]" else ""

    def test_logged_errors_make_their_own_test_an_error(self) -> None:
        for test, text in (
            ("Logged.test_a_log_err", "builtins.ValueError: logged by log.err"),
            ("Logged.test_b_logger_failure", "builtins.KeyError: 'missing'"),
            ("Logged.test_c_garbage_deferred", "builtins.RuntimeError: lost in a garbage Deferred"),
            ("Logged.test_e_logged_while_waiting", "builtins.ZeroDivisionError: logged from the reactor"),
        ):
            run, status, block = self.outcome(test)
            self.assertEqual(status, "[ERROR]", f"{test}\n{run}")
            self.assertIn(text, block)
            self.assertEqual(block.count("builtins."), 1, block)  # only its own error

    def test_the_next_test_gets_none_of_it(self) -> None:
        self.assertEqual(self.outcome("Logged.test_d_after_garbage")[1], "[OK]")
        self.assertEqual(self.outcome("Logged.test_f_flushed")[1], "[OK]")
        self.assertEqual(self.outcome("LogFile.test_every_kind_of_event")[1], "[OK]")

    def test_log_file_lines(self) -> None:
        run = self.outcome("LogFile.test_every_kind_of_event")[0]
        log = run.temp_file("test.log")
        lines = log.splitlines()
        for line in lines:
            if not line.startswith("\t"):
                self.assertRegex(line, LINE)
        starts = [LINE.match(line).group(2) for line in lines if " [-] --> " in line]  # type: ignore[union-attr]
        self.assertEqual(len(starts), 14)
        self.assertIn("--> test_logged.LogFile.test_every_kind_of_event <--", starts)
        section = log.split("--> test_logged.LogFile.test_every_kind_of_event <--\n", 1)[1]
        section = section.split(" --> ", 1)[0]
        self.assertIn(" [-] from twisted.logger formatted\n", section)
        self.assertIn(" [-] from twisted.python.log\n", section)
        self.assertIn(" [stdlib.logger] INFO: from stdlib logging at INFO\n", section)
        self.assertRegex(section, r" \[-\] \S+test_logged\.py:\d+: DeprecationWarning: "
                                  r"a warning for test\.log\n")
        self.assertIn(" [-] two\n\tlines\n", section)

    def test_logged_errors_are_in_the_log_under_their_test(self) -> None:
        log = self.outcome("Logged.test_a_log_err")[0].temp_file("test.log")
        section = log.split("--> test_logged.Logged.test_c_garbage_deferred <--\n", 1)[1]
        section = section.split(" --> ", 1)[0]
        self.assertIn("Unhandled error in Deferred:", section)
        self.assertIn("builtins.RuntimeError: lost in a garbage Deferred", section)

    def test_warning_shown_once_and_no_noise_at_exit(self) -> None:
        run = self.outcome("LogFile.test_every_kind_of_event")[0]
        self.assertEqual(len(re.findall("DeprecationWarning: a warning for test.log", run.out)), 1)
        # Warnings raised inside a test must not leave CPython's copy of the
        # filters on "always": Twisted's reserve file would then print a
        # ResourceWarning when the interpreter exits.
        self.assertEqual(run.err, "")
