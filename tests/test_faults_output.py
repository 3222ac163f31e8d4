"""Tests that break the standard streams, or print what a terminal should not get."""

from __future__ import annotations


from ._support import (
    TestCase, assert_each_once, assert_temp_intact, error_blocks, fresh_run, warnings_after,
)

ODD_NAME = "test_streams.B_Bytes.test_odd_name_\u00e9\u4e2d"


class Streams(TestCase):
    def test_closed_and_replaced_streams_come_back(self) -> None:
        run = fresh_run(self, "fault_output", "test_streams.A_Streams")
        prefix = "test_streams.A_Streams.test_"
        names = ["1_closes_stdout", "2_prints", "3_replaces_stderr", "4_writes_stderr",
                 "5_closes_stderr", "6_stdout_is_none"]
        expected = {prefix + name: "OK" for name in names}
        expected[prefix + "7_fails_after_all_that"] = "FAILURE"
        self.assertEqual(run.code, 1, run)
        assert_each_once(self, run, expected)
        assert_temp_intact(self, run, list(expected))
        self.assertIn("PRINTED AFTER STDOUT WAS CLOSED\n", run.out)
        self.assertIn("WRITTEN TO STDERR AFTER IT WAS REPLACED\n", run.err)
        self.assertIn("REPORTED AFTER THE STREAMS CAME BACK", run.out)
        self.assertIn("FAILED (failures=1, successes=6)", run.out)
        said = warnings_after(run.out)
        self.assertEqual(said[prefix + "1_closes_stdout"],
                         ["the test closed sys.stdout: trialish opened it again"])
        self.assertEqual(said[prefix + "5_closes_stderr"],
                         ["the test closed sys.stderr: trialish opened it again"])
        self.assertIn("replaced sys.stderr", said[prefix + "3_replaces_stderr"][0])
        self.assertIn("replaced sys.stdout", said[prefix + "6_stdout_is_none"][0])


class Bytes(TestCase):
    def test_bytes_escapes_and_ten_megabytes(self) -> None:
        run = fresh_run(self, "fault_output", "test_streams.B_Bytes",
                         encoding="utf-8", errors="surrogateescape")
        expected = {"test_streams.B_Bytes.test_raw_bytes_and_escapes": "OK",
                    "test_streams.B_Bytes.test_message_with_escapes": "ERROR",
                    "test_streams.B_Bytes.test_ten_megabytes": "OK",
                    ODD_NAME: "OK"}
        self.assertEqual(run.code, 1, run)
        assert_each_once(self, run, expected)
        assert_temp_intact(self, run, list(expected))
        # The test's own output passes through untouched, bytes and all...
        self.assertIn("RAW \udcff\udcfe\udc80 \x1b[2J\x1b]0;title\x07 END\n", run.out)
        self.assertEqual(run.out.count("x" * 1023 + "\n"), 10 * 1024)
        # ...but an exception's message cannot drive the terminal.
        block = error_blocks(run.out)["test_streams.B_Bytes.test_message_with_escapes"]
        self.assertIn("builtins.ValueError: bad \\x1b[31mred\\x1b[0m \\udcff bell\\x07 end", block)
        self.assertNotIn("\x1b", block.splitlines()[-1])
