"""What the project's tests share: their base class, and helpers to run trialish.

``TestCase`` is the base of every test class in ``tests/``.  It is the
stdlib's ``unittest.TestCase`` (its ``run()``, its assertions) plus the few
helpers the tests use, written here without importing trialish, so that
``python -m unittest`` gives a verdict on trialish that trialish's engine,
classifier and reporters have no part in.  Test modules import helpers from
here only, never from each other.
"""

from __future__ import annotations

import atexit
import collections
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from dataclasses import dataclass
from typing import Any, Callable

from twisted.internet import defer
from twisted.python.failure import Failure

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "samples")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

_TEMP_ROOT: list[str] = []


def _temp_root() -> str:
    """One folder per process for ``mktemp``; removed when the process exits."""
    if not _TEMP_ROOT:
        _TEMP_ROOT.append(tempfile.mkdtemp(prefix="trialish-tests-"))
        atexit.register(shutil.rmtree, _TEMP_ROOT[0], True)
    return _TEMP_ROOT[0]


def temp_folder(prefix: str) -> str:
    """A fresh folder, for helpers that keep one for the whole process."""
    return tempfile.mkdtemp(prefix=prefix, dir=_temp_root())


class TestCase(unittest.TestCase):
    """The stdlib's TestCase and the helpers the tests need, none from trialish."""

    def mktemp(self) -> str:
        """A path that does not exist yet, in a fresh folder of its own."""
        prefix = self.id().rsplit(".", 2)[-2][:32] + "-"
        return os.path.join(tempfile.mkdtemp(prefix=prefix, dir=_temp_root()), "temp")

    def patch(self, obj: Any, attribute: str, value: Any) -> None:
        """Set ``obj.attribute = value`` until the test's cleanups run."""
        missing = object()
        original = getattr(obj, attribute, missing)
        setattr(obj, attribute, value)
        if original is missing:
            self.addCleanup(delattr, obj, attribute)
        else:
            self.addCleanup(setattr, obj, attribute, original)

    def _result_now(self, deferred: Any) -> list[Any]:
        """The result ``deferred`` has now ([] if none), taken out of it as trial does."""
        results: list[Any] = []
        defer.ensureDeferred(deferred).addBoth(results.append)
        return results

    def successResultOf(self, deferred: Any) -> Any:
        results = self._result_now(deferred)
        if not results:
            self.fail(f"Success result expected on {deferred!r}, found no result instead")
        if isinstance(results[0], Failure):
            self.fail(f"Success result expected on {deferred!r}, "
                      f"found failure result instead:\n{results[0].getTraceback()}")
        return results[0]

    def failureResultOf(self, deferred: Any, *expected: type[BaseException]) -> Failure:
        results = self._result_now(deferred)
        if not results:
            self.fail(f"Failure result expected on {deferred!r}, found no result instead")
        if not isinstance(results[0], Failure):
            self.fail(f"Failure result expected on {deferred!r}, "
                      f"found success result ({results[0]!r}) instead")
        if expected and not results[0].check(*expected):
            self.fail(f"Failure of type {expected} expected on {deferred!r}, "
                      f"found {results[0].type} instead:\n{results[0].getTraceback()}")
        return results[0]

    def assertNoResult(self, deferred: Any) -> None:
        results: list[Any] = []

        def keep(result: Any) -> Any:
            results.append(result)
            return result

        deferred.addBoth(keep)
        if results:
            deferred.addErrback(lambda _: None)  # do not log it as unhandled later
            self.fail(f"No result expected on {deferred!r}, found {results[0]!r} instead")


@dataclass
class Run:
    """What a user sees: exit code, standard output and standard error."""

    code: int
    out: str
    err: str
    cwd: str

    def temp_file(self, *parts: str, temp: str = "_trial_temp") -> str:
        with open(os.path.join(self.cwd, temp, *parts), encoding="utf-8") as handle:
            return handle.read()

    def __str__(self) -> str:  # shown when an assertion about the run fails
        return f"exit {self.code}\n--- stdout ---\n{self.out}\n--- stderr ---\n{self.err}"


