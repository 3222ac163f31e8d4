"""What tools and people get besides the console report: --reporter json and
subunit, --jsonl, --junitxml, --durations and the live progress line.

Each test runs trialish on tests/samples/out_* in a subprocess and reads
what a CI system or a terminal would read.
"""

from __future__ import annotations

import json
import os
import pty
import select
import struct
import termios
import fcntl
import subprocess
import sys
import xml.etree.ElementTree as ET

from trialish._outputs import Broadcast

from ._support import REPO, TestCase, copy_sample, normalise, trialish

OUTCOMES = {
    "test_pass": "passed", "test_prints": "passed", "test_fail": "failed",
    "test_error": "error", "test_skip": "skipped", "test_todo": "todo",
    "test_unexpected": "unexpected_success", "test_waits": "passed",
}


class _SampleRun(TestCase):
    def setUp(self) -> None:
        self.folder = copy_sample("out_formats", self.mktemp())

    def run_formats(self, *args: str):  # type: ignore[no-untyped-def]
        return trialish(*args, "test_formats.py", cwd=self.folder)


class JsonReporter(_SampleRun):
    def test_stdout_is_only_json_lines(self) -> None:
        run = self.run_formats("--reporter", "json")
        self.assertEqual(run.code, 1, run)
        objects = [json.loads(line) for line in run.out.splitlines()]
        self.assertEqual(objects[0], {"version": 1, "type": "start", "total": 8})
        tests = {obj["id"].rsplit(".", 1)[1]: obj for obj in objects[1:-1]}
        self.assertEqual({name: obj["outcome"] for name, obj in tests.items()}, OUTCOMES)
        self.assertEqual(objects[-1]["type"], "summary")
        self.assertEqual(objects[-1]["counts"]["failed"], 1)
        self.assertFalse(objects[-1]["successful"])
        self.assertIn("ValueError", tests["test_error"]["problems"][0]["text"])
        self.assertEqual(tests["test_skip"]["reason"], "not today")

    def test_what_tests_print_goes_to_stderr_not_into_the_stream(self) -> None:
        run = self.run_formats("--reporter", "json")
        self.assertNotIn("PRINTED-TO-STDOUT", run.out)
        self.assertIn("PRINTED-TO-STDOUT", run.err)
        self.assertIn("WRITTEN-TO-STDERR", run.err)

    def test_jsonl_file_beside_the_console_report(self) -> None:
        run = self.run_formats("--jsonl", "results.jsonl")
        self.assertEqual(run.code, 1, run)
        self.assertIn("test_pass ...", run.out)  # the console report is unchanged
        with open(os.path.join(self.folder, "results.jsonl"), encoding="utf-8") as handle:
            objects = [json.loads(line) for line in handle]
        self.assertEqual([obj["type"] for obj in objects], ["start"] + ["test"] * 8 + ["summary"])

    def test_unwritable_jsonl_is_a_usage_error(self) -> None:
        run = self.run_formats("--jsonl", os.path.join("no", "such", "dir", "x.jsonl"))
        self.assertEqual(run.code, 4, run)
        self.assertEqual(len(run.err.strip().splitlines()), 1, run)
        self.assertIn("--jsonl", run.err)


class SubunitReporter(_SampleRun):
    def test_python_subunit_reads_every_test(self) -> None:
        run = subprocess.run(
            [sys.executable, "-m", "trialish", "--reporter", "subunit", "test_formats.py"],
            cwd=self.folder, capture_output=True, env=dict(os.environ, PYTHONPATH=REPO),
            stdin=subprocess.DEVNULL, timeout=120)
        self.assertEqual(run.returncode, 1, run.stderr)
        self.assertNotIn(b"PRINTED-TO-STDOUT", run.stdout)
        statuses = _subunit_statuses(run.stdout)
        self.assertEqual({test_id.rsplit(".", 1)[1]: status for test_id, status in statuses.items()},
                         {"test_pass": "success", "test_prints": "success", "test_fail": "fail",
                          "test_error": "fail", "test_skip": "skip", "test_todo": "xfail",
                          "test_unexpected": "uxsuccess", "test_waits": "success"})

    def test_subunit_stats_counts_them(self) -> None:
        stream = subprocess.run(
            [sys.executable, "-m", "trialish", "--reporter", "subunit", "test_formats.py"],
            cwd=self.folder, capture_output=True, env=dict(os.environ, PYTHONPATH=REPO),
            stdin=subprocess.DEVNULL, timeout=120).stdout
        stats = subprocess.run([sys.executable, "-m", "subunit.filter_scripts.subunit_stats"],
                               input=stream, capture_output=True, timeout=60)
        self.assertIn(b"Total tests:       8", stats.stdout, stats)


