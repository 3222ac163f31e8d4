"""Turn the command line's NAMEs into test specs.

A NAME may be a file path, a folder, or a dotted package, module, class or
method.  Anything that cannot be loaded becomes a spec carrying the error
(the module's real traceback, or one sentence saying what was not found), so
the session reports it as one ERROR and the other tests still run: a typo in
one NAME must not hide the results of all the others, and a traceback from
inside the loader would only tell the user about trialish, not their code.

Tests are keyed by id (``defining.module.Class.method``), so a class that is
imported into several modules, or a NAME given twice, runs once.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import traceback
import unittest
from types import ModuleType
from typing import Any, Iterable

from . import _suites
from ._failures import frames_of_traceback, render
from ._specs import TestSpec, class_rank

MODULE_PREFIX = "test_"  # test modules: test_*.py
METHOD_PREFIX = "test"  # test methods: test*
_SKIP_DIRS = {"node_modules", "build", "dist", "__pycache__", "site-packages"}
_IMPORTLIB_DIR = os.path.dirname(os.path.abspath(importlib.__file__)) + os.sep


# -- what the user sees when loading fails -------------------------------------


def _machinery(filename: str) -> bool:
    """Frames of the import system: they say nothing about the user's code."""
    return filename.startswith("<frozen") or filename.startswith(_IMPORTLIB_DIR)


def import_error_text(exc: BaseException) -> str:
    """The traceback of a failed import, with only the user's frames.

    trialish's frames are dropped by :mod:`_failures`; the import system's
    frames are dropped here.  A SyntaxError also shows the offending line and
    caret, as Python does, because the traceback alone has no frame for it.
    """
    frames = [f for f in frames_of_traceback(exc.__traceback__) if not _machinery(f[1])]
    if not isinstance(exc, SyntaxError) or not exc.filename:
        return render(type(exc), exc, frames)
    lines = render(type(exc), exc.msg, frames).splitlines(keepends=True)
    last = lines.pop()
    if last.startswith("Failure: "):
        last = last[len("Failure: "):]
    location = traceback.format_exception_only(type(exc), exc)[:-1]
    return "".join(lines + location + [last])


# -- files and folders ----------------------------------------------------------


def _skipped_dir(path: str, name: str) -> bool:
    """Folders that hold no tests of the project: hidden, venvs, build output,
    and temp directories (tests copy sample suites there)."""
    return (
        name.startswith(".")
        or name.startswith("_trial_temp")
        or name in _SKIP_DIRS
        or name.endswith(".egg-info")
        or os.path.exists(os.path.join(path, "pyvenv.cfg"))
        or os.path.exists(os.path.join(path, "_trial_marker"))  # any run's temp directory
    )


def _is_package(path: str) -> bool:
    return os.path.isfile(os.path.join(path, "__init__.py"))


def _is_test_file(entry: str, path: str) -> bool:
    stem, ext = os.path.splitext(entry)
    return stem.startswith(MODULE_PREFIX) and ext == ".py" and stem.isidentifier() and os.path.isfile(path)


def module_name_for(file_path: str) -> tuple[str, str]:
    """The dotted name of a .py file, and the folder that must be on sys.path.

    A file inside a package gets its full dotted name (so its relative
    imports work and its test ids match what a dotted NAME would give); the
    folder to put on sys.path is the one above the outermost package.
    """
    folder, filename = os.path.split(os.path.abspath(file_path))
    parts = [os.path.splitext(filename)[0]]
    if parts[0] == "__init__":
        folder, parts = os.path.dirname(folder), [os.path.basename(folder)]
    while _is_package(folder):
        folder, package = os.path.split(folder)
        parts.insert(0, package)
    return ".".join(parts), folder


def _looks_like_path(name: str) -> bool:
    return (name.endswith(".py") or name.startswith(".") or os.sep in name
            or bool(os.altsep and os.altsep in name))


# -- the loader -----------------------------------------------------------------


