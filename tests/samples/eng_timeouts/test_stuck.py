"""Timed-out phases: the stuck Deferred is cancelled, the rest still runs.

Run with ``--timeout 0.2``: this module sets no timeout of its own.
Everything that runs appends a line to ran.txt in the temp directory.
"""

from twisted.internet import defer, reactor, task

from trialish import TestCase


def note(text):
    with open("ran.txt", "a", encoding="utf-8") as handle:
        handle.write(text + "\n")


class CommandLine(TestCase):
    def test_hangs(self):
        return defer.Deferred()  # --timeout 0.2

    def test_quick_wait(self):
        return task.deferLater(reactor, 0.01, lambda: None)


class StuckTest(TestCase):
    timeout = 0.1

    def setUp(self):
        self.addCleanup(note, "test: cleanup")

    def test_stuck(self):
        return defer.Deferred(lambda _: note("test: Deferred cancelled"))

    def tearDown(self):
        note("test: tearDown")


class StuckCoroutine(TestCase):
    timeout = 0.1

    async def test_stuck(self):
        try:
            await defer.Deferred()
        finally:
            note("coroutine: finally block ran")


class StuckSetUp(TestCase):
    timeout = 0.1

    def setUp(self):
        self.addCleanup(note, "setUp: cleanup")
        return defer.Deferred()

    def test_not_run(self):
        note("setUp: test ran")

    def tearDown(self):
        note("setUp: tearDown ran")


class StuckTearDown(TestCase):
    timeout = 0.1

    def setUp(self):
        self.addCleanup(note, "tearDown: cleanup")

    def test_passes(self):
        pass

    def tearDown(self):
        return defer.Deferred()


class BadValues(TestCase):
    def test_not_a_number(self):
        note("bad: test ran")

    test_not_a_number.timeout = "soon"

    def test_negative(self):
        note("bad: test ran")

    test_negative.timeout = -1
