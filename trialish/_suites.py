"""Tests a module builds itself: ``load_tests``, ``test_suite()``, ``__doctests__``.

Three protocols let a module decide its own tests instead of having its
TestCase classes collected:

* trial's module hooks: ``testSuite()`` (preferred) or ``test_suite()``
  returns a suite that *replaces* the module's tests, as ``trial`` does;
* the stdlib's ``load_tests(loader, tests, pattern)``: ``tests`` is the
  suite of the module's own classes (and ``__doctests__``), and what it
  returns replaces them; in a package's ``__init__`` it also stops the walk
  into the package, because the hook is then responsible for the package
  (as ``unittest`` discovery does);
* trial's ``__doctests__``: a list of modules (or their dotted names) whose
  doctests are added to the module's tests.

Whatever the suites hold is flattened into specs, each test once, so the
session runs and orders them like any other test: nesting, and the suite
classes themselves, carry no behaviour here (a suite subclass that
overrides ``run()`` is not honoured; see docs/differences.md).  A test
that was built from one of the module's own classes in the ordinary way
becomes an ordinary spec (the case is rebuilt when it runs); anything else
(a doctest, a parametrised instance) is kept as the built instance.
"""

from __future__ import annotations

import importlib
import sys
import unittest
from types import ModuleType
from typing import Any, Callable, Iterable, Iterator, Protocol

from ._specs import _LAST, TestSpec, class_rank


def _is_doctest(case: Any) -> bool:
    """Without importing doctest (and pdb with it) when nothing uses it."""
    doctest = sys.modules.get("doctest")
    return doctest is not None and isinstance(case, doctest.DocTestCase)

DISCOVERY_PATTERN = "test_*.py"  # what load_tests gets when trialish walks folders
_HOOKS = ("testSuite", "test_suite")  # trial: testSuite wins when both exist


class SpecSink(Protocol):
    """The part of the loader the suite code needs."""

    def add(self, spec: TestSpec) -> None: ...
    def error(self, test_id: str, message: str) -> None: ...
    def rank(self, key: str) -> int: ...
    def error_text(self, exc: BaseException) -> str: ...


def _function(module: ModuleType, name: str) -> Callable[..., Any] | None:
    value = vars(module).get(name)
    if callable(value) and not isinstance(value, (type, ModuleType)):
        return value
    return None


def suite_hook(module: ModuleType) -> Callable[[], Any] | None:
    """trial's ``testSuite``/``test_suite`` function of ``module``, if any."""
    for name in _HOOKS:
        hook = _function(module, name)
        if hook is not None:
            return hook
    return None


def load_tests_hook(module: ModuleType) -> Callable[..., Any] | None:
    return _function(module, "load_tests")


def has_own_tests(module: ModuleType) -> bool:
    """Whether ``module`` replaces or adds to the tests of its classes."""
    return (suite_hook(module) is not None or load_tests_hook(module) is not None
            or "__doctests__" in vars(module))


# -- ids --------------------------------------------------------------------------


def case_id(case: unittest.TestCase) -> str:
    """The id trialish shows for a built test.

    A doctest is ``Doctest: module.function``, as trial shows it (trial
    adapts DocTestCase because its own ``id()`` is just the dotted name of
    the documented object).  A FunctionTestCase's ``id()`` is the bare
    function name; it gets its module in front, like every other test id.
    """
    if _is_doctest(case):
        return f"Doctest: {case._dt_test.name}"
    if isinstance(case, unittest.FunctionTestCase):
        function = case._testFunc
        module = getattr(function, "__module__", None)
        name = getattr(function, "__qualname__", None) or case.id()
        return f"{module}.{name}" if module else name
    return case.id()


# -- flattening -------------------------------------------------------------------


def iter_cases(suite: Any, where: str, problems: list[str]) -> Iterator[unittest.TestCase]:
    """Every TestCase in ``suite``, depth first, in the suite's order.

    Anything else in the suite is described in ``problems`` (one sentence
    each) rather than raised, so one odd entry does not hide the others.
    """
    stack: list[Iterator[Any]] = [iter([suite])]
    open_suites: list[int] = []
    while stack:
        try:
            item = next(stack[-1])
        except StopIteration:
            stack.pop()
            if open_suites:
                open_suites.pop()
            continue
        if isinstance(item, unittest.TestCase):
            yield item
        elif isinstance(item, unittest.TestSuite) or (
                hasattr(item, "__iter__") and not isinstance(item, (str, bytes))):
            if id(item) in open_suites:
                problems.append(f"{where} returned a suite that contains itself.")
                continue
            open_suites.append(id(item))
            stack.append(iter(item))
        else:
            problems.append(f"{where} returned {item!r}, which is neither a TestCase "
                            "nor a suite of them.")


def _case_rank(sink: SpecSink, case: unittest.TestCase, fallback: int) -> int:
    module_name = type(case).__module__
    return fallback if module_name in ("doctest", "unittest.case") else sink.rank(module_name)


