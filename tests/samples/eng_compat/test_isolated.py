"""IsolatedAsyncioTestCase, after a test that made the reactor run."""

import asyncio
import unittest

from twisted.internet import reactor, task
from twisted.trial import unittest as trial_unittest


class A_Waits(trial_unittest.TestCase):
    def test_waits(self) -> object:
        return task.deferLater(reactor, 0.01, lambda: None)


class B_Isolated(unittest.IsolatedAsyncioTestCase):
    async def asyncSetUp(self) -> None:
        self.ready = True

    async def test_sleeps(self) -> None:
        await asyncio.sleep(0.01)
        self.assertTrue(self.ready)

    async def test_fails(self) -> None:
        await asyncio.sleep(0)
        self.assertEqual("got", "wanted")