def _subunit_statuses(stream: bytes) -> dict[str, str]:
    """Each test's final status, as python-subunit's own parser reads the stream."""
    import io

    import subunit
    import testtools

    statuses: dict[str, str] = {}

    class Final(testtools.StreamResult):
        def status(self, test_id=None, test_status=None, **kwargs):  # type: ignore[no-untyped-def]
            if test_id and test_status not in (None, "inprogress", "exists"):
                statuses[test_id] = test_status

    case = subunit.ByteStreamToStreamResult(io.BytesIO(stream), non_subunit_name="stdout")
    result = Final()
    result.startTestRun()
    case.run(result)
    result.stopTestRun()
    return statuses


class JUnitXml(_SampleRun):
    def test_every_status_maps_to_its_element(self) -> None:
        run = self.run_formats("--junitxml", "results.xml")
        self.assertEqual(run.code, 1, run)
        root = ET.parse(os.path.join(self.folder, "results.xml")).getroot()
        suite = root.find("testsuite")
        assert suite is not None
        self.assertEqual(
            {key: suite.get(key) for key in ("tests", "failures", "errors", "skipped")},
            {"tests": "8", "failures": "2", "errors": "1", "skipped": "2"})
        cases = {case.get("name"): case for case in suite.iter("testcase")}
        self.assertEqual(cases["test_pass"].get("classname"), "test_formats.Formats")
        self.assertEqual(len(list(cases["test_pass"])), 0)
        failure = cases["test_fail"].find("failure")
        assert failure is not None
        self.assertIn("one is not two", failure.get("message", ""))
        self.assertIn("test_formats.py", failure.text or "")  # the traceback
        error = cases["test_error"].find("error")
        assert error is not None
        self.assertIn("ValueError", error.text or "")
        self.assertIn("\\x01", error.get("message", ""))  # a control character made legal
        self.assertEqual(cases["test_skip"].find("skipped").get("message"), "not today")  # type: ignore[union-attr]
        self.assertEqual(cases["test_todo"].find("skipped").get("type"), "todo")  # type: ignore[union-attr]
        self.assertEqual(cases["test_unexpected"].find("failure").get("type"),  # type: ignore[union-attr]
                         "unexpectedSuccess")

    def test_missing_folder_is_a_usage_error_before_any_test_runs(self) -> None:
        run = self.run_formats("--junitxml", os.path.join("missing", "results.xml"))
        self.assertEqual(run.code, 4, run)
        self.assertIn("--junitxml", run.err)
        self.assertFalse(os.path.exists(os.path.join(self.folder, "_trial_temp", "test.log")))

    def test_shard_files_merge_into_one(self) -> None:
        for shard in ("1/2", "2/2"):
            name = f"shard-{shard[0]}.xml"
            self.run_formats("--shard", shard, "--junitxml", name)
        merged = subprocess.run(
            [sys.executable, "-m", "trialish._junit", "merge", "all.xml", "shard-1.xml",
             "shard-2.xml"], cwd=self.folder, env=dict(os.environ, PYTHONPATH=REPO),
            capture_output=True, text=True, timeout=60)
        self.assertEqual(merged.returncode, 0, merged.stderr)
        root = ET.parse(os.path.join(self.folder, "all.xml")).getroot()
        self.assertEqual(root.get("tests"), "8")
        names = sorted(case.get("name", "") for case in root.iter("testcase"))
        self.assertEqual(names, sorted(OUTCOMES))

    def test_parallel_run_keeps_captured_output(self) -> None:
        run = self.run_formats("-j", "2", "--junitxml", "results.xml")
        self.assertEqual(run.code, 1, run)
        root = ET.parse(os.path.join(self.folder, "results.xml")).getroot()
        prints = [case for case in root.iter("testcase") if case.get("name") == "test_prints"]
        out = prints[0].find("system-out")
        assert out is not None
        self.assertIn("PRINTED-TO-STDOUT", out.text or "")


class Durations(_SampleRun):
    def test_slowest_first_before_the_verdict(self) -> None:
        run = self.run_formats("--durations", "2")
        lines = run.out.splitlines()
        start = lines.index("[DURATIONS] 2 slowest of 8 tests")
        listed = lines[start + 1:start + 3]
        self.assertEqual(listed[0].split(), [listed[0].split()[0], "test_formats.Formats.test_waits"],
                         run)  # it waits 10 ms, the others do not wait
        seconds = [float(line.split()[0].rstrip("s")) for line in listed]
        self.assertEqual(seconds, sorted(seconds, reverse=True))
        self.assertTrue(lines[start + 3].startswith("-" * 79), run)

    def test_zero_lists_every_test(self) -> None:
        run = self.run_formats("--durations", "0")
        self.assertIn("[DURATIONS] 8 slowest of 8 tests", run.out)
        self.assertLess(run.out.index("[DURATIONS]"), run.out.index("Ran 8 tests"))

    def test_bad_value_is_a_usage_error(self) -> None:
        run = self.run_formats("--durations", "-3")
        self.assertEqual(run.code, 4, run)


