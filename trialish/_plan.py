"""Which of the found tests this run runs, in which order, and what to tell the user.

``_select`` holds the pure rules (``-k``, ``--shard``, ``--lf``/``--ff``);
this module applies them to one run's Config, reads the recorded state
only when an option needs it, and returns the notes to print instead of
printing them, so that the caller decides where they go (and a closed pipe
is handled in one place).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

from ._config import Config


@dataclass
class Plan:
    """The tests to run, in order, and the lines that explain the choice."""

    specs: list[Any]
    notes: list[str] = field(default_factory=list)
    found: int = 0  # what discovery found
    selected: int = 0  # what -k left of it (before --shard)

    def empty_reason(self, config: Config) -> str:
        """The "no tests found" line, saying which option emptied the run."""
        if config.shard is not None and self.selected:
            return (f"no tests found: shard {config.shard[0]}/{config.shard[1]} is empty "
                    f"(there are {self.selected} tests to share)")
        if config.keywords and self.found:
            patterns = " or ".join(repr(pattern) for pattern in config.keywords)
            return f"no tests found: none of the {self.found} tests matches -k {patterns}"
        return "no tests found"


def load_state(config: Config, start_dir: str) -> Any:
    """What earlier runs recorded, read only when an option uses it (see _state)."""
    wanted = config.last_failed or config.failed_first or (config.jobs > 1 and not config.dry_run)
    if not wanted:
        return None
    from ._state import load

    return load(start_dir)


def plan(config: Config, found: Sequence[Any], seed: int | None, state: Any) -> Plan:
    """-k, --shard, the order, then --lf/--ff (see _select for why in this order)."""
    from ._order import order_specs

    result = Plan([], found=len(found))
    specs: Sequence[Any] = found
    if config.keywords or config.shard is not None:
        from . import _select as select

        specs = select.by_keywords(specs, config.keywords)
        result.selected = len(specs)
        if config.shard is not None:
            durations = read_durations(config.shard_durations) if config.shard_durations else {}
            share = select.shard(specs, *config.shard, durations=durations)
            if share:
                basis = (f"balanced by the times in {config.shard_durations}" if durations
                         else "balanced by test count")
                result.notes.append(f"Running shard {config.shard[0]}/{config.shard[1]}: "
                                    f"{len(share)} of {len(specs)} tests ({basis})")
            specs = share
    specs = order_specs(specs, config.order, seed)
    if state is not None and (config.last_failed or config.failed_first):
        from . import _select as select

        choose = select.last_failed if config.last_failed else select.failed_first
        specs, message = choose(specs, state.failed)
        if specs:
            result.notes.append(message)
    result.specs = list(specs)
    return result


def read_durations(path: str) -> dict[str, float]:
    """Each test's seconds from a results file: JUnit XML (``--junitxml``) or JSON lines.

    Why a file and not ``.trialish/``: every CI machine must cut the suite
    the same way, or the shards overlap and miss tests.  Each machine's own
    ``.trialish/`` holds what *that* machine ran, so it differs between
    shards; a results file from one earlier run (an artifact, or committed)
    is the same everywhere.
    """
    from ._config import UsageError

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise UsageError(f"argument --shard-durations: cannot read {path}: "
                         f"{exc.strerror or exc}") from None
    try:
        if data.lstrip().startswith(b"<"):
            import xml.etree.ElementTree as ET

            return {f"{case.get('classname')}.{case.get('name')}": float(case.get("time", "0"))
                    for case in ET.fromstring(data).iter("testcase")}
        import json

        objects = (json.loads(line) for line in data.decode("utf-8").splitlines() if line.strip())
        return {obj["id"]: float(obj["duration"]) for obj in objects if obj.get("type") == "test"}
    except (ValueError, KeyError, TypeError, SyntaxError) as exc:
        raise UsageError(f"argument --shard-durations: {path} is neither JUnit XML nor "
                         f"trialish JSON lines ({exc})") from None
