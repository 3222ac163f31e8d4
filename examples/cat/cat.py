"""The Cat from "Strategies for testing async code" (PyCon 2019), unchanged.

A petted cat moves after a random pause of up to five seconds; an unpetted
one refuses.  (The talk's slides leave PLEASED and DISPLEASED undefined.)
"""

import asyncio
import random

PLEASED = "pleased"
DISPLEASED = "displeased"


class Cat:
    def __init__(self, name):
        self.name = name
        self.mood = DISPLEASED

    async def move(self, direction):
        if self.mood == PLEASED:
            await asyncio.sleep(random.uniform(0, 5))
            self.mood = DISPLEASED
            return True
        return False

    def pet(self):
        self.mood = PLEASED
