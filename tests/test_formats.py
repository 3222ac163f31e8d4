"""Unit tests of the machine-readable formats' parts: _junit, _jsonreport, _subunit.

The black-box side (a real run read by real tools) is tests/test_outputs.py.
"""

from __future__ import annotations

import io
import json
import os
import sys
import xml.etree.ElementTree as ET

from trialish._jsonreport import JsonLinesReporter, report_object
from trialish._junit import clean, document, headline, merge, split_id
from trialish._results import Kind, Problem, RunTotals, Status, TestReport
from trialish._subunit import encode_number, packet, report_packets

from ._support import TestCase

FAILED = TestReport("pkg.mod.Class.test_x", Status.FAIL, (Problem(
    Kind.FAILURE, "test", "trialish.FailTest",
    "Traceback (most recent call last):\n  File \"x.py\", line 1, in test_x\n"
    "trialish.FailTest: 1 != 2\n"),), duration=0.25, output="printed\n")


class JUnitParts(TestCase):
    def test_split_id_keeps_subtest_parameters_whole(self) -> None:
        self.assertEqual(split_id("pkg.mod.Class.test_x"), ("pkg.mod.Class", "test_x"))
        self.assertEqual(split_id("mod.C.test_x (i=1.5)"), ("mod.C", "test_x (i=1.5)"))
        self.assertEqual(split_id("broken_module"), ("broken_module", "broken_module"))

    def test_headline_is_the_exception_line(self) -> None:
        self.assertEqual(headline(FAILED), ("trialish.FailTest", "trialish.FailTest: 1 != 2"))
        self.assertEqual(headline(TestReport("a.b", Status.OK)), ("", ""))

    def test_clean_makes_any_text_legal_xml(self) -> None:
        text = clean("bell\x07 nul\x00 esc\x1b surrogate\udc80 ok\tü")
        ET.fromstring(f"<a>{text.replace('&', '&amp;').replace('<', '&lt;')}</a>")
        self.assertIn("\\x07", text)
        self.assertIn("ok\tü", text)

    def test_document_counts_and_output(self) -> None:
        root = document([FAILED, TestReport("pkg.mod.Class.test_y", Status.TODO, reason="later")],
                        elapsed=1.5, started=0.0)
        self.assertEqual((root.get("tests"), root.get("failures"), root.get("skipped")),
                         ("2", "1", "1"))
        case = root.find("testsuite/testcase")
        assert case is not None
        self.assertEqual(case.findtext("system-out"), "printed\n")
        self.assertEqual(case.get("time"), "0.250")

    def test_merge_adds_up_the_suites(self) -> None:
        folder = self.mktemp()
        os.makedirs(folder)
        paths = []
        for index, report in enumerate((FAILED, TestReport("a.B.test_ok", Status.OK))):
            path = os.path.join(folder, f"{index}.xml")
            ET.ElementTree(document([report], elapsed=2.0, started=0.0)).write(path)
            paths.append(path)
        merge(os.path.join(folder, "all.xml"), paths)
        root = ET.parse(os.path.join(folder, "all.xml")).getroot()
        self.assertEqual((root.get("tests"), root.get("failures"), root.get("time")),
                         ("2", "1", "4.000"))
        self.assertEqual(len(root.findall("testsuite")), 2)


class JsonLines(TestCase):
    def test_report_object_is_plain_json(self) -> None:
        obj = json.loads(json.dumps(report_object(FAILED)))
        self.assertEqual(obj["outcome"], "failed")
        self.assertEqual(obj["problems"][0]["kind"], Kind.FAILURE.value)
        self.assertEqual(obj["output"], "printed\n")

    def test_each_event_is_one_line(self) -> None:
        stream = io.StringIO()
        reporter = JsonLinesReporter(stream)
        reporter.run_started(1)
        reporter.test_finished(TestReport("a.b.c", Status.ERROR, output="two\nlines \u2603"))
        totals = RunTotals([FAILED])
        reporter.run_finished(totals)
        lines = stream.getvalue().splitlines()
        self.assertEqual(len(lines), 3)
        self.assertTrue(all(line.isascii() for line in lines))
        self.assertEqual(json.loads(lines[1])["output"], "two\nlines \u2603")
        self.assertEqual(json.loads(lines[2])["counts"]["failed"], 1)

    def test_a_closed_stream_warns_once_and_the_run_goes_on(self) -> None:
        stream = io.StringIO()
        stream.close()
        errors = io.StringIO()
        self.patch(sys, "stderr", errors)
        reporter = JsonLinesReporter(stream, name="gone.jsonl")
        reporter.run_started(1)  # must not raise
        reporter.test_finished(FAILED)
        self.assertEqual(errors.getvalue().count("cannot write JSON lines to gone.jsonl"), 1)


class Subunit(TestCase):
    def test_numbers_use_the_shortest_form(self) -> None:
        self.assertEqual(encode_number(0x3F), b"\x3f")
        self.assertEqual(encode_number(0x40), b"\x40\x40")
        self.assertEqual(encode_number(0x3FFF), b"\x7f\xff")
        self.assertEqual(len(encode_number(0x400000)), 4)
        with self.assertRaises(ValueError):
            encode_number(0x40000000)

    def test_python_subunit_parses_our_packets(self) -> None:
        import subunit
        import testtools

        events: list[tuple[str | None, str | None, str | None]] = []

        class Recorder(testtools.StreamResult):
            def status(self, test_id=None, test_status=None, file_name=None, **kw):  # type: ignore[no-untyped-def]
                events.append((test_id, test_status, file_name))

        big = TestReport("a.B.test_big", Status.ERROR, output="x" * 200_000)
        stream = b"".join(report_packets(FAILED, 1000.5) + report_packets(big, 1001.0)
                          + [packet("a.B.test_ok", "success", 1001.2)])
        subunit.ByteStreamToStreamResult(io.BytesIO(stream)).run(Recorder())
        finals = [(test_id, status) for test_id, status, name in events if status not in (None, "inprogress")]
        self.assertEqual(finals, [("pkg.mod.Class.test_x", "fail"), ("a.B.test_big", "fail"),
                                  ("a.B.test_ok", "success")])
        files = [name for test_id, _, name in events if test_id == "pkg.mod.Class.test_x" and name]
        self.assertEqual(files, ["traceback", "output"])
        chunks = [name for test_id, _, name in events if test_id == "a.B.test_big" and name]
        self.assertEqual(len(chunks), 4)  # 200,000 bytes in 65,536-byte packets
