"""A line echo server, after "Testing tornado websockets without third party
clients": it greets each client with ``hello``, then sends back every line.

Both ends keep a Deferred that fires on connectionLost, so a test can wait
until the connection is really gone and leave the reactor clean.
"""

from twisted.internet import defer, protocol
from twisted.protocols.basic import LineReceiver


class Echo(LineReceiver):
    delimiter = b"\n"

    def __init__(self):
        self.closed = defer.Deferred()

    def connectionMade(self):
        self.sendLine(b"hello")

    def lineReceived(self, line):
        self.sendLine(line)

    def connectionLost(self, reason):
        self.closed.callback(None)


class EchoFactory(protocol.ServerFactory):
    protocol = Echo

    def __init__(self):
        self.connections = []  # every Echo built, open or closed

    def buildProtocol(self, addr):
        echo = super().buildProtocol(addr)
        self.connections.append(echo)
        return echo


class EchoClient(LineReceiver):
    """The test's side of the connection: send lines, read them one by one."""

    delimiter = b"\n"

    def __init__(self):
        self.lines = defer.DeferredQueue()
        self.closed = defer.Deferred()

    def lineReceived(self, line):
        self.lines.put(line)

    def read_message(self):
        """A Deferred of the next line received."""
        return self.lines.get()

    def write_message(self, line):
        self.sendLine(line)

    def connectionLost(self, reason):
        self.closed.callback(None)
