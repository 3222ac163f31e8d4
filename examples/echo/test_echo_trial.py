"""The echo server over real loopback TCP, with twisted.trial:
``trial test_echo_trial``.  trialish runs this file unchanged.

Every test closes its connection and waits for connectionLost on both ends,
then stops listening: otherwise trial reports "Reactor was unclean".
"""

from twisted.internet import defer, reactor
from twisted.internet.endpoints import TCP4ClientEndpoint, connectProtocol
from twisted.trial import unittest

from echo import EchoClient, EchoFactory


class EchoTrialTests(unittest.TestCase):
    def setUp(self):
        self.factory = EchoFactory()
        self.port = reactor.listenTCP(0, self.factory, interface="127.0.0.1")
        self.clients = []
        # Cleanups run last-in, first-out: hang up first, then stop listening.
        self.addCleanup(self.port.stopListening)
        self.addCleanup(self.disconnect_all)

    @defer.inlineCallbacks
    def connect(self):
        """A client that has already read the server's greeting."""
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", self.port.getHost().port)
        client = yield connectProtocol(endpoint, EchoClient())
        self.clients.append(client)
        greeting = yield client.read_message()
        self.assertEqual(greeting, b"hello")
        return client

    def disconnect_all(self):
        """Hang up every client; fire when both ends have seen connectionLost."""
        for client in self.clients:
            client.transport.loseConnection()
        ends = [client.closed for client in self.clients]
        ends += [server.closed for server in self.factory.connections]
        return defer.gatherResults(ends)

    def test_hello(self):
        """The server greets a new client (a Deferred-returning test)."""
        endpoint = TCP4ClientEndpoint(reactor, "127.0.0.1", self.port.getHost().port)
        d = connectProtocol(endpoint, EchoClient())

        def connected(client):
            self.clients.append(client)
            return client.read_message()

        d.addCallback(connected)
        d.addCallback(self.assertEqual, b"hello")
        return d

    async def test_echo(self):
        client = await self.connect()
        client.write_message(b"foo")
        self.assertEqual(await client.read_message(), b"foo")

    async def test_two_clients(self):
        first, second = await self.connect(), await self.connect()
        first.write_message(b"one")
        second.write_message(b"two")
        self.assertEqual(await second.read_message(), b"two")
        self.assertEqual(await first.read_message(), b"one")