class Loader:
    """Finds tests; every problem becomes an error spec, never an exception."""

    def __init__(self, recurse: bool = True) -> None:
        self.recurse = recurse
        self.specs: dict[str, TestSpec] = {}
        self._ranks: dict[str, int] = {}  # module name -> order in which it was found
        self._walked: set[str] = set()  # real paths of folders already walked

    def load(self, names: Iterable[str]) -> list[TestSpec]:
        names = list(names)
        if not names:
            self._walk_folder(os.getcwd())
        seen: set[str] = set()
        for name in names:
            key = os.path.realpath(name) if os.path.exists(name) else name
            if key not in seen:  # the same NAME twice: import (and run) it once
                seen.add(key)
                self._load_name(name)
        return list(self.specs.values())

    # -- bookkeeping -------------------------------------------------------------

    def _rank(self, key: str) -> int:
        return self._ranks.setdefault(key, len(self._ranks))

    def _add(self, spec: TestSpec) -> None:
        self.specs.setdefault(spec.test_id, spec)

    def _error(self, test_id: str, message: str) -> None:
        if not message.endswith("\n"):
            message += "\n"
        self._add(TestSpec(test_id, rank=self._rank(test_id), load_error=message))

    # the interface of :class:`_suites.SpecSink`
    add = _add
    rank = _rank

    def error(self, test_id: str, message: str) -> None:
        self._error(test_id, message)

    @staticmethod
    def error_text(exc: BaseException) -> str:
        return import_error_text(exc)

    # -- names -------------------------------------------------------------------

    def _load_name(self, name: str) -> None:
        if os.path.exists(name):
            self._load_path(name)
        elif _looks_like_path(name):
            self._error(name, f"{name} names nothing: there is no such file or folder "
                              f"(relative paths start at {os.getcwd()}).")
        elif not all(part.isidentifier() for part in name.split(".")):
            self._error(name, f"{name!r} is neither an existing file or folder nor a dotted "
                              "Python name such as package.module.Class.test_method.")
        else:
            self._load_dotted(name)

    def _load_path(self, path: str) -> None:
        if os.path.isdir(path):
            if _is_package(path):
                module_name, root = module_name_for(os.path.join(path, "__init__.py"))
                package = self._import(module_name, root)
                if package is not None:
                    self._walk_package(package, os.path.abspath(path))
            else:
                self._walk_folder(os.path.abspath(path))
        elif not path.endswith(".py"):
            self._error(path, f"{path} is neither a Python file (*.py) nor a folder, so it holds no tests.")
        elif not os.path.basename(path)[:-3].isidentifier():
            self._error(path, f"{path} cannot be imported: {os.path.basename(path)[:-3]!r} "
                              "is not a valid Python module name (use letters, digits and _).")
        else:
            module_name, root = module_name_for(path)
            module = self._import(module_name, root, expected_file=path)
            if module is not None:
                self._collect_module(module, pattern=None)

    def _load_dotted(self, name: str) -> None:
        """Import the longest importable prefix of ``name``; the rest are attributes.

        Prefixes are imported from the shortest up, so that a module that
        fails to import is reported under its own name, not the NAME's.
        """
        parts = name.split(".")
        module: ModuleType | None = None
        cut = 0
        for index in range(1, len(parts) + 1):
            if module is not None and not hasattr(module, "__path__"):
                break  # a plain module has no submodules: the rest are attributes
            if module is not None and not isinstance(getattr(module, parts[index - 1], module), ModuleType):
                break  # a class or function of the package, not a submodule
            candidate = ".".join(parts[:index])
            try:
                module = importlib.import_module(candidate)
            except ModuleNotFoundError as exc:
                if exc.name != candidate:
                    self._error(candidate, import_error_text(exc))  # it imports something missing
                    return
                break
            except (Exception, SystemExit) as exc:
                self._error(candidate, import_error_text(exc))
                return
            cut = index
        if module is None:
            self._error(name, f"{name} names nothing: there is no module or package {parts[0]!r} "
                              f"on sys.path, which starts with the current directory {os.getcwd()}.")
            return
        self._rank(module.__name__)
        target: Any = module
        parent: Any = None
        for index, attribute in enumerate(parts[cut:], start=cut):
            if not hasattr(target, attribute):
                self._error(name, _missing_attribute(name, ".".join(parts[:index]), target, attribute))
                return
            parent, target = target, getattr(target, attribute)
        self._load_object(name, target, parent, parts[-1])

    def _load_object(self, name: str, target: Any, parent: Any, attribute: str) -> None:
        if isinstance(target, ModuleType):
            folder = next(iter(getattr(target, "__path__", [])), None)
            if folder is not None:  # a package (namespace packages too)
                self._walk_package(target, folder)
            else:
                self._collect_module(target, pattern=None)
        elif _is_test_class(target):
            self._collect_class(target)
        elif _is_test_class(parent) and callable(target):
            self._add(self._spec_for(parent, attribute))
        else:
            kind = "a class" if inspect.isclass(target) else f"a {type(target).__name__}"
            self._error(name, f"{name} is {kind}, not a test module, TestCase class or test method.")

    # -- walking -----------------------------------------------------------------

    def _listdir(self, folder: str) -> list[str]:
        try:
            return sorted(os.listdir(folder))
        except OSError as exc:
            self._error(folder, f"{folder} cannot be searched for tests: {exc.strerror}.")
            return []

    def _first_visit(self, folder: str) -> bool:
        """False for a folder seen before (a symlink loop, or a NAME repeated)."""
        real = os.path.realpath(folder)
        if real in self._walked:
            return False
        self._walked.add(real)
        return True

    def _walk_package(self, package: ModuleType, folder: str) -> None:
        self._collect_module(package)
        if _suites.load_tests_hook(package) is not None:
            return  # as in unittest discovery: the package's load_tests loads the package
        if not self._first_visit(folder):
            return
        for entry in self._listdir(folder):
            path = os.path.join(folder, entry)
            if _is_test_file(entry, path):
                module = self._import(f"{package.__name__}.{entry[:-3]}", None)
                if module is not None:
                    self._collect_module(module)
            elif (self.recurse and entry.isidentifier() and os.path.isdir(path)
                  and _is_package(path) and not _skipped_dir(path, entry)):
                subpackage = self._import(f"{package.__name__}.{entry}", None)
                if subpackage is not None:
                    self._walk_package(subpackage, path)

    def _walk_folder(self, folder: str) -> None:
        """A folder that is not a package: test files here, then sub-folders."""
        if not self._first_visit(folder):
            return
        for entry in self._listdir(folder):
            path = os.path.join(folder, entry)
            if _is_test_file(entry, path):
                module_name, root = module_name_for(path)
                module = self._import(module_name, root, expected_file=path)
                if module is not None:
                    self._collect_module(module)
            elif self.recurse and os.path.isdir(path) and not _skipped_dir(path, entry):
                if not _is_package(path):
                    self._walk_folder(path)
                elif entry.isidentifier():
                    module_name, root = module_name_for(os.path.join(path, "__init__.py"))
                    package = self._import(module_name, root)
                    if package is not None:
                        self._walk_package(package, path)

    # -- importing and collecting -----------------------------------------------

    def _import(self, module_name: str, root: str | None, expected_file: str | None = None) -> ModuleType | None:
        if root is not None and root not in sys.path:
            sys.path.insert(0, root)
        try:
            module = importlib.import_module(module_name)
        except (Exception, SystemExit) as exc:
            self._error(module_name, import_error_text(exc))
            return None
        if expected_file is not None:
            loaded = os.path.realpath(getattr(module, "__file__", "") or "")
            if loaded != os.path.realpath(expected_file):
                self._error(module_name, (
                    f"{expected_file} is importable as {module_name!r}, but that name is "
                    f"already taken by {loaded}: rename one of them or make its folder a package."))
                return None
        self._rank(module.__name__)
        return module

    def _collect_module(self, module: ModuleType, pattern: str | None = _suites.DISCOVERY_PATTERN) -> None:
        """The module's TestCase classes, unless it builds its own tests.

        ``pattern`` is what a ``load_tests`` hook is given: the discovery
        pattern when the module was found by walking a folder or package,
        None when it was named directly (as unittest does).
        """
        self._rank(module.__name__)
        if not _suites.has_own_tests(module):
            for value in list(vars(module).values()):
                if _is_test_class(value):
                    self._collect_class(value)
            return
        standard: list[TestSpec] = []
        if _suites.suite_hook(module) is None:
            for value in list(vars(module).values()):
                if _is_test_class(value):
                    standard.extend(self._class_specs(value))
        if hasattr(module, "__path__"):
            pattern = _suites.DISCOVERY_PATTERN  # a package NAME is walked, so discovered
        top = module_name_for(module.__file__)[1] if getattr(module, "__file__", None) else None
        _suites.collect_own(self, module, standard, pattern, top)

    def _collect_class(self, cls: type) -> None:
        for spec in self._class_specs(cls):
            self._add(spec)

    def _class_specs(self, cls: type) -> list[TestSpec]:
        rank = self._rank(cls.__module__)
        class_rank(cls)  # once per class, while its module is surely in sys.modules
        prefix = f"{cls.__module__}.{cls.__qualname__}."
        return [TestSpec(prefix + name, cls, name, rank=rank)
                for name in dir(cls)
                if name.startswith(METHOD_PREFIX) and _is_method(getattr(cls, name, None))]

    def _spec_for(self, cls: type, method_name: str) -> TestSpec:
        test_id = f"{cls.__module__}.{cls.__qualname__}.{method_name}"
        class_rank(cls)
        return TestSpec(test_id, cls, method_name, rank=self._rank(cls.__module__))


def _is_test_class(value: Any) -> bool:
    """Any unittest.TestCase subclass: trialish's, trial's or the stdlib's."""
    return inspect.isclass(value) and issubclass(value, unittest.TestCase)


def _is_method(value: Any) -> bool:
    return callable(value) and not inspect.isclass(value)


def _missing_attribute(name: str, where: str, target: Any, attribute: str) -> str:
    if isinstance(target, ModuleType):
        return f"{name} names nothing: module {where} has no submodule, class or function {attribute!r}."
    if inspect.isclass(target):
        return f"{name} names nothing: class {where} has no test method {attribute!r}."
    return f"{name} names nothing: {where} has no attribute {attribute!r}."


def find_tests(names: Iterable[str], recurse: bool = True) -> list[TestSpec]:
    """Load every NAME (none: discover under the current directory); see :class:`Loader`."""
    return Loader(recurse).load(names)
