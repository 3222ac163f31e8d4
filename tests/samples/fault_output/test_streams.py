"""Tests that break the standard streams or write what a terminal should not get."""
import io
import os
import sys
import unittest


class A_Streams(unittest.TestCase):
    def test_1_closes_stdout(self):
        sys.stdout.close()

    def test_2_prints(self):
        print("PRINTED AFTER STDOUT WAS CLOSED")

    def test_3_replaces_stderr(self):
        sys.stderr = io.StringIO()

    def test_4_writes_stderr(self):
        sys.stderr.write("WRITTEN TO STDERR AFTER IT WAS REPLACED\n")

    def test_5_closes_stderr(self):
        sys.stderr.close()

    def test_6_stdout_is_none(self):
        sys.stdout = None

    def test_7_fails_after_all_that(self):
        self.fail("REPORTED AFTER THE STREAMS CAME BACK")


class B_Bytes(unittest.TestCase):
    def test_raw_bytes_and_escapes(self):
        sys.stdout.flush()
        os.write(1, b"RAW \xff\xfe\x80 \x1b[2J\x1b]0;title\x07 END\n")

    def test_message_with_escapes(self):
        raise ValueError("bad \x1b[31mred\x1b[0m \udcff bell\x07 end")

    def test_ten_megabytes(self):
        line = "x" * 1023 + "\n"
        for _ in range(10 * 1024):
            sys.stdout.write(line)


def _odd(self):
    pass


setattr(B_Bytes, "test_odd_name_\u00e9\u4e2d", _odd)
