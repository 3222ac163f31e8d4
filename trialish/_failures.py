"""Turn exceptions and Failures into text, the way trial prints them.

trial prints ``Failure.getTraceback()``: a Python-style traceback whose last
line names the exception by its qualified name (``builtins.ValueError: x``).
We produce the same shape from either a live exception or a Failure, leaving
out trialish's own frames and stdlib ``unittest`` internals (the frames whose
module sets ``__unittest``), so that the user sees their own code.
"""

from __future__ import annotations

import linecache
import os
import re
import sys
import types
from typing import Any, Iterable

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__)) + os.sep
# trial's own TestCase machinery is framework code too, when we drive it.
_TRIAL_DIR = os.sep + os.path.join("twisted", "trial", "_")

# (function name, file name, line number) -- the part of a frame we print.
FrameTuple = tuple[str, str, int]



def qualified_name(exc_type: type) -> str:
    return f"{exc_type.__module__}.{exc_type.__qualname__}"


def _safe_str(value: object) -> str:
    try:
        return printable(str(value))
    except BaseException as exc:  # a broken __str__ must not break the run
        return f"<unprintable {type(value).__name__} object: {type(exc).__name__}>"


# Terminal control characters (but newline and tab) and lone surrogates
# (undecodable bytes): escaped, so that a message can neither drive the
# user's terminal nor fail to encode on the way to it.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def printable(text: str) -> str:
    """``text`` with control characters and lone surrogates as Python escapes."""
    if _UNPRINTABLE.search(text) is None:
        return text
    return _UNPRINTABLE.sub(lambda match: match.group().encode("unicode_escape").decode("ascii"), text)


def _hidden(filename: str, frame_globals: dict[str, Any] | None) -> bool:
    if filename.startswith(_PACKAGE_DIR) or _TRIAL_DIR in filename:
        return True
    if frame_globals is not None:
        return bool(frame_globals.get("__unittest"))
    return _file_hides_frames(filename)


def is_framework_frame(frame: types.FrameType) -> bool:
    """Whether a live frame is trialish's, trial's or unittest's, not the user's.

    The same frames the tracebacks leave out; the debugger's post-mortem
    starts below them, at the user's own line.
    """
    return _hidden(frame.f_code.co_filename, frame.f_globals)


# filename -> whether the module loaded from it sets ``__unittest``.
_HIDING_FILES: dict[str, bool] = {}


def _file_hides_frames(filename: str) -> bool:
    """Whether the module loaded from ``filename`` asks to be left out.

    A Failure keeps no frame globals (unless made with ``captureVars``), so
    the stdlib's ``__unittest`` marker is found through the module itself.
    """
    hides = _HIDING_FILES.get(filename)
    if hides is None:
        hides = False
        for module in list(sys.modules.values()):
            if getattr(module, "__file__", None) == filename:
                hides = bool(getattr(module, "__unittest", False))
                break
        _HIDING_FILES[filename] = hides
    return hides


# Twisted's callback machinery: where a Failure's traceback starts when the
# error happened in a callback or an awaited Deferred (trial trims it too).
_MACHINERY_FILES = (
    os.path.join("twisted", "internet", "defer.py"),
    os.path.join("twisted", "python", "failure.py"),
)


def _drop_leading_defer(frames: list[FrameTuple]) -> list[FrameTuple]:
    """Deferred's own machinery above the user's first frame is noise.

    When nothing else is left (the error was raised by framework code, e.g.
    ``assertFailure``'s check) no frame is printed at all, as in trial.
    """
    start = 0
    while start < len(frames) and frames[start][1].endswith(_MACHINERY_FILES):
        start += 1
    return frames[start:]


def frames_of_traceback(tb: types.TracebackType | None) -> list[FrameTuple]:
    frames: list[FrameTuple] = []
    while tb is not None:
        code = tb.tb_frame.f_code
        if not _hidden(code.co_filename, tb.tb_frame.f_globals):
            frames.append((code.co_name, code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    return _drop_leading_defer(frames)


def _frames_of_failure(failure: Any) -> list[FrameTuple]:
    frames = []
    for name, filename, lineno, _locals, frame_globals in failure.frames:
        globals_dict = dict(frame_globals) if frame_globals else None
        if _hidden(filename, globals_dict):
            continue
        frames.append((name, filename, lineno))
    return _drop_leading_defer(frames)


_SHOWN_REPEATS = 3  # as Python's own tracebacks


def _runs(frames: list[FrameTuple]) -> Iterable[tuple[FrameTuple, int]]:
    """Each frame as ``(frame, 0)``; a run of the same frame is cut short.

    Infinite recursion makes a thousand identical frames: the first three
    are kept, then one ``(frame, N)`` says how many more there were.
    """
    index = 0
    while index < len(frames):
        end = index
        while end + 1 < len(frames) and frames[end + 1] == frames[index]:
            end += 1
        count = end - index + 1
        for _ in range(min(count, _SHOWN_REPEATS)):
            yield frames[index], 0
        if count > _SHOWN_REPEATS:
            yield frames[index], count - _SHOWN_REPEATS
        index = end + 1


def render(
    exc_type: type, value: object, frames: Iterable[FrameTuple], detail: str = "default"
) -> str:
    """Render a traceback in trial's (Failure's) text layout."""
    frames = list(frames)
    lines: list[str] = []
    message = _safe_str(value)
    if detail == "brief":
        head = "Traceback" if frames else "Traceback (failure with no frames)"
        lines.append(f"{head}: {qualified_name(exc_type)}: {message}\n")
        lines.extend(f"{frame[1]}:{frame[2]}:{frame[0]}\n" if not repeats
                     else f"[Previous line repeated {repeats} more times]\n"
                     for frame, repeats in _runs(frames))
        return "".join(lines)
    lines.append("Traceback (most recent call last):\n")
    if not frames:
        lines.append("Failure: ")
    for frame, repeats in _runs(frames):
        if repeats:
            lines.append(f"  [Previous line repeated {repeats} more times]\n")
            continue
        name, filename, lineno = frame
        if detail == "verbose":
            lines.append(f"{filename}:{lineno}: {name}(...)\n")
        else:
            lines.append(f'  File "{filename}", line {lineno}, in {name}\n')
            source = linecache.getline(filename, lineno).strip()
            lines.append(f"    {source}\n")
    lines.append(f"{qualified_name(exc_type)}: {message}\n")
    return "".join(lines)


def format_exception(exc: BaseException, detail: str = "default") -> str:
    """Format a live exception (with its ``__traceback__``)."""
    return render(type(exc), exc, frames_of_traceback(exc.__traceback__), detail)


def format_failure(failure: Any, detail: str = "default") -> str:
    """Format a ``twisted.python.failure.Failure``."""
    return render(failure.type, failure.value, _frames_of_failure(failure), detail)


def format_any(error: Any, detail: str = "default") -> str:
    """Format an exception or a Failure, whichever ``error`` is."""
    if hasattr(error, "getTraceback"):  # a twisted Failure (itself a BaseException)
        return format_failure(error, detail)
    return format_exception(error, detail)
