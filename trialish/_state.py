"""What trialish remembers between runs, in ``.trialish/`` of the start directory.

Two things: the ids of the tests that failed (for ``--lf``/``--ff``) and each
test's last duration (so ``-j`` can hand out the longest work first).  It
lives in ``.trialish/``, never in ``_trial_temp``, because the temp
directory is wiped at the start of every run -- exactly when we need to
read it.

One JSON file, read only when an option needs it and written once at the
end of a run, atomically (a temporary file, then ``os.replace``), so an
interrupted write or two runs finishing together never leave a torn file:
at worst one run's update is lost.  A file that cannot be read is treated
as "nothing recorded"; one that cannot be written is a one-line warning.
Both are only hints, never worth failing a run over.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from typing import Iterable

from ._files import replace_atomically
from ._results import TestReport

DIRECTORY = ".trialish"
FILE_NAME = "state.json"
VERSION = 1
_GITIGNORE = "# Created by trialish: run state (failed tests, durations), not source.\n*\n"


@dataclass
class State:
    """The recorded failures and durations; empty when nothing was recorded."""

    failed: set[str] = field(default_factory=set)
    durations: dict[str, float] = field(default_factory=dict)


def path_in(start_dir: str) -> str:
    return os.path.join(start_dir, DIRECTORY, FILE_NAME)


def load(start_dir: str) -> State:
    """The state recorded in ``start_dir``; empty if none (or unreadable)."""
    try:
        with open(path_in(start_dir), encoding="utf-8") as handle:
            data = json.load(handle)
    except (OSError, ValueError):
        return State()
    if not isinstance(data, dict) or data.get("version") != VERSION:
        return State()
    failed = data.get("failed")
    durations = data.get("durations")
    return State(
        failed={item for item in failed if isinstance(item, str)} if isinstance(failed, list) else set(),
        durations={key: float(value) for key, value in durations.items()
                   if isinstance(value, (int, float))} if isinstance(durations, dict) else {},
    )


def updated(state: State, reports: Iterable[TestReport]) -> State:
    """``state`` after a run that produced ``reports``.

    Only the tests that ran change: a test that passed leaves the failed
    set, one that failed or errored joins it, and one not run this time
    (deselected by ``-k``, ``--lf``, a shard, ``-x``) keeps what it had --
    so ``--lf`` after a partial run still knows about the others.
    """
    failed = set(state.failed)
    durations = dict(state.durations)
    for report in reports:
        if report.is_failure:
            failed.add(report.test_id)
        else:
            failed.discard(report.test_id)
        durations[report.test_id] = round(report.duration, 5)
    return State(failed, durations)


def save(start_dir: str, state: State) -> None:
    """Write ``state`` atomically; raises OSError if it cannot."""
    folder = os.path.join(start_dir, DIRECTORY)
    os.makedirs(folder, exist_ok=True)
    ignore = os.path.join(folder, ".gitignore")
    if not os.path.exists(ignore):
        with open(ignore, "w", encoding="utf-8") as handle:
            handle.write(_GITIGNORE)
    data = {"version": VERSION, "failed": sorted(state.failed), "durations": state.durations}
    encoded = json.dumps(data, separators=(",", ":")).encode("utf-8")
    replace_atomically(os.path.join(folder, FILE_NAME), lambda stream: stream.write(encoded))


def record(start_dir: str, reports: Iterable[TestReport]) -> str | None:
    """Merge a run's outcomes into the recorded state; an error message, or None."""
    try:
        save(start_dir, updated(load(start_dir), reports))
    except OSError as exc:
        return f"warning: cannot record the run in {DIRECTORY}/: {exc.strerror or exc}"
    return None
