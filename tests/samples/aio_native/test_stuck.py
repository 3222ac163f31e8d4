"""Coroutines stuck in a chain of awaits, for the timeout report."""

import asyncio
from twisted.internet import defer
from trialish import TestCase

async def inner(d):
    return await d

async def middle(d):
    return await inner(d)

class Stuck(TestCase):
    timeout = 0.1
    async def test_deferred(self):
        await middle(defer.Deferred())
    async def test_sleep(self):
        await asyncio.sleep(5)


class WaitsOnATimer(TestCase):
    timeout = 0.1

    def test_timer_too_late(self):
        from twisted.internet import reactor, task

        return task.deferLater(reactor, 60, lambda: None)
