"""The asynchronous "delay" of "Eventually Correct: Async Testing With Tornado",
written with Twisted: a Deferred that fires after N seconds.

Cancelling the Deferred before then cancels the timer (Gmail's "undo send").
"""

from twisted.internet import task


def delay(seconds, result=None, clock=None):
    """Return a Deferred that fires with ``result`` after ``seconds``.

    ``clock`` is anything with ``callLater`` (the reactor by default, or a
    ``twisted.internet.task.Clock`` in tests that control time).
    """
    if clock is None:
        from twisted.internet import reactor as clock
    return task.deferLater(clock, seconds, lambda: result)
