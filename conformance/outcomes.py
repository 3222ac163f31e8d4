"""Parse ``--reporter=bwverbose`` output and compare two runs, test by test.

Pure functions on strings and dicts, so they can be unit-tested without
running any suite (tests/test_conformance.py).

Both runners print ``test.id ... [STATUS]`` per test (trial: reporter.py
``VerboseTextReporter``; trialish: ``_reporters.BwVerboseReporter``).  The
parser does not trust lines to be clean, because Twisted's own tests write to
stdout and some fork, so a child can replay the parent's unflushed buffer:
a test's start may follow another start on the same line, a status may come
lines after its start, and trial prints several statuses for one test
(``[OK][ERROR]`` when a class-level cleanup fails after the last test).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Status token (as printed) -> one outcome name shared by both runners.
# trial's bwverbose says [FAILURE]; its summary blocks say [FAIL].
TOKENS: dict[str, str] = {
    "OK": "OK", "ERROR": "ERROR", "FAILURE": "FAIL", "FAIL": "FAIL",
    "SKIPPED": "SKIP", "TODO": "TODO", "SUCCESS!?!": "UNEXPECTED_SUCCESS",
}
# When trial prints several statuses for one test, the worst one is the
# outcome (the same rule trialish uses to pick a single final status).
SEVERITY: tuple[str, ...] = ("OK", "SKIP", "TODO", "UNEXPECTED_SUCCESS", "FAIL", "ERROR")
NO_STATUS = "NO_STATUS"  # started, but no status was printed (crash, hang, kill)
MISSING = "-"  # the runner never started this test

# A test id: a dotted name (modules, class, method), optionally followed by a
# parenthesised description (stdlib subTest/doctest style).  Not anchored to a
# line start: output garbled by a test's own prints or a forked child's replay
# can put a start anywhere.
_START = re.compile(r"(?P<id>[A-Za-z_][\w]*(?:\.[\w\[\]<>:-]+)+(?: \([^()\n]*\))?) \.\.\. ")
_STATUS = re.compile(r"\[(OK|ERROR|FAILURE|FAIL|SKIPPED|TODO|SUCCESS!\?!)\]")
# The closing summary: a block header (=== then [FAIL] etc.) or the
# separator before "Ran N tests".  Statuses after this are not test lines.
_SUMMARY = re.compile(
    r"^(?:={79}\n\[(?:SKIPPED|TODO|FAIL|ERROR|SUCCESS!\?!)\]|-{79}\nRan \d+ tests? in )", re.M)
_RAN = re.compile(r"^Ran (\d+) tests? in ([\d.]+)s$", re.M)


@dataclass
class Seen:
    """Everything one runner printed about one test id (it may run twice)."""

    statuses: list[str] = field(default_factory=list)
    starts: int = 0

    @property
    def outcome(self) -> str:
        """The worst status printed, or NO_STATUS if the test never finished."""
        if not self.statuses:
            return NO_STATUS
        return max(self.statuses, key=SEVERITY.index)

    @property
    def shown(self) -> str:
        """The outcome, plus every printed status when there were several."""
        if len(set(self.statuses)) > 1:
            return f"{self.outcome} ({'+'.join(self.statuses)})"
        return self.outcome


def split_summary(text: str) -> tuple[str, str]:
    """Split output into (per-test part, closing summary)."""
    match = _SUMMARY.search(text)
    return (text, "") if match is None else (text[:match.start()], text[match.start():])


def parse(text: str) -> dict[str, Seen]:
    """Map each test id in bwverbose ``text`` to the statuses printed for it.

    A status belongs to the nearest test start before it.  A start with no
    status before the next start is kept (outcome NO_STATUS) unless the same
    id also finished elsewhere in the output.
    """
    body, _ = split_summary(text)
    results: dict[str, Seen] = {}
    starts = list(_START.finditer(body))
    for index, match in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(body)
        seen = results.setdefault(match["id"], Seen())
        seen.starts += 1
        seen.statuses.extend(TOKENS[token] for token in _STATUS.findall(body, match.end(), end))
    return results


def ran_line(text: str) -> tuple[int, float] | None:
    """The runner's own ``Ran N tests in Xs`` figures, if it got that far."""
    match = _RAN.search(split_summary(text)[1])
    return None if match is None else (int(match[1]), float(match[2]))


def module_of(test_id: str) -> str:
    """The module part of a test id: the components before the first class.

    Classes are CapWords and modules lower-case in Twisted, so the first
    component starting with a capital letter starts the class.  An id with no
    class (an import error reported under the module's name) is its own module.
    """
    parts = test_id.split(" ", 1)[0].split(".")
    for index, part in enumerate(parts):
        if part[:1].isupper():
            return ".".join(parts[:index]) or test_id
    return ".".join(parts)


@dataclass
class Difference:
    """One test whose outcome differs, or that only one runner reported."""

    test_id: str
    trial: str
    trialish: str
    reason: str | None = None  # set when known.py explains it

    @property
    def one_sided(self) -> bool:
        return MISSING in (self.trial, self.trialish)


@dataclass
class Comparison:
    """The per-test comparison of a trial run and a trialish run."""

    agree: int = 0
    differences: list[Difference] = field(default_factory=list)
    modules: dict[str, dict[str, int]] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.agree + len(self.differences)

    @property
    def unexplained(self) -> list[Difference]:
        return [d for d in self.differences if d.reason is None]


def compare(trial: dict[str, Seen], trialish: dict[str, Seen],
            known: dict[str, str] | None = None) -> Comparison:
    """Compare outcomes id by id; ``known`` maps explained ids to a reason."""
    known = known or {}
    result = Comparison()
    for test_id in sorted(set(trial) | set(trialish)):
        left, right = trial.get(test_id), trialish.get(test_id)
        counts = result.modules.setdefault(
            module_of(test_id), {"trial": 0, "trialish": 0, "agree": 0, "differ": 0})
        counts["trial"] += left is not None
        counts["trialish"] += right is not None
        if left is not None and right is not None and left.outcome == right.outcome:
            result.agree += 1
            counts["agree"] += 1
            continue
        counts["differ"] += 1
        result.differences.append(Difference(
            test_id, MISSING if left is None else left.shown,
            MISSING if right is None else right.shown, known.get(test_id)))
    return result


def tally(results: dict[str, Seen]) -> dict[str, int]:
    """How many tests ended with each outcome."""
    counts: dict[str, int] = {}
    for seen in results.values():
        counts[seen.outcome] = counts.get(seen.outcome, 0) + 1
    return dict(sorted(counts.items()))
