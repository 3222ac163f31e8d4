"""Part 15's tests, for trialish: the same tests with ``trialish.TestCase``,
plus an ``async def`` version of test_client."""

import socket

from twisted.internet import reactor
from twisted.internet.error import ConnectionRefusedError

from trialish import TestCase

from poetry import PoetryServerFactory, get_poetry

TEST_POEM = b"""\
This is a test.
This is only a test."""


class PoetryTests(TestCase):
    def setUp(self):
        factory = PoetryServerFactory(TEST_POEM)
        self.port = reactor.listenTCP(0, factory, interface="127.0.0.1")
        self.portnum = self.port.getHost().port

    def tearDown(self):
        port, self.port = self.port, None
        return port.stopListening()  # trialish waits for this Deferred

    def test_client(self):
        """The correct poem is returned by get_poetry (returning a Deferred)."""
        d = get_poetry("127.0.0.1", self.portnum)

        def got_poem(poem):
            self.assertEqual(poem, TEST_POEM)

        d.addCallback(got_poem)
        return d

    async def test_client_async(self):
        """The same test as a coroutine: await the Deferred."""
        poem = await get_poetry("127.0.0.1", self.portnum)
        self.assertEqual(poem, TEST_POEM)

    def test_failure(self):
        """get_poetry fails with ConnectionRefusedError when nobody listens."""
        d = get_poetry("127.0.0.1", self.port_nobody_listens_on())
        return self.assertFailure(d, ConnectionRefusedError)

    async def test_failure_async(self):
        """The same check as a coroutine: the awaited Deferred raises."""
        with self.assertRaises(ConnectionRefusedError):
            await get_poetry("127.0.0.1", self.port_nobody_listens_on())

    def port_nobody_listens_on(self):
        """A loopback port bound for this test but not listening: connecting is refused."""
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.bind(("127.0.0.1", 0))
        self.addCleanup(sock.close)
        return sock.getsockname()[1]
