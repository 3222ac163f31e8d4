"""JUnit XML (``--junitxml PATH``), the results file CI systems read.

The mapping follows pytest's, which Jenkins, GitLab and the GitHub test
report actions all read (see docs/formats.md):

* one ``<testsuites>`` holding one ``<testsuite name="trialish">``;
* a ``<testcase>`` per test, ``classname`` = the id up to its last dotted
  part (``pkg.mod.Class``), ``name`` = that part (``test_x``, with any
  subtest parameters), ``time`` in seconds;
* FAIL → ``<failure>``, ERROR → ``<error>``, SKIP → ``<skipped>``; TODO (an
  expected failure) → ``<skipped type="todo">`` as pytest does for xfail;
  an unexpected success → ``<failure type="unexpectedSuccess">`` as pytest's
  strict xfail -- so CI flags it, although trial's exit status does not;
* captured output → ``<system-out>``, warnings → ``<system-err>``.

The file is written once, when the run ends (also after Ctrl-C, with the
tests that ran), to a temporary file renamed over PATH, so a reader never
sees half a file.  ``python -m trialish._junit merge OUT IN...`` joins shard
files into one, for tools that want a single file.
"""

from __future__ import annotations

import atexit
import os
import re
import socket
import sys
import time
import xml.etree.ElementTree as ET
from typing import Any, Sequence

from ._results import RunTotals, Status, TestReport

# Characters XML 1.0 cannot carry at all (even escaped): shown as \xNN instead.
_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def clean(text: str) -> str:
    """``text`` made legal in XML 1.0 (control characters, lone surrogates)."""
    return _ILLEGAL.sub(lambda match: f"\\x{ord(match.group()):02x}", text)


def split_id(test_id: str) -> tuple[str, str]:
    """``pkg.mod.Class.test_x (i=1.5)`` → (``pkg.mod.Class``, ``test_x (i=1.5)``).

    Dots in subtest parameters do not split; an id without dots (a NAME
    that could not be imported) is its own classname and name.
    """
    cut = min((index for index in (test_id.find(" "), test_id.find("(")) if index != -1),
              default=len(test_id))
    dot = test_id.rfind(".", 0, cut)
    if dot == -1:
        return test_id, test_id
    return test_id[:dot], test_id[dot + 1:]


def headline(report: TestReport) -> tuple[str, str]:
    """(type, message) of a test's first problem: the exception line of its traceback."""
    if not report.problems:
        return "", ""
    problem = report.problems[0]
    lines = [line.strip() for line in problem.text.splitlines() if line.strip()]
    line = lines[-1] if lines else ""
    for candidate in reversed(lines):
        if candidate.startswith("Failure: ") or (
                problem.type_name and candidate.startswith(problem.type_name)):
            line = candidate
            break
    return problem.type_name, line.removeprefix("Failure: ")


def testcase(report: TestReport) -> ET.Element:
    classname, name = split_id(report.test_id)
    case = ET.Element("testcase", classname=clean(classname), name=clean(name),
                      time=f"{max(report.duration, 0.0):.3f}")
    problems = clean("".join(problem.text for problem in report.problems))
    status = report.status
    if status in (Status.FAIL, Status.ERROR):
        type_name, message = headline(report)
        tag = "failure" if status is Status.FAIL else "error"
        child = ET.SubElement(case, tag, message=clean(message), type=clean(type_name))
        child.text = problems
    elif status is Status.SKIP:
        ET.SubElement(case, "skipped", message=clean(report.reason or ""), type="skip")
    elif status is Status.TODO:
        child = ET.SubElement(case, "skipped", message=clean(f"todo: {report.reason or ''}"),
                              type="todo")
        child.text = problems
    elif status is Status.UNEXPECTED_SUCCESS:
        message = f"unexpected success: {report.reason or ''}"
        child = ET.SubElement(case, "failure", message=clean(message), type="unexpectedSuccess")
        expected = ", ".join(report.expected_errors)
        child.text = clean(f"Reason: {report.reason!r}\n"
                           + (f"Expected errors: {expected}\n" if expected else ""))
    if report.output:
        ET.SubElement(case, "system-out").text = clean(report.output)
    if report.warnings:
        ET.SubElement(case, "system-err").text = clean("".join(w + "\n" for w in report.warnings))
    return case


