"""_failures: tracebacks the way trial prints them, with only the user's frames."""

from __future__ import annotations

import importlib.util
import os
import sys
from typing import Any

from twisted.internet import defer
from twisted.python.failure import Failure

import trialish
from trialish._failures import (
    _drop_leading_defer,
    format_any,
    format_exception,
    format_failure,
    is_framework_frame,
    render,
)

from ._support import TestCase

HERE = os.path.abspath(__file__)
DEFER = os.path.join("site-packages", "twisted", "internet", "defer.py")
FAILURE = os.path.join("site-packages", "twisted", "python", "failure.py")


def _subject() -> trialish.SynchronousTestCase:
    """A trialish case to call assertions on (made here: unittest would collect its runTest)."""

    class Subject(trialish.SynchronousTestCase):
        def check(self) -> None:
            pass

    return Subject("check")


def _frame_files(text: str) -> list[str]:
    return [line.split('"')[1] for line in text.splitlines() if line.startswith('  File "')]


class DropLeadingDefer(TestCase):
    def test_only_leading_machinery_goes(self) -> None:
        frames = [
            ("_runCallbacks", "/x/" + DEFER, 1),
            ("throwExceptionIntoGenerator", "/x/" + FAILURE, 2),
            ("test_it", "/mine/test_a.py", 3),
            ("__iter__", "/x/" + DEFER, 4),  # in the middle: it explains the flow
            ("helper", "/mine/test_a.py", 5),
        ]
        self.assertEqual(_drop_leading_defer(frames), frames[2:])

    def test_nothing_left_when_all_is_machinery(self) -> None:
        # e.g. assertFailure's own check: trial prints "Failure: ..." with no frame.
        self.assertEqual(_drop_leading_defer([("_runCallbacks", "/x/" + DEFER, 1)]), [])

    def test_no_machinery(self) -> None:
        frames = [("test_it", "/mine/test_a.py", 3)]
        self.assertEqual(_drop_leading_defer(frames), frames)


