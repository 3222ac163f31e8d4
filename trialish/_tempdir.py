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
    """A claimed temp directory and the lock that keeps other runs out of it."""

    path: str
    lock_path: str

    def release(self) -> None:
        """Drop the lock (only if still ours); the directory itself is kept
        so the user can read test.log and the files tests left behind."""
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
    except PermissionError:  # alive, but someone else's
        return True
    return True


def _owner(lock_path: str) -> int | None:
    """The pid a lock symlink points to; None if it is not a lock of ours.

    A lock is a symlink to a pid (trial's format).  Anything else at that
    path (a file, a folder, a symlink to a path) was not made by trial or
    trialish and is never deleted.
    """
    try:
        return int(os.readlink(lock_path))
    except FileNotFoundError:
        return -1  # vanished meanwhile: free
    except (OSError, ValueError):
        return None


def _symlink(target: str, path: str) -> bool:
    """Atomically create the symlink; False if ``path`` already exists."""
    try:
        os.symlink(target, path)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        raise TempDirError(
            f"cannot create the lock {path}: {exc.strerror}; "
            "check that the directory is writable or pass --temp-directory"
        ) from None


def _reclaim(lock_path: str, dead: int) -> None:
    """Remove a lock left by the dead process ``dead``, safely against races.

    Two runs may find the same stale lock at once; if both simply deleted
    it, the slower one could delete the lock the faster one just took.  So
    the deletion itself is guarded by a second lock, and only done if the
    lock still names the dead process.
    """
    guard = lock_path + ".reclaim"
    if not _symlink(str(os.getpid()), guard):
        holder = _owner(guard)
        if holder is not None and not _pid_alive(holder):
            _unlink_quietly(guard)  # a reclaimer that died; next attempt retries
        return
    try:
        if _owner(lock_path) == dead:
            _unlink_quietly(lock_path)
    finally:
        _unlink_quietly(guard)


def _unlink_quietly(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _try_lock(lock_path: str) -> bool:
    """Take the lock; reclaim it if its owner is dead.  False if held."""
    for _ in range(3):
        if _symlink(str(os.getpid()), lock_path):
            return True
        owner = _owner(lock_path)
        if owner is None or owner == os.getpid() or _pid_alive(owner):
            return False
        if owner > 0:
            _reclaim(lock_path, owner)  # stale: its process is gone
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
    parent = os.path.dirname(first)
    try:
        os.makedirs(parent, exist_ok=True)  # --temp-directory build/tmp: make build/
    except OSError as exc:
        reason = "it is not a folder" if os.path.lexists(parent) else exc.strerror or str(exc)
        raise TempDirError(
            f"cannot make the temp directory {first} in {parent}: {reason}; "
            "pass --temp-directory to use another place"
        ) from None
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


def recreate(path: str) -> bool:
    """Make the temp directory again after a test deleted it under the run.

    Only a directory this run claimed is made again (with its marker, so the
    next run may reset it); True if it was.
    """
    if os.path.exists(path):
        return False
    try:
        os.makedirs(path)
        with open(os.path.join(path, MARKER), "w"):
            pass
    except OSError:
        return False
    return True
