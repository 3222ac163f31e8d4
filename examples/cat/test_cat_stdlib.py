"""The talk's stdlib versions: run the coroutine in a loop of its own, and mock it.

trialish runs these plain ``unittest.TestCase`` tests as ``python -m
unittest`` would, under any reactor.
"""

import asyncio
from unittest import IsolatedAsyncioTestCase, TestCase
from unittest.mock import AsyncMock, patch

import cat


async def herd(cat, direction):
    cat.pet()
    return await cat.move(direction)


class AsyncioRunTests(TestCase):
    @patch("cat.random.uniform", return_value=0.01)  # the talk waits up to 5 s
    def test_forward(self, uniform):
        garfield = cat.Cat("Garfield")
        result = asyncio.run(herd(garfield, "forward"))
        self.assertTrue(result)

    @patch("cat.Cat.move", new_callable=AsyncMock)
    def test_forward_mocked(self, move_mock):
        garfield = cat.Cat("Garfield")
        asyncio.run(herd(garfield, "forward"))
        move_mock.assert_called_with("forward")


class IsolatedTests(IsolatedAsyncioTestCase):
    async def test_unpetted_cat_refuses(self):
        self.assertFalse(await cat.Cat("Garfield").move("forward"))