class FailuresInDeferreds(TestCase):
    def test_assertion_in_a_callback(self) -> None:
        subject = _subject()
        d = defer.succeed(1)
        d.addCallback(lambda value: subject.assertEqual(value, 2))
        text = format_failure(self.failureResultOf(d))
        self.assertEqual(_frame_files(text), [HERE])
        self.assertIn("in <lambda>\n    d.addCallback(lambda value: subject.assertEqual(value, 2))\n",
                      text)
        self.assertTrue(text.endswith("\ntrialish.FailTest: 1 != 2\n"), text)

    def test_callback_fired_later(self) -> None:
        def check(value: int) -> None:
            raise ValueError(f"bad {value}")

        d: defer.Deferred = defer.Deferred()
        d.addCallback(check)
        d.callback(3)
        text = format_failure(self.failureResultOf(d))
        self.assertTrue(text.startswith(
            f'Traceback (most recent call last):\n  File "{HERE}", line '), text)
        self.assertIn(", in check\n", text)
        self.assertTrue(text.endswith("builtins.ValueError: bad 3\n"))

    def test_error_after_await(self) -> None:
        pending: defer.Deferred = defer.Deferred()

        async def waits() -> None:
            value = await pending
            raise KeyError(value)

        d = defer.Deferred.fromCoroutine(waits())
        pending.callback("late")
        text = format_failure(self.failureResultOf(d))
        self.assertEqual(_frame_files(text)[0], HERE)  # not failure.py, not defer.py
        self.assertIn(", in waits\n    raise KeyError(value)\n", text)

    def test_framework_check_has_no_frames(self) -> None:
        checked = _subject().assertFailure(defer.succeed(3), ValueError)
        text = format_failure(self.failureResultOf(checked))
        self.assertEqual(text, "Traceback (most recent call last):\nFailure: trialish.FailTest: "
                               "did not catch an error, instead got 3\n")

    def test_modules_marked_unittest_are_hidden_from_failures(self) -> None:
        # A Failure keeps no frame globals: the __unittest mark is found by file.
        folder = os.path.dirname(self.mktemp())
        path = os.path.join(folder, "marked_helper_for_failures.py")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write("__unittest = True\n\ndef check(value):\n    raise ValueError(value)\n")
        spec = importlib.util.spec_from_file_location("marked_helper_for_failures", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        self.patch(sys, "modules", dict(sys.modules, marked_helper_for_failures=module))
        spec.loader.exec_module(module)

        def user_callback(value: Any) -> None:
            module.check(value)

        d = defer.succeed("v").addCallback(user_callback)
        text = format_failure(self.failureResultOf(d))
        self.assertEqual(_frame_files(text), [HERE])
        self.assertNotIn(path, text)


class LiveExceptions(TestCase):
    def test_trialish_and_stdlib_frames_are_hidden(self) -> None:
        subject = _subject()
        for call in (lambda: subject.assertApproximates(1, 5, 0.1),  # raises in trialish
                     lambda: subject.assertEqual(1, 2)):  # raises in the stdlib
            try:
                call()
            except AssertionError as error:
                text = format_exception(error)
            self.assertEqual(_frame_files(text), [HERE, HERE])
            self.assertNotIn(os.sep + "trialish" + os.sep, text)
            self.assertNotIn(os.path.join("unittest", "case.py"), text)

    def test_framework_frames_of_a_live_traceback(self) -> None:
        """What the debugger's post-mortem skips: the same frames as the text."""
        try:
            _subject().assertEqual(1, 2)
        except AssertionError as error:
            traceback = error.__traceback__
        frames = []
        while traceback is not None:
            frames.append((traceback.tb_frame.f_code.co_filename, is_framework_frame(traceback.tb_frame)))
            traceback = traceback.tb_next
        self.assertEqual(frames[0], (HERE, False))
        self.assertTrue(all(hidden for _, hidden in frames[1:]), frames)
        self.assertTrue(any(path.endswith(os.path.join("unittest", "case.py")) for path, _ in frames))

    def test_format_any_takes_both(self) -> None:
        try:
            raise TypeError("both")
        except TypeError as error:
            live = format_any(error)
            failure = format_any(Failure())
        self.assertEqual(live, failure)
        self.assertTrue(live.endswith("builtins.TypeError: both\n"))


class Layouts(TestCase):
    frames = [("test_it", "/mine/test_a.py", 3), ("helper", "/mine/lib.py", 9)]

    def test_default(self) -> None:
        text = render(ValueError, ValueError("x"), self.frames)
        self.assertEqual(text, 'Traceback (most recent call last):\n'
                               '  File "/mine/test_a.py", line 3, in test_it\n    \n'
                               '  File "/mine/lib.py", line 9, in helper\n    \n'
                               'builtins.ValueError: x\n')

    def test_brief_and_verbose(self) -> None:
        self.assertEqual(render(ValueError, ValueError("x"), self.frames, "brief"),
                         "Traceback: builtins.ValueError: x\n/mine/test_a.py:3:test_it\n"
                         "/mine/lib.py:9:helper\n")
        self.assertEqual(render(ValueError, ValueError("x"), [], "brief"),
                         "Traceback (failure with no frames): builtins.ValueError: x\n")
        self.assertIn("/mine/lib.py:9: helper(...)\n",
                      render(ValueError, ValueError("x"), self.frames, "verbose"))

    def test_no_frames(self) -> None:
        self.assertEqual(render(KeyError, KeyError("k"), []),
                         "Traceback (most recent call last):\nFailure: builtins.KeyError: 'k'\n")

    def test_unprintable_value(self) -> None:
        class Broken(Exception):
            def __str__(self) -> str:
                raise RuntimeError("no")

        text = render(Broken, Broken(), [])
        self.assertIn("<unprintable Broken object: RuntimeError>", text)
