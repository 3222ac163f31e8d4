"""Coroutine phases: asyncio under --reactor asyncio, and where a stuck one waits."""

from __future__ import annotations

from twisted.internet import defer

from trialish import SkipTest
from trialish._coroutines import suspended_at

from ._support import TestCase, block_of, run_sample, statuses

MIXED = "test_mixed.Mixed"


class AsyncioReactorBlackBox(TestCase):
    def test_asyncio_and_deferreds_in_one_coroutine(self) -> None:
        run = run_sample("aio_native", "--reactor=asyncio", "test_mixed")
        self.assertEqual(statuses(run.out), {
            f"{MIXED}.test_asyncio_timeout_cancels_deferred": "[OK]",
            f"{MIXED}.test_failing_deferred": "[OK]",
            f"{MIXED}.test_fails": "[FAILURE]",
            f"{MIXED}.test_sleep_and_deferred": "[OK]",
            f"{MIXED}.test_stuck": "[ERROR]",
            f"{MIXED}.test_task_and_future": "[OK]",
            f"{MIXED}.test_wait_for_timeout": "[OK]",
            "test_mixed.LeavesTask.test_leaves_a_task": "[ERROR]",
            "test_mixed.LeavesTask.test_next_one_is_clean": "[OK]",
        }, run)
        self.assertRegex(block_of(run.out, "test_mixed.LeavesTask.test_leaves_a_task"),
                         r"Reactor was unclean\.\nasyncio tasks:\n<Task forgotten <coroutine "
                         r"object sleep at 0x[0-9a-f]+>> \(created at \S+test_mixed\.py:\d+\)\n"
                         r".*in sleep\n  waiting on an asyncio future")
        self.assertIn("still running at 0.1 secs", block_of(run.out, f"{MIXED}.test_stuck"))

    def test_uvloop_reactor(self) -> None:
        try:
            import uvloop  # noqa: F401
        except ImportError:
            raise SkipTest("uvloop is not installed (make test installs it)")
        run = run_sample("aio_native", "--reactor=uvloop", "test_mixed")
        self.assertIn("FAILED (failures=1, errors=2, successes=6)", run.out, run)
        self.assertEqual(statuses(run.out)[f"{MIXED}.test_task_and_future"], "[OK]", run)

    def test_default_reactor_says_to_use_the_asyncio_reactor(self) -> None:
        run = run_sample("aio_native", "test_mixed")
        block = block_of(run.out, f"{MIXED}.test_sleep_and_deferred")
        self.assertIn("trialish.AsyncioNeededError: this test uses asyncio, which needs an "
                      "asyncio event loop: run trialish with --reactor asyncio", block)
        self.assertIn("in test_sleep_and_deferred", block)  # the user's frame is kept
        self.assertEqual(statuses(run.out)[f"{MIXED}.test_failing_deferred"], "[OK]", run)


class StuckBlackBox(TestCase):
    def test_timeout_shows_the_chain_of_awaits(self) -> None:
        for args in ((), ("--reactor=asyncio",)):
            run = run_sample("aio_native", *args, "test_stuck.Stuck.test_deferred")
            lines = block_of(run.out, "test_stuck.Stuck.test_deferred").splitlines()
            start = lines.index("It was suspended at (innermost last):")
            self.assertRegex("\n".join(lines[start + 1:start + 5]),
                             r'test_stuck\.py", line \d+, in test_deferred\n.*in middle\n'
                             r'.*in inner\n  waiting on <Deferred at 0x[0-9a-f]+>')

    def test_asyncio_sleep_names_the_future(self) -> None:
        run = run_sample("aio_native", "--reactor=asyncio", "test_stuck.Stuck.test_sleep")
        block = block_of(run.out, "test_stuck.Stuck.test_sleep")
        self.assertRegex(block, r"in test_sleep\n.*tasks\.py\", line \d+, in sleep\n"
                                r"  waiting on an asyncio future")


    def test_timeout_lists_pending_delayed_calls_and_where_they_were_made(self) -> None:
        test_id = "test_stuck.WaitsOnATimer.test_timer_too_late"
        run = run_sample("aio_native", "test_stuck.WaitsOnATimer")
        self.assertRegex(block_of(run.out, test_id),
                         r"still running at 0\.1 secs\nPending delayed calls:\n<DelayedCall 0x[0-9a-f]+ "
                         r"\[\S+s\] called=0 cancelled=0 Deferred\.callback\(None\)> "
                         r"\(scheduled at \S+test_stuck\.py:\d+\)\n")
        self.assertEqual(statuses(run.out), {test_id: "[ERROR]"})  # one problem, no dirty reactor


class SuspendedAtUnit(TestCase):
    def test_chain_innermost_last(self) -> None:
        waiting: defer.Deferred = defer.Deferred()

        async def leaf() -> None:
            await waiting

        async def root() -> None:
            await leaf()

        coro = root()
        coro.send(None)  # runs up to the Deferred
        lines = suspended_at(coro)
        self.assertEqual([line.rsplit(" ", 1)[-1] for line in lines[:2]], ["root", "leaf"])
        self.assertTrue(lines[2].startswith("  waiting on <Deferred at 0x"))
        coro.close()

    def test_finished_coroutine_has_no_chain(self) -> None:
        async def done() -> None:
            pass

        coro = done()
        with self.assertRaises(StopIteration):
            coro.send(None)
        self.assertEqual(suspended_at(coro), [])
