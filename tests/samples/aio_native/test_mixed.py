"""asyncio and Deferreds awaited in the same coroutine (run with --reactor asyncio)."""

import asyncio
from twisted.internet import defer, reactor, task
from trialish import TestCase

class Mixed(TestCase):
    async def setUp(self):
        await asyncio.sleep(0)
        self.ready = await task.deferLater(reactor, 0, lambda: "d")

    async def test_sleep_and_deferred(self):
        await asyncio.sleep(0.01)
        v = await task.deferLater(reactor, 0.01, lambda: 5)
        self.assertEqual(v, 5)
        self.assertEqual(self.ready, "d")

    async def test_wait_for_timeout(self):
        with self.assertRaises(asyncio.TimeoutError):
            await asyncio.wait_for(asyncio.sleep(10), 0.01)

    async def test_asyncio_timeout_cancels_deferred(self):
        d = defer.Deferred()
        with self.assertRaises(TimeoutError):
            async with asyncio.timeout(0.01):
                await d
        self.assertTrue(d.called)

    async def test_task_and_future(self):
        loop = asyncio.get_running_loop()
        fut = loop.create_future()
        loop.call_later(0.01, fut.set_result, 3)
        t = asyncio.ensure_future(asyncio.sleep(0.01, result=4))
        self.assertEqual(await fut + await t, 7)
        self.assertIsNotNone(asyncio.current_task())

    async def test_failing_deferred(self):
        with self.assertRaises(ZeroDivisionError):
            await defer.fail(ZeroDivisionError())

    async def test_stuck(self):
        await asyncio.sleep(10)
    test_stuck.timeout = 0.1

    async def test_fails(self):
        await asyncio.sleep(0)
        self.assertEqual(1, 2)


class LeavesTask(TestCase):
    async def test_leaves_a_task(self):
        asyncio.get_running_loop().create_task(asyncio.sleep(60), name="forgotten")

    async def test_next_one_is_clean(self):
        await asyncio.sleep(0)  # the janitor's cancel lands on this turn
        pending = [t for t in asyncio.all_tasks() if not t.done() and t is not asyncio.current_task()]
        self.assertEqual(pending, [])