def _screen(raw: str) -> list[str]:
    """The lines a terminal ends up showing for ``raw`` (\\r, erase-line, \\n)."""
    lines: list[str] = []
    line: list[str] = []
    cursor = 0
    index = 0
    while index < len(raw):
        if raw.startswith("\x1b[K", index):
            del line[cursor:]
            index += 3
            continue
        char = raw[index]
        index += 1
        if char == "\r":
            cursor = 0
        elif char == "\n":
            lines.append("".join(line))
            line, cursor = [], 0
        else:
            if cursor < len(line):
                line[cursor] = char
            else:
                line.append(char)
            cursor += 1
    if line:
        lines.append("".join(line))
    return lines


def _run_in_terminal(folder: str, env: dict[str, str]) -> str:
    """Run trialish with a pseudo-terminal as stdout and stderr; all it wrote."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    environment = dict(os.environ, PYTHONPATH=REPO, TERM="xterm", NO_COLOR="1", **env)
    environment.pop("FORCE_COLOR", None)
    process = subprocess.Popen([sys.executable, "-m", "trialish", "test_slow.py"], cwd=folder,
                               stdout=slave, stderr=slave, stdin=subprocess.DEVNULL,
                               env=environment)
    os.close(slave)
    chunks = []
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 60)
            if not ready:
                break
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(master)
        process.wait(timeout=60)
    return b"".join(chunks).decode("utf-8", "replace")


class ProgressLine(TestCase):
    def setUp(self) -> None:
        self.folder = copy_sample("out_progress", self.mktemp())

    def test_drawn_on_a_terminal_and_the_report_reads_as_without_it(self) -> None:
        raw = _run_in_terminal(self.folder, {"TRIALISH_PROGRESS": "0"})
        self.assertIn("\r\x1b[K", raw)  # the line was drawn, then erased
        self.assertRegex(raw, r"\[2/3\], 1 failed, 0:0\d elapsed, ~0:0\d left \| test_slow\.Slow\.test_two")
        screen = [normalise(line) for line in _screen(raw)]
        plain = [normalise(line) for line in trialish("test_slow.py", cwd=self.folder).out.splitlines()]
        self.assertFalse([line for line in screen if "elapsed" in line], screen)  # erased for good
        # test_two prints while its tree line is open: without the progress
        # line the print lands inside that line, with it the print comes
        # first and the tree line is written whole.  Everything else is equal.
        self.assertIn("a line printed by test_two", screen)
        self.assertIn(f"    test_two ...{' ' * 59}[OK]", screen)
        self.assertEqual([line for line in screen if "test_two" not in line],
                         [line for line in plain if "test_two" not in line and line.strip() != "[OK]"])

    def test_off_when_asked(self) -> None:
        raw = _run_in_terminal(self.folder, {"TRIALISH_PROGRESS": "off"})
        self.assertNotIn("\x1b[K", raw)
        self.assertIn("FAILED (failures=1, successes=2)", raw)

    def test_never_when_output_is_not_a_terminal(self) -> None:
        run = trialish("test_slow.py", cwd=self.folder, env={"TRIALISH_PROGRESS": "0"})
        self.assertNotIn("\x1b", run.out + run.err)
        self.assertNotIn("elapsed", run.out + run.err)


class BroadcastUnit(TestCase):
    def test_each_event_reaches_every_consumer_in_order(self) -> None:
        seen: list[tuple[str, str]] = []

        class Recorder:
            def __init__(self, name: str) -> None:
                self.name = name

            def run_started(self, total: int) -> None:
                seen.append((self.name, f"start {total}"))

            def test_started(self, test_id: str) -> None:
                seen.append((self.name, test_id))

            def test_finished(self, report: object) -> None:
                seen.append((self.name, "finished"))

            def run_finished(self, totals: object) -> None:
                seen.append((self.name, "end"))

        first, second = Recorder("a"), Recorder("b")
        broadcast = Broadcast([first, second], first)
        broadcast.run_started(1)
        broadcast.test_started("t")
        broadcast.test_finished(object())  # type: ignore[arg-type]
        broadcast.run_finished(object())  # type: ignore[arg-type]
        self.assertIs(broadcast.console, first)
        self.assertEqual(seen, [("a", "start 1"), ("b", "start 1"), ("a", "t"), ("b", "t"),
                                ("a", "finished"), ("b", "finished"), ("a", "end"), ("b", "end")])