def trialish(*args: str, cwd: str, env: dict[str, str] | None = None,
             timeout: float = 120, **kwargs: Any) -> Run:
    """Run ``python -m trialish ARGS`` in ``cwd`` and capture what it prints."""
    environment = dict(os.environ)
    environment.pop("FORCE_COLOR", None)
    environment["PYTHONPATH"] = REPO
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    if env:
        environment.update(env)
    process = subprocess.run(
        [sys.executable, "-m", "trialish", *args], cwd=cwd, env=environment,
        capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kwargs,
    )
    return Run(process.returncode, process.stdout, process.stderr, cwd)


def copy_sample(name: str, destination: str) -> str:
    """Copy ``tests/samples/NAME`` to a fresh folder and return its path."""
    target = os.path.join(destination, name)
    shutil.copytree(os.path.join(SAMPLES, name), target)
    return target


def write_files(folder: str, files: dict[str, str]) -> str:
    """Create a small suite from ``{relative path: source}``; return ``folder``."""
    for relative, source in files.items():
        path = os.path.join(folder, relative)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(source)
    return folder


def normalise(text: str) -> str:
    """Blank out what legitimately changes between runs: times and addresses."""

    text = re.sub(r"0x[0-9a-f]+", "0xADDR", text)
    text = re.sub(r"in \d+\.\d+s", "in X.XXXs", text)
    text = re.sub(r"\[\d+\.\d+s\]", "[Xs]", text)
    return text


