"""The poetry server and client from "Twisted Introduction, Part 15: Tested Poetry".

The server sends its poem to each client and hangs up; the client collects
what it receives until the server hangs up.
"""

from twisted.internet import defer, protocol
from twisted.internet.error import ConnectionDone


class PoetryProtocol(protocol.Protocol):
    """Server side: write the poem, then close the connection."""

    def connectionMade(self):
        self.transport.write(self.factory.poem)
        self.transport.loseConnection()


class PoetryServerFactory(protocol.ServerFactory):
    protocol = PoetryProtocol

    def __init__(self, poem):
        self.poem = poem


class PoetryClientProtocol(protocol.Protocol):
    """Client side: gather the poem; it is complete when the server hangs up."""

    def __init__(self):
        self.chunks = []

    def dataReceived(self, data):
        self.chunks.append(data)

    def connectionLost(self, reason):
        if reason.check(ConnectionDone):
            self.factory.deferred.callback(b"".join(self.chunks))
        else:
            self.factory.deferred.errback(reason)


class PoetryClientFactory(protocol.ClientFactory):
    protocol = PoetryClientProtocol

    def __init__(self):
        self.deferred = defer.Deferred()

    def clientConnectionFailed(self, connector, reason):
        self.deferred.errback(reason)


def get_poetry(host, port, reactor=None):
    """Fetch a poem from ``host:port``; a Deferred that fires with the bytes."""
    if reactor is None:
        from twisted.internet import reactor
    factory = PoetryClientFactory()
    reactor.connectTCP(host, port, factory)
    return factory.deferred
