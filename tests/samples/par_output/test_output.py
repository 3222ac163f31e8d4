"""Tests that write to stdout and stderr, at the Python and the descriptor level."""

import os
import sys

from twisted.python import log

from trialish import TestCase


class Talks(TestCase):
    def test_fails_loudly(self):
        print("to stdout from print")
        sys.stderr.write("to stderr from sys.stderr\n")
        os.write(1, b"to fd 1 directly\n")
        log.msg("to test.log, not to the output")
        self.fail("see the output above")

    def test_passes_quietly(self):
        print("a passing test's chatter")

    def test_skips_with_a_word(self):
        print("why skip")
        self.skipTest("nothing to do")

    def test_todo_talks(self):
        print("working on it")
        self.fail("not yet")

    test_todo_talks.todo = "unfinished"
