"""trial's old assertion names, so existing suites run without edits.

Kept apart from the real API: new code should use the stdlib names.
"""

from __future__ import annotations

from typing import Any, Callable

__unittest = True


class TrialAliases:
    """Aliases and the few assertions only trial has."""

    # provided by unittest.TestCase
    assertTrue: Callable[..., Any]
    assertFalse: Callable[..., Any]
    assertEqual: Callable[..., Any]
    assertNotEqual: Callable[..., Any]
    assertIs: Callable[..., Any]
    assertIsNot: Callable[..., Any]
    assertIn: Callable[..., Any]
    assertNotIn: Callable[..., Any]
    assertAlmostEqual: Callable[..., Any]
    assertNotAlmostEqual: Callable[..., Any]
    assertIsInstance: Callable[..., Any]
    assertNotIsInstance: Callable[..., Any]
    failureException: type[BaseException]

    def assertRaises(self, exception: Any, f: Any = None, *args: Any, **kwargs: Any) -> Any:
        """stdlib form, or trial's call form that returns the exception."""
        if f is None:
            return super().assertRaises(exception, *args, **kwargs)  # type: ignore[misc]
        try:
            result = f(*args, **kwargs)
        except exception as caught:
            return caught
        except BaseException as other:
            raise self.failureException(
                f"{exception!r} raised instead of {type(other).__name__}:\n {other!r}"
            ) from other
        raise self.failureException(f"{exception!r} not raised ({result!r} returned)")

    def assertApproximates(self, first: Any, second: Any, tolerance: Any, msg: Any = None) -> Any:
        if abs(first - second) > tolerance:
            raise self.failureException(msg or f"{first} ~== {second}")
        return first

    def assertSubstring(self, substring: str, astring: str, msg: Any = None) -> None:
        self.assertIn(substring, astring, msg)

    def assertNotSubstring(self, substring: str, astring: str, msg: Any = None) -> None:
        self.assertNotIn(substring, astring, msg)

    failUnlessRaises = assertRaises
    failUnlessApproximates = assertApproximates
    failUnlessSubstring = assertSubstring
    failIfSubstring = assertNotSubstring


_ALIASES = {
    "assertTrue": ("assert_", "failUnless", "failUnlessTrue"),
    "assertFalse": ("assertNot", "failIf", "failUnlessFalse"),
    "assertEqual": ("assertEquals", "failUnlessEqual", "failUnlessEquals"),
    "assertNotEqual": ("assertNotEquals", "failIfEqual", "failIfEquals"),
    "assertIs": ("assertIdentical", "failUnlessIdentical"),
    "assertIsNot": ("assertNotIdentical", "failIfIdentical"),
    "assertIn": ("failUnlessIn",),
    "assertNotIn": ("failIfIn",),
    "assertAlmostEqual": ("assertAlmostEquals", "failUnlessAlmostEqual"),
    "assertNotAlmostEqual": ("assertNotAlmostEquals", "failIfAlmostEqual", "failIfAlmostEquals"),
    "assertIsInstance": ("failUnlessIsInstance",),
    "assertNotIsInstance": ("failIfIsInstance",),
}


def _make_alias(target: str) -> Callable[..., Any]:
    def alias(self: Any, *args: Any, **kwargs: Any) -> Any:
        return getattr(self, target)(*args, **kwargs)

    alias.__doc__ = f"Old trial name for :meth:`{target}`."
    return alias


for _target, _names in _ALIASES.items():
    for _name in _names:
        setattr(TrialAliases, _name, _make_alias(_target))
del _target, _names, _name
