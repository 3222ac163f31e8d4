"""The talk's pytest-asyncio test, as a trialish TestCase: just ``async def``.

Run with ``trialish --reactor asyncio``: the test awaits ``asyncio.sleep``
(inside ``Cat.move``) and a Twisted Deferred in the same coroutine, which
trial and pytest-twisted cannot do.  Under the default reactor it fails
with a message saying to use ``--reactor asyncio``.
"""

import asyncio

from twisted.internet import reactor, task

import cat
from trialish import TestCase


async def herd(cat, direction):
    cat.pet()
    return await cat.move(direction)


class CatTests(TestCase):
    timeout = 10  # the cat may think for up to five seconds

    async def test_forward(self):
        garfield = cat.Cat("Garfield")
        result = await herd(garfield, "forward")
        self.assertTrue(result)

    async def test_forward_quickly_then_a_deferred(self):
        self.patch(cat.random, "uniform", lambda low, high: 0.01)
        self.assertTrue(await herd(cat.Cat("Garfield"), "forward"))
        answer = await task.deferLater(reactor, 0.01, lambda: "purr")
        self.assertEqual(answer, "purr")

    async def test_a_distracted_cat_times_out(self):
        garfield = cat.Cat("Garfield")
        garfield.pet()
        with self.assertRaises(TimeoutError):
            async with asyncio.timeout(0.01):
                await garfield.move("forward")