def start_until(*args: str, cwd: str, ready: Callable[[], bool], what: str) -> subprocess.Popen:
    """Start ``python -m trialish ARGS`` in the background; return once ``ready()`` is true.

    For tests that signal a running trialish: they must wait until a test of
    the sample suite has started (it leaves a marker file).  Raises
    AssertionError with what the run printed if it ends or takes over 60 s first.
    """
    environment = dict(os.environ, PYTHONPATH=REPO)
    environment.pop("FORCE_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "trialish", *args], cwd=cwd, env=environment,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 60
    while not ready():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise AssertionError(f"{what} never happened: {process.communicate()}")
        time.sleep(0.02)
    return process


# -- reading trialish's bwverbose output ------------------------------------------

RULE_ERRORS = "=" * 79
RULE_END = "-" * 79


def bw(*args: str, cwd: str, **kwargs: Any) -> Run:
    """Run trialish with the one-line-per-test reporter."""
    return trialish("--reporter=bwverbose", *args, cwd=cwd, **kwargs)


def outcomes(out: str) -> list[tuple[str, str]]:
    """``[(test id, status), ...]`` from bwverbose output, in running order."""
    return re.findall(r"^(\S*) \.\.\. \[([A-Z!?]+)\]$", out, re.M)


def outcome_lines(out: str) -> list[tuple[str, str]]:
    """Like :func:`outcomes`, for ids with spaces too (``setUpClass (m.C)``)."""
    return re.findall(r"^(.*?) \.\.\. \[([A-Z!?]+)\]$", out, re.M)


def ran(out: str) -> list[str]:
    return [test_id for test_id, _ in outcomes(out)]


def statuses(out: str) -> dict[str, str]:
    """``{test id: [STATUS]}`` from bwverbose output; each test must appear once."""
    found: dict[str, str] = {}
    for test_id, status in re.findall(r"^(\S+) \.\.\. (\[\S+\])$", out, re.M):
        assert test_id not in found, f"{test_id} reported twice"
        found[test_id] = status
    return found


def error_blocks(out: str) -> dict[str, str]:
    """``{test id: body}`` of the [ERROR] blocks printed after the run."""
    body = out.split("\n" + RULE_END + "\n")[0]
    blocks = {}
    for block in body.split(RULE_ERRORS + "\n")[1:]:
        lines = block.rstrip("\n").split("\n")
        blocks[lines[-1]] = "\n".join(lines[1:-1]).strip("\n")
    return blocks


def summary_blocks(out: str) -> list[tuple[str, list[str]]]:
    """``[(body, [test ids])]`` of the summary blocks, in order."""
    body = out.split("\n" + RULE_END + "\n")[0]
    found = []
    for block in body.split(RULE_ERRORS + "\n")[1:]:
        text, ids = block.rstrip("\n").rsplit("\n\n", 1)  # the ids follow the last blank line
        found.append((text.rstrip("\n"), ids.split("\n")))
    return found


def block_of(out: str, test_id: str) -> str:
    """The summary block (header, body, ids) that lists ``test_id``."""
    for block in out.split(RULE_ERRORS):
        if re.search(rf"^{re.escape(test_id)}$", block, re.M):
            return block
    raise AssertionError(f"no summary block lists {test_id}")


LEFTOVER_WARNING = "trialish.LeftoverStateWarning: "


def warnings_after(out: str) -> dict[str, list[str]]:
    """``{test id: [leftover warnings printed under its status line]}``."""
    found: dict[str, list[str]] = {}
    current = None
    for line in out.splitlines():
        match = re.match(r"^(\S+) \.\.\. \[[A-Z]+\]$", line)
        if match:
            current = match.group(1)
            found[current] = []
        elif line.startswith(LEFTOVER_WARNING) and current is not None:
            found[current].append(line[len(LEFTOVER_WARNING):])
    return found


# -- running samples and small projects ---------------------------------------------

_RUNS: dict[tuple[str, ...], Run] = {}


def run_sample(name: str, *args: str) -> Run:
    """Run trialish (bwverbose) on a copy of tests/samples/NAME, once per process."""
    key = (name, *args)
    if key not in _RUNS:
        folder = copy_sample(name, temp_folder(name + "-"))
        _RUNS[key] = bw(*args, cwd=folder)
    return _RUNS[key]


def fresh_run(test: TestCase, sample: str, *args: str, **kwargs: Any) -> Run:
    """Run trialish (bwverbose) on a fresh copy of tests/samples/SAMPLE."""
    folder = copy_sample(sample, os.path.abspath(test.mktemp()))
    return bw(*args, cwd=folder, **kwargs)


def new_folder(test: TestCase) -> str:
    """A fresh, empty folder for the test."""
    folder = os.path.abspath(test.mktemp())
    os.makedirs(folder)
    return folder


def case(body: str, name: str = "Tests", base: str = "unittest.TestCase") -> str:
    """Source of a module with one TestCase class whose methods pass."""
    methods = "".join(f"    def {method}(self):\n        pass\n" for method in body.split())
    return f"import unittest\n\n\nclass {name}({base}):\n{methods}"


def load_in_process(folder: str, *names: str, recurse: bool = True) -> dict[str, Any]:
    """Run trialish's Loader in ``folder`` as the CLI would; leave no trace behind.

    (For the tests of discovery itself: the Loader is their subject.)
    """
    import importlib

    from trialish._discovery import Loader

    saved_path, saved_modules, saved_cwd = list(sys.path), set(sys.modules), os.getcwd()
    importlib.invalidate_caches()  # the files were written a moment ago
    os.chdir(folder)
    sys.path.insert(0, folder)
    try:
        specs = Loader(recurse).load(names)
    finally:
        os.chdir(saved_cwd)
        sys.path[:] = saved_path
        for module_name in set(sys.modules) - saved_modules:
            del sys.modules[module_name]
    return {spec.test_id: spec for spec in specs}


# -- what a faulty run must still get right -------------------------------------------


def assert_each_once(test: TestCase, run: Run, expected: dict[str, str]) -> None:
    """Exactly the ``{test id: status}`` expected, each reported once, and counted."""
    seen = outcomes(run.out)
    counts = collections.Counter(test_id for test_id, _ in seen)
    test.assertEqual([i for i, n in counts.items() if n > 1], [], run)
    test.assertEqual(dict(seen), expected, run)
    test.assertIn(f"Ran {len(expected)} tests in ", run.out, run)


def assert_temp_intact(test: TestCase, run: Run, test_ids: list[str],
                       temp: str = "_trial_temp") -> None:
    """The marker is there, and test.log has one header for each test that ran."""
    test.assertTrue(os.path.isfile(os.path.join(run.cwd, temp, "_trial_marker")), run)
    log = run.temp_file("test.log", temp=temp)
    for test_id in test_ids:
        test.assertEqual(log.count(f"--> {test_id} <--"), 1, f"{test_id} in\n{log}")
    test.assertFalse(os.path.lexists(os.path.join(run.cwd, temp + ".lock")), run)
