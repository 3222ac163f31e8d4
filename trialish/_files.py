"""Replace a file so that a reader never sees half of it.

Results files (``--junitxml``) and the run state (``.trialish/``) are read
by other programs, possibly while a run writes them, and two runs may finish
together.  Writing to a temporary file beside the target and renaming it over
the target gives every reader either the old file or the new one.
"""

from __future__ import annotations

import os
import tempfile
from typing import BinaryIO, Callable


def replace_atomically(path: str, write: Callable[[BinaryIO], None]) -> None:
    """Call ``write`` on a temporary file beside ``path``, then rename it over ``path``.

    The file gets the permissions a plain ``open()`` would give it (mkstemp's
    0600 would hide it from other users).  Raises OSError; leaves nothing
    behind when it does.
    """
    folder = os.path.dirname(path) or "."
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", dir=folder)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
