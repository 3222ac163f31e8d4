"""The run's temp directory (``_trial_temp``): claim it, lock it, reset it.

It holds ``test.log`` and is the tests' working directory.  It is kept after
a run and wiped at the start of the next.  Like trial we mark our
directories with a ``_trial_marker`` file and lock them with a
``NAME.lock`` symlink whose target is the owner's pid, so trial and trialish
recognise each other's directories and locks.  Unlike trial:

* a directory without the marker is refused and nothing is deleted;
* when the directory is locked by a live process we take ``NAME-1``,
  ``NAME-2``... for any NAME (trial crashes for names other than the default);
* a lock left by a dead process is reclaimed.
"""

from __future__ import annotations

import errno
import os
import shutil
from dataclasses import dataclass

MARKER = "_trial_marker"
_MAX_SIBLINGS = 100


class TempDirError(Exception):
    """The temp directory cannot be used; the message says what to do."""


@dataclass(frozen=True)
class TempDir:
    path: str
    lock_path: str

    def release(self) -> None:
        try:
            if os.readlink(self.lock_path) == str(os.getpid()):
                os.unlink(self.lock_path)
        except OSError:
            pass


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _try_lock(lock_path: str) -> bool:
    """Take the lock; reclaim it if its owner is dead.  False if held."""
    for _ in range(2):
        try:
            os.symlink(str(os.getpid()), lock_path)
            return True
        except FileExistsError:
            try:
                owner = int(os.readlink(lock_path))
            except (OSError, ValueError):
                owner = -1
            if owner == os.getpid() or _pid_alive(owner):
                return False
            try:
                os.unlink(lock_path)  # stale: its process is gone
            except FileNotFoundError:
                pass
        except OSError as exc:
            raise TempDirError(
                f"cannot create the lock {lock_path}: {exc.strerror}; "
                "check that the directory is writable or pass --temp-directory"
            ) from None
    return False


def _reset(path: str) -> None:
    if os.path.lexists(path):
        if not os.path.isdir(path) or os.path.islink(path) or not os.path.exists(
            os.path.join(path, MARKER)
        ):
            raise TempDirError(
                f"{path} exists but was not made by trial or trialish (no {MARKER} file); "
                "refusing to delete it: remove it yourself or pass --temp-directory"
            )
        shutil.rmtree(path)
    os.makedirs(path)
    with open(os.path.join(path, MARKER), "w"):
        pass


def acquire(name: str, base: str | None = None) -> TempDir:
    """Claim, lock and empty the temp directory ``name`` (or a sibling)."""
    base = os.getcwd() if base is None else base
    first = os.path.abspath(os.path.join(base, name))
    for index in range(_MAX_SIBLINGS):
        path = first if index == 0 else f"{first}-{index}"
        lock_path = path + ".lock"
        if not _try_lock(lock_path):
            continue
        try:
            _reset(path)
        except TempDirError:
            TempDir(path, lock_path).release()
            raise
        except OSError as exc:
            TempDir(path, lock_path).release()
            reason = exc.strerror or errno.errorcode.get(exc.errno or 0, str(exc))
            raise TempDirError(
                f"cannot prepare the temp directory {path}: {reason}; "
                "pass --temp-directory to use another place"
            ) from None
        return TempDir(path, lock_path)
    raise TempDirError(
        f"{first} and {_MAX_SIBLINGS - 1} siblings are all locked by running processes"
    )
