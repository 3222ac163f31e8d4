"""Turn the command line's NAMEs into test specs.

A NAME may be a file path, a folder, or a dotted package, module, class or
method.  Anything that cannot be loaded becomes a spec carrying the error
(the module's real traceback, or a sentence saying what was not found), so
the session reports it as one ERROR and the other tests still run.  Tests
are keyed by id, so a class imported into several modules runs once.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import traceback
import unittest
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any, Iterable

from ._failures import frames_of_traceback, render

TEST_PREFIX = "test"
_SKIP_DIRS = {"node_modules", "build", "dist", "__pycache__", "site-packages"}


@dataclass(frozen=True)
class TestSpec:
    """One test to run, or one thing that failed to load (``load_error``)."""

    test_id: str
    cls: type | None = None
    method_name: str = ""
    position: tuple[int, int, int] = (0, 0, 0)  # module, class, method: source order
    load_error: str | None = None

    def make_case(self) -> Any:
        assert self.cls is not None
        return self.cls(self.method_name)


@dataclass
class _Collected:
    specs: dict[str, TestSpec] = field(default_factory=dict)
    module_count: int = 0

    def add(self, spec: TestSpec) -> None:
        self.specs.setdefault(spec.test_id, spec)


def _error_spec(test_id: str, message: str) -> TestSpec:
    return TestSpec(test_id=test_id, load_error=message)


def _import_error_text(exc: BaseException) -> str:
    frames = [f for f in frames_of_traceback(exc.__traceback__) if not f[1].startswith("<frozen")]
    text = render(type(exc), exc, frames)
    if isinstance(exc, SyntaxError):
        detail = "".join(traceback.format_exception_only(type(exc), exc)[:-1])
        text = text + detail
    return text


def _skipped_dir(path: str, name: str) -> bool:
    return (
        name.startswith(".")
        or name.startswith("_trial_temp")
        or name in _SKIP_DIRS
        or name.endswith(".egg-info")
        or os.path.exists(os.path.join(path, "pyvenv.cfg"))
    )


def _is_package(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "__init__.py"))


def module_name_for(file_path: str) -> tuple[str, str]:
    """The dotted name of a .py file, and the folder that must be on sys.path."""
    folder, filename = os.path.split(os.path.abspath(file_path))
    parts = [os.path.splitext(filename)[0]]
    while _is_package(folder):
        folder, package = os.path.split(folder)
        parts.insert(0, package)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts), folder


class Loader:
    """Finds tests; every problem becomes an error spec, never an exception."""

    def __init__(self, recurse: bool = True) -> None:
        self.recurse = recurse
        self.collected = _Collected()

    # -- public ----------------------------------------------------------------

    def load(self, names: Iterable[str]) -> list[TestSpec]:
        names = list(names)
        if not names:
            self._walk_folder(os.getcwd(), top=True)
        for name in names:
            self._load_name(name)
        return list(self.collected.specs.values())

    # -- names -----------------------------------------------------------------

    def _load_name(self, name: str) -> None:
        if os.path.exists(name):
            self._load_path(name)
        elif name.endswith(".py") or os.sep in name or name.startswith("."):
            self.collected.add(_error_spec(name, f"{name}: no such file or directory\n"))
        else:
            self._load_dotted(name)

    def _load_path(self, path: str) -> None:
        if os.path.isdir(path):
            if _is_package(path):
                module_name, root = module_name_for(os.path.join(path, "__init__.py"))
                module = self._import(module_name, root)
                if module is not None:
                    self._walk_package(module, os.path.abspath(path))
            else:
                self._walk_folder(os.path.abspath(path), top=True)
        elif path.endswith(".py"):
            module_name, root = module_name_for(path)
            module = self._import(module_name, root, expected_file=path)
            if module is not None:
                self._collect_module(module)
        else:
            self.collected.add(_error_spec(path, f"{path} is not a Python file (*.py) or a folder\n"))

    def _load_dotted(self, name: str) -> None:
        parts = name.split(".")
        for cut in range(len(parts), 0, -1):
            module_name = ".".join(parts[:cut])
            try:
                module = importlib.import_module(module_name)
            except ModuleNotFoundError as exc:
                missing = exc.name or ""
                if module_name == missing or module_name.startswith(missing + "."):
                    continue  # this prefix is not a module: try a shorter one
                self.collected.add(_error_spec(module_name, _import_error_text(exc)))
                return
            except (Exception, SystemExit) as exc:
                self.collected.add(_error_spec(module_name, _import_error_text(exc)))
                return
            rest = parts[cut:]
            break
        else:
            self.collected.add(_error_spec(
                name, f"{name}: no module, package, class or test method of that name "
                f"(looked on sys.path from {os.getcwd()})\n"))
            return
        target: Any = module
        for index, attribute in enumerate(rest):
            if not hasattr(target, attribute):
                where = ".".join(parts[: cut + index])
                self.collected.add(_error_spec(name, f"{name}: {where} has no attribute {attribute!r}\n"))
                return
            target = getattr(target, attribute)
        self._load_object(name, target, rest)

    def _load_object(self, name: str, target: Any, rest: list[str]) -> None:
        if isinstance(target, ModuleType):
            if hasattr(target, "__path__"):
                self._walk_package(target, os.path.dirname(target.__file__ or ""))
            else:
                self._collect_module(target)
        elif isinstance(target, type) and issubclass(target, unittest.TestCase):
            self._collect_class(target, 0)
        elif len(rest) >= 2 and callable(target):
            owner = target.__self__.__class__ if inspect.ismethod(target) else None
            cls = owner or _owner_class(name)
            if cls is None or not issubclass(cls, unittest.TestCase):
                self.collected.add(_error_spec(name, f"{name} is not a method of a TestCase class\n"))
                return
            self.collected.add(_spec_for(cls, rest[-1], 0))
        else:
            self.collected.add(_error_spec(name, f"{name} is not a test module, TestCase class or test method\n"))

    # -- walking -----------------------------------------------------------------

    def _walk_package(self, package: ModuleType, folder: str) -> None:
        self._collect_module(package)
        for entry in sorted(os.listdir(folder)):
            path = os.path.join(folder, entry)
            if entry.startswith(TEST_PREFIX) and entry.endswith(".py") and os.path.isfile(path):
                module = self._import(f"{package.__name__}.{entry[:-3]}", None)
                if module is not None:
                    self._collect_module(module)
            elif self.recurse and os.path.isdir(path) and _is_package(path) and not _skipped_dir(path, entry):
                subpackage = self._import(f"{package.__name__}.{entry}", None)
                if subpackage is not None:
                    self._walk_package(subpackage, path)

    def _walk_folder(self, folder: str, top: bool) -> None:
        for entry in sorted(os.listdir(folder)):
            path = os.path.join(folder, entry)
            if entry.startswith(TEST_PREFIX) and entry.endswith(".py") and os.path.isfile(path):
                module_name, root = module_name_for(path)
                module = self._import(module_name, root, expected_file=path)
                if module is not None:
                    self._collect_module(module)
            elif os.path.isdir(path) and not _skipped_dir(path, entry) and (self.recurse or top):
                if not self.recurse and not _is_package(path):
                    continue
                if _is_package(path):
                    module_name, root = module_name_for(os.path.join(path, "__init__.py"))
                    package = self._import(module_name, root)
                    if package is not None:
                        self._walk_package(package, path)
                elif self.recurse:
                    self._walk_folder(path, top=False)

    # -- importing and collecting -----------------------------------------------

    def _import(self, module_name: str, root: str | None, expected_file: str | None = None) -> ModuleType | None:
        if root is not None and root not in sys.path:
            sys.path.insert(0, root)
        try:
            module = importlib.import_module(module_name)
        except (Exception, SystemExit) as exc:
            self.collected.add(_error_spec(module_name, _import_error_text(exc)))
            return None
        if expected_file is not None:
            loaded = os.path.realpath(getattr(module, "__file__", "") or "")
            if loaded != os.path.realpath(expected_file):
                self.collected.add(_error_spec(module_name, (
                    f"{expected_file} is importable as {module_name!r}, but that name is "
                    f"already taken by {loaded}: rename one of them or make its folder a package\n")))
                return None
        self.collected.module_count += 1
        return module

    def _collect_module(self, module: ModuleType) -> None:
        module_index = self.collected.module_count
        for value in list(vars(module).values()):
            if isinstance(value, type) and issubclass(value, unittest.TestCase):
                self._collect_class(value, module_index)

    def _collect_class(self, cls: type, module_index: int) -> None:
        for name in dir(cls):
            if name.startswith(TEST_PREFIX) and callable(getattr(cls, name, None)):
                self.collected.add(_spec_for(cls, name, module_index))


def _first_line(obj: Any) -> int:
    function = getattr(obj, "__func__", obj)
    code = getattr(function, "__code__", None)
    return code.co_firstlineno if code is not None else 1 << 30


def _class_line(cls: type) -> int:
    lines = [_first_line(v) for v in vars(cls).values() if callable(v)]
    return min(lines, default=1 << 30)


def _spec_for(cls: type, method_name: str, module_index: int) -> TestSpec:
    test_id = f"{cls.__module__}.{cls.__qualname__}.{method_name}"
    position = (module_index, _class_line(cls), _first_line(getattr(cls, method_name, None)))
    return TestSpec(test_id=test_id, cls=cls, method_name=method_name, position=position)


def _owner_class(dotted: str) -> type | None:
    module_and_class = dotted.rsplit(".", 1)[0]
    module_name, _, class_name = module_and_class.rpartition(".")
    module = sys.modules.get(module_name)
    cls = getattr(module, class_name, None) if module is not None else None
    return cls if isinstance(cls, type) else None


def find_tests(names: Iterable[str], recurse: bool = True) -> list[TestSpec]:
    """Load every NAME; see :class:`Loader`."""
    return Loader(recurse).load(names)
