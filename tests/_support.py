"""Helpers for black-box tests: run trialish in a subprocess on a sample suite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable

SAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "samples")
REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
    import re

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