def document(reports: Sequence[TestReport], elapsed: float, started: float,
             interrupted: bool = False) -> ET.Element:
    """The whole ``<testsuites>`` element for a run's reports."""
    counts = {
        "tests": len(reports),
        "failures": sum(r.status in (Status.FAIL, Status.UNEXPECTED_SUCCESS) for r in reports),
        "errors": sum(r.status is Status.ERROR for r in reports),
        "skipped": sum(r.status in (Status.SKIP, Status.TODO) for r in reports),
    }
    attributes = {key: str(value) for key, value in counts.items()}
    attributes["time"] = f"{elapsed:.3f}"
    root = ET.Element("testsuites", name="trialish", **attributes)
    suite = ET.SubElement(
        root, "testsuite", name="trialish", **attributes,
        timestamp=time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started)),
        hostname=clean(socket.gethostname()),
    )
    if interrupted:
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", name="interrupted", value="true")
    for report in reports:
        suite.append(testcase(report))
    return root


def write_atomically(path: str, root: ET.Element) -> None:
    """Write the document to ``path``; a reader never sees half of it."""
    from ._files import replace_atomically

    def write(stream: Any) -> None:
        ET.ElementTree(root).write(stream, encoding="utf-8", xml_declaration=True)
        stream.write(b"\n")

    replace_atomically(path, write)


class JUnitWriter:
    """Collects every report; writes the file when the run ends.

    If the run never ends normally (an exception escapes the session), an
    exit hook still writes what ran.  ``path`` is made absolute at once:
    the tests run in the temp directory.
    """

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        self.reports: list[TestReport] = []
        self.started = time.time()
        self._clock = time.perf_counter()
        self._written = False

    def run_started(self, total: int) -> None:
        self.started, self._clock = time.time(), time.perf_counter()
        atexit.register(self._at_exit)

    def test_started(self, test_id: str) -> None:
        pass

    def test_finished(self, report: TestReport) -> None:
        self.reports.append(report)

    def run_finished(self, totals: RunTotals) -> None:
        atexit.unregister(self._at_exit)
        self.write(totals.elapsed, totals.interrupted)

    def _at_exit(self) -> None:
        if not self._written:
            self.write(time.perf_counter() - self._clock, interrupted=True)

    def write(self, elapsed: float, interrupted: bool) -> None:
        self._written = True
        try:
            write_atomically(self.path, document(self.reports, elapsed, self.started, interrupted))
        except OSError as exc:
            sys.stderr.write(f"trialish: warning: cannot write --junitxml file {self.path}: "
                             f"{exc.strerror or exc}\n")


def merge(output: str, inputs: Sequence[str]) -> int:
    """Join the test suites of several JUnit files (e.g. shards) into ``output``."""
    root = ET.Element("testsuites", name="trialish")
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    elapsed = 0.0
    for path in inputs:
        top = ET.parse(path).getroot()
        suites = [top] if top.tag == "testsuite" else top.findall("testsuite")
        for suite in suites:
            if len(suites) == 1 and suite.get("name") == "trialish":
                suite.set("name", f"trialish ({os.path.basename(path)})")
            root.append(suite)
            for key in totals:
                totals[key] += int(suite.get(key, "0"))
            elapsed += float(suite.get("time", "0"))
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", f"{elapsed:.3f}")
    write_atomically(os.path.abspath(output), root)
    return 0


def main(argv: Sequence[str]) -> int:
    if len(argv) < 3 or argv[0] != "merge":
        sys.stderr.write("usage: python -m trialish._junit merge OUTPUT INPUT...\n")
        return 4
    try:
        return merge(argv[1], argv[2:])
    except (OSError, ET.ParseError) as exc:
        sys.stderr.write(f"trialish._junit: error: {exc}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
