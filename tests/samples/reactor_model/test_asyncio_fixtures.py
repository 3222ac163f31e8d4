"""Class and module fixtures go through the same phase caller: the asyncio bridge too."""
import asyncio

import trialish

EVENTS = []


async def setUpModule():
    await asyncio.sleep(0.01)
    EVENTS.append("module")


class AsyncFixtures(trialish.TestCase):
    @classmethod
    async def setUpClass(cls):
        await asyncio.sleep(0.01)
        cls.loop = asyncio.get_running_loop()
        EVENTS.append("class")

    async def test_the_same_loop(self):
        await asyncio.sleep(0)
        self.assertIs(asyncio.get_running_loop(), self.loop)
        self.assertEqual(EVENTS, ["module", "class"])
