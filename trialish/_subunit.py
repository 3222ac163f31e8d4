"""Subunit v2 on a binary stream (``--reporter subunit``), without python-subunit.

Subunit v2 is a sequence of self-delimiting binary packets (signature
``0xB3``, 16-bit flags, variable-length total length, optional fields,
CRC32).  Writing it takes a few dozen lines, so trialish does not depend on
python-subunit; the output is checked against python-subunit's own tools
(``subunit2pyunit``, ``subunit-stats``).

Per finished test: an ``inprogress`` packet stamped with the test's start
(now minus its duration), its attachments (``traceback``, ``reason``,
``output``, ``warnings``; each chunked below the packet size limit and
closed with EOF), then the final status stamped now.  v2 has no "error"
status: an ERROR is ``fail``, as python-subunit itself encodes
``addError``; the traceback attachment still says what happened.
"""

from __future__ import annotations

import struct
import sys
import time
import zlib
from typing import BinaryIO

from ._results import RunTotals, Status, TestReport

SIGNATURE = 0xB3
VERSION_2 = 0x2000
FLAG_TEST_ID = 0x0800
FLAG_ROUTE_CODE = 0x0400
FLAG_TIMESTAMP = 0x0200
FLAG_RUNNABLE = 0x0100
FLAG_TAGS = 0x0080
FLAG_FILE_CONTENT = 0x0040
FLAG_MIME_TYPE = 0x0020
FLAG_EOF = 0x0010
STATUS_CODES = {
    None: 0, "exists": 1, "inprogress": 2, "success": 3, "uxsuccess": 4, "skip": 5, "fail": 6,
    "xfail": 7,
}
STATUSES = {
    Status.OK: "success", Status.FAIL: "fail", Status.ERROR: "fail", Status.SKIP: "skip",
    Status.TODO: "xfail", Status.UNEXPECTED_SUCCESS: "uxsuccess",
}
CHUNK = 65536  # file bytes per packet: far below the 4 MiB packet limit
TEXT = "text/plain; charset=utf8"
TRACEBACK = "text/x-traceback; charset=utf8"


def encode_number(value: int) -> bytes:
    """Subunit's variable-length number: 1 to 4 bytes, the top 2 bits give the size."""
    if value < 0:
        raise ValueError(f"negative number: {value}")
    if value < 0x40:
        return struct.pack(">B", value)
    if value < 0x4000:
        return struct.pack(">H", value | 0x4000)
    if value < 0x400000:
        value |= 0x800000
        return struct.pack(">HB", value >> 8, value & 0xFF)
    if value < 0x40000000:
        return struct.pack(">I", value | 0xC0000000)
    raise ValueError(f"number too large for subunit: {value}")


def _utf8(text: str) -> bytes:
    data = text.encode("utf-8", "backslashreplace").replace(b"\0", b"\\x00")  # no NUL in strings
    return encode_number(len(data)) + data


def packet(
    test_id: str | None = None, status: str | None = None, timestamp: float | None = None,
    mime_type: str | None = None, file_name: str | None = None, file_bytes: bytes = b"",
    eof: bool = False, runnable: bool = True,
) -> bytes:
    """One complete v2 packet, fields in the order the specification gives."""
    flags = VERSION_2 | STATUS_CODES[status]
    body = bytearray()
    if timestamp is not None:
        flags |= FLAG_TIMESTAMP
        seconds = int(timestamp)
        nanoseconds = int(round((timestamp - seconds) * 1_000_000)) * 1000
        if nanoseconds >= 1_000_000_000:
            seconds, nanoseconds = seconds + 1, 0
        body += struct.pack(">I", seconds) + encode_number(nanoseconds)
    if test_id is not None:
        flags |= FLAG_TEST_ID
        body += _utf8(test_id)
    if runnable:
        flags |= FLAG_RUNNABLE
    if mime_type:
        flags |= FLAG_MIME_TYPE
        body += _utf8(mime_type)
    if file_name is not None:
        flags |= FLAG_FILE_CONTENT
        body += _utf8(file_name) + encode_number(len(file_bytes)) + file_bytes
    if eof:
        flags |= FLAG_EOF
    # signature + flags + length + body + crc; the length counts its own bytes.
    base = 1 + 2 + len(body) + 4
    for size in (1, 2, 3):
        if len(encode_number(base + size)) == size:
            break
    else:
        raise ValueError(f"subunit packet too long: {base} bytes")
    head = struct.pack(">BH", SIGNATURE, flags) + encode_number(base + size)
    content = head + bytes(body)
    return content + struct.pack(">I", zlib.crc32(content) & 0xFFFFFFFF)


def file_packets(test_id: str, name: str, text: str, mime_type: str, timestamp: float) -> list[bytes]:
    """An attachment as packets of at most CHUNK bytes, the last one with EOF."""
    data = text.encode("utf-8", "backslashreplace")
    chunks = [data[start:start + CHUNK] for start in range(0, len(data), CHUNK)] or [b""]
    return [
        packet(test_id, None, timestamp, mime_type, name, chunk, eof=index == len(chunks) - 1)
        for index, chunk in enumerate(chunks)
    ]


def report_packets(report: TestReport, now: float) -> list[bytes]:
    """Every packet of one finished test."""
    test_id, start = report.test_id, now - max(report.duration, 0.0)
    packets = [packet(test_id, "inprogress", start)]
    attachments: list[tuple[str, str, str]] = []
    problems = "".join(problem.text for problem in report.problems)
    if problems:
        attachments.append(("traceback", problems, TRACEBACK))
    if report.reason is not None:
        attachments.append(("reason", report.reason, TEXT))
    if report.expected_errors:
        attachments.append(("expected-errors", "\n".join(report.expected_errors) + "\n", TEXT))
    if report.output:
        attachments.append(("output", report.output, TEXT))
    if report.warnings:
        attachments.append(("warnings", "".join(line + "\n" for line in report.warnings), TEXT))
    for name, text, mime_type in attachments:
        packets.extend(file_packets(test_id, name, text, mime_type, now))
    packets.append(packet(test_id, STATUSES[report.status], now))
    return packets


class SubunitReporter:
    """``--reporter subunit``: the stream only, nothing for humans."""

    def __init__(self, stream: BinaryIO | None = None, realtime: bool = False) -> None:
        if stream is None:
            stream = sys.stdout.buffer
        self.stream = stream
        self.clock = time.time
        self._broken = False

    def _write(self, data: bytes) -> None:
        if self._broken:
            return
        try:
            self.stream.write(data)
            self.stream.flush()
        except (OSError, ValueError):
            self._broken = True  # the reader went away; the run itself goes on

    def run_started(self, total: int) -> None:
        pass

    def test_started(self, test_id: str) -> None:
        pass

    def test_finished(self, report: TestReport) -> None:
        self._write(b"".join(report_packets(report, self.clock())))

    def run_finished(self, totals: RunTotals) -> None:
        pass
