"""Phases: setUp -> test -> cleanups (last in, first out) -> tearDown.

Each phase appends a line to phases.txt (in the run's temp directory, the
tests' working directory) so tests/test_engine.py can check what ran and in
which order.  ``later()`` is a Deferred the reactor fires on a later turn.
"""

from twisted.internet import defer, reactor, task

from trialish import SynchronousTestCase, TestCase


def note(test, text):
    with open("phases.txt", "a", encoding="utf-8") as handle:
        handle.write(f"{test}: {text}\n")


def later(value=None):
    return task.deferLater(reactor, 0.01, lambda: value)


class Waiting(TestCase):
    """Every phase hands back something unfinished."""

    def setUp(self):
        self.addCleanup(self.cleanup_async_def)  # registered first: runs last
        self.addCleanup(self.cleanup_coroutine)
        self.addCleanup(self.cleanup_deferred)  # registered last: runs first
        return later().addCallback(lambda _: note("waiting", "setUp"))

    async def cleanup_async_def(self):
        await later()
        note("waiting", "cleanup async def")

    def cleanup_coroutine(self):
        async def body():
            await later()
            note("waiting", "cleanup coroutine")

        return body()

    def cleanup_deferred(self):
        return later().addCallback(lambda _: note("waiting", "cleanup Deferred"))

    async def test_async_def(self):
        await later()
        note("waiting", "test")

    def tearDown(self):
        async def body():
            await later()
            note("waiting", "tearDown")

        return body()


class AlreadyFired(TestCase):
    """Deferreds that have fired already, and a test returning a coroutine."""

    def setUp(self):
        self.addCleanup(lambda: defer.succeed(note("fired", "cleanup")))
        return defer.succeed(None).addCallback(lambda _: note("fired", "setUp"))

    def test_returns_coroutine(self):
        async def body():
            note("fired", "test")

        return body()

    def tearDown(self):
        return defer.succeed(note("fired", "tearDown"))


class SetUpFails(TestCase):
    """A failing setUp: no test, no tearDown, but the cleanups so far run."""

    def setUp(self):
        self.addCleanup(note, "setup-fails", "cleanup")
        return later().addCallback(self.broken)

    def broken(self, _):
        raise ValueError("setUp broke later")

    def test_never_runs(self):
        note("setup-fails", "test")

    def tearDown(self):
        note("setup-fails", "tearDown")


class CleanupFails(TestCase):
    """A cleanup's Deferred fails: ERROR, and the rest still runs."""

    def setUp(self):
        self.addCleanup(note, "cleanup-fails", "other cleanup")
        self.addCleanup(lambda: later().addCallback(self.broken))

    def broken(self, _):
        raise KeyError("cleanup broke")

    def test_passes(self):
        note("cleanup-fails", "test")

    def tearDown(self):
        note("cleanup-fails", "tearDown")


class Generator(TestCase):
    def test_generator(self):
        note("generator", "body ran")
        yield None


class Synchronous(SynchronousTestCase):
    """SynchronousTestCase never waits: returning something to wait for is an error."""

    def test_returns_deferred(self):
        return defer.Deferred()

    async def test_async_def(self):
        note("synchronous", "coroutine body ran")
