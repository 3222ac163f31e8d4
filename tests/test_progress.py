"""Unit tests of the progress line's parts (_progress); the terminal run is in test_outputs."""

from __future__ import annotations

import io
import sys

from trialish._progress import ERASE, Progress, Terminal, format_seconds, progress_delay, render
from trialish._results import Status, TestReport

from ._support import TestCase


class Rendering(TestCase):
    def test_text(self) -> None:
        self.assertEqual(render(0, 10, 0, 1.0, "", 80), "[0/10], no failures, 0:01 elapsed")
        self.assertEqual(render(5, 10, 2, 75.0, "m.C.test_x", 80),
                         "[5/10], 2 failed, 1:15 elapsed, ~1:15 left | m.C.test_x")
        self.assertEqual(format_seconds(3723), "1:02:03")

    def test_never_wider_than_the_terminal(self) -> None:
        text = render(5, 10, 0, 5.0, "x" * 200, 40)
        self.assertEqual(len(text), 39)
        self.assertTrue(text.endswith("..."))

    def test_delay_from_the_environment(self) -> None:
        self.assertEqual(progress_delay({}), 2.0)
        self.assertIsNone(progress_delay({"TRIALISH_PROGRESS": "off"}))
        self.assertEqual(progress_delay({"TRIALISH_PROGRESS": "0.5"}), 0.5)
        self.assertEqual(progress_delay({"TRIALISH_PROGRESS": "soon"}), 2.0)


class TerminalLines(TestCase):
    def test_writes_pass_straight_through_without_a_line(self) -> None:
        screen = io.StringIO()
        writer = Terminal(screen).writer()
        writer.write("test_x ... ")
        self.assertEqual(screen.getvalue(), "test_x ... ")

    def test_partial_lines_wait_while_the_line_is_shown(self) -> None:
        screen = io.StringIO()
        terminal = Terminal(screen)
        writer = terminal.writer()
        terminal.set_status("[1/2]")
        writer.write("test_x ... ")
        self.assertEqual(screen.getvalue(), "[1/2]")  # held back: the line stays intact
        writer.write("[OK]\n")
        self.assertEqual(screen.getvalue(), f"[1/2]{ERASE}test_x ... [OK]\n[1/2]")
        terminal.close()
        self.assertTrue(screen.getvalue().endswith(ERASE))

    def test_close_writes_what_was_held(self) -> None:
        screen = io.StringIO()
        terminal = Terminal(screen)
        writer = terminal.writer()
        terminal.set_status("[1/2]")
        writer.write("unfinished")
        terminal.close()
        self.assertTrue(screen.getvalue().endswith(f"{ERASE}unfinished"))


class Counting(TestCase):
    def test_counts_and_the_delay(self) -> None:
        now = [0.0]
        screen = io.StringIO()
        progress = Progress(Terminal(screen), delay=2.0, clock=lambda: now[0], width=lambda: 80,
                            thread=False)
        saved = sys.stdout
        progress.start(3)
        try:
            progress.test_started("m.C.test_a")
            progress.test_finished(TestReport("m.C.test_a", Status.FAIL))
            now[0] = 1.0
            progress.tick()
            self.assertEqual(screen.getvalue(), "")  # shorter runs never see it
            now[0] = 3.0
            progress.tick()
            self.assertEqual(screen.getvalue(), "[1/3], 1 failed, 0:03 elapsed, ~0:06 left")
        finally:
            progress.stop()
        self.assertIs(sys.stdout, saved)