def add_suite(sink: SpecSink, suite: Any, where: str, owner: str,
              ordinary: dict[int, TestSpec] | None = None) -> None:
    """Add a spec for every test in ``suite``; ``where`` names the hook.

    ``ordinary`` maps ``id(case)`` of the cases built from the module's own
    classes to their plain specs.  Two *different* instances with the same
    id (parametrised tests built by ``load_tests``) both run: the later ones
    get ``#2``, ``#3``... appended, so no test silently disappears.
    """
    ordinary = ordinary or {}
    problems: list[str] = []
    seen: dict[str, list[int]] = {}
    fallback = sink.rank(owner)
    for case in iter_cases(suite, where, problems):
        spec = ordinary.get(id(case))
        test_id = spec.test_id if spec is not None else case_id(case)
        instances = seen.setdefault(test_id, [])
        if id(case) in instances:
            continue  # the same test twice in one suite: once
        instances.append(id(case))
        if len(instances) > 1:
            test_id = f"{test_id}#{len(instances)}"
            spec = None
        if spec is None:
            position = None
            if _is_doctest(case):  # after the module's classes
                position = (fallback, _LAST, 0, case._dt_test.lineno or 0)
            class_rank(type(case))
            spec = TestSpec(test_id, type(case), getattr(case, "_testMethodName", "runTest"),
                            position=position, case=case, rank=_case_rank(sink, case, fallback))
        sink.add(spec)
    for message in problems:
        sink.error(owner, message)


# -- the module protocols ------------------------------------------------------------


def _module_for_doctests(sink: SpecSink, entry: Any, owner: str) -> ModuleType | None:
    if isinstance(entry, ModuleType):
        return entry
    if isinstance(entry, str):
        try:
            return importlib.import_module(entry)
        except (Exception, SystemExit) as exc:
            sink.error(entry, sink.error_text(exc))  # trial: an error under that name
            return None
    sink.error(owner, f"{owner}.__doctests__ lists {entry!r}; only modules and dotted module "
                      "names can be doctested.")
    return None


def doctest_suite(sink: SpecSink, module: ModuleType) -> unittest.TestSuite:
    """The doctests of the modules in ``module.__doctests__``, as one suite."""
    suite = unittest.TestSuite()
    entries = vars(module).get("__doctests__")
    owner = module.__name__
    if isinstance(entries, (str, ModuleType)) or not isinstance(entries, Iterable):
        sink.error(owner, f"{owner}.__doctests__ must be a list of modules or module names, "
                          f"not {entries!r}.")
        return suite
    for entry in entries:
        target = _module_for_doctests(sink, entry, owner)
        if target is None:
            continue
        try:
            import doctest  # (it imports pdb: only when a module lists doctests)

            suite.addTest(doctest.DocTestSuite(target))
        except (Exception, SystemExit) as exc:
            sink.error(f"{owner}.__doctests__", sink.error_text(exc))
    return suite


def stdlib_loader(top_level_dir: str | None, package: str | None = None) -> unittest.TestLoader:
    """The ``loader`` argument of ``load_tests``: the stdlib's own loader.

    Its top-level folder is set as unittest discovery sets it, so that a
    package's ``load_tests`` calling ``loader.discover(this_dir, pattern)``
    imports the package's modules under their dotted names, not as
    top-level modules (which would import them twice).
    """
    loader = unittest.TestLoader()
    loader._top_level_dir = top_level_dir  # type: ignore[attr-defined]
    if package is not None:
        # As unittest's discovery marks a package whose load_tests it calls:
        # a discover() from inside that hook must not call it again.
        loader._loading_packages.add(package)  # type: ignore[attr-defined]
    return loader


def collect_own(sink: SpecSink, module: ModuleType, standard: list[TestSpec],
                pattern: str | None, top_level_dir: str | None) -> None:
    """Add the tests of a module that builds its own (see :func:`has_own_tests`).

    ``standard`` are the specs of the module's classes, collected as usual.
    """
    owner = module.__name__
    hook = suite_hook(module)
    if hook is not None:
        try:
            suite = hook()
        except (Exception, SystemExit) as exc:
            sink.error(owner, sink.error_text(exc))
            return
        add_suite(sink, suite, f"{owner}.{hook.__name__}()", owner)
        return
    doctests = doctest_suite(sink, module) if "__doctests__" in vars(module) else None
    load_tests = load_tests_hook(module)
    if load_tests is None:
        for spec in standard:
            sink.add(spec)
        if doctests is not None:
            add_suite(sink, doctests, f"{owner}.__doctests__", owner)
        return
    # As unittest's loader makes it: one suite per class, in one suite.  The
    # suites keep every built case alive, so no id() in ``ordinary`` is reused.
    ordinary: dict[int, TestSpec] = {}
    per_class: dict[type, unittest.TestSuite] = {}
    for spec in standard:
        try:
            case = spec.make_case()
        except Exception:
            sink.add(spec)  # it will fail the same way when it runs, and say why
            continue
        ordinary[id(case)] = spec
        per_class.setdefault(type(case), unittest.TestSuite()).addTest(case)
    tests = unittest.TestSuite(list(per_class.values()))
    if doctests is not None:
        tests.addTest(doctests)
    try:
        package = owner if hasattr(module, "__path__") else None
        suite = load_tests(stdlib_loader(top_level_dir, package), tests, pattern)
    except (Exception, SystemExit) as exc:
        sink.error(owner, sink.error_text(exc))
        return
    add_suite(sink, suite, f"{owner}.load_tests()", owner, ordinary)
