"""The echo server over real loopback TCP, with trialish.TestCase.

The tests are ``async def``; so are the helpers, as with Tornado's
``_mk_client``, but nothing has to drive the loop by hand.  A cleanup
disconnects every client and waits for connectionLost on both ends of each
connection, then the listening port is stopped, so the reactor is clean when
the test ends.
"""

from twisted.internet import defer, reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol

from trialish import TestCase

from echo import EchoClient, EchoFactory


class EchoTests(TestCase):
    def setUp(self):
        self.factory = EchoFactory()
        self.port = reactor.listenTCP(0, self.factory, interface="127.0.0.1")
        self.clients = []
        # Cleanups run last-in, first-out: hang up first, then stop listening.
        self.addCleanup(self.port.stopListening)
        self.addCleanup(self.disconnect_all)

    async def connect(self):
        """A connected client (the article's ``_mk_connection``)."""
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", self.port.getHost().port)
        client = await connectProtocol(endpoint, EchoClient())
        self.clients.append(client)
        return client

    async def connect_greeted(self):
        """A client that has already read the greeting (the article's ``_mk_client``)."""
        client = await self.connect()
        self.assertEqual(await client.read_message(), b"hello")
        return client

    async def disconnect_all(self):
        """Hang up every client; wait until both ends have seen connectionLost."""
        for client in self.clients:
            client.transport.loseConnection()
        ends = [client.closed for client in self.clients]
        ends += [server.closed for server in self.factory.connections]
        await defer.gatherResults(ends)

    async def test_hello(self):
        client = await self.connect()
        self.assertEqual(await client.read_message(), b"hello")

    async def test_echo(self):
        client = await self.connect_greeted()
        client.write_message(b"foo")
        self.assertEqual(await client.read_message(), b"foo")

    async def test_echo_many(self):
        client = await self.connect_greeted()
        messages = [b"line %d" % i for i in range(100)]
        for message in messages:
            client.write_message(message)
        received = [await client.read_message() for _ in messages]
        self.assertEqual(received, messages)

    async def test_two_clients(self):
        first, second = await self.connect_greeted(), await self.connect_greeted()
        first.write_message(b"one")
        second.write_message(b"two")
        self.assertEqual(await second.read_message(), b"two")
        self.assertEqual(await first.read_message(), b"one")
