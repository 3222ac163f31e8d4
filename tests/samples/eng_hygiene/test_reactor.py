"""Leftovers in the reactor make THAT test an ERROR; the next test starts clean.

Tests run in alphabetical order: a, b, c...
"""

from twisted.internet import defer, protocol, reactor

from trialish import TestCase

LEFT = {}


class Echo(protocol.Protocol):
    def dataReceived(self, data):
        self.transport.write(data)


class Dirty(TestCase):
    def test_a_pending_call(self):
        reactor.callLater(300, lambda: None)

    def test_b_no_call_left(self):
        self.assertEqual([c for c in reactor.getDelayedCalls() if c.active()], [])

    def test_c_listening_port(self):
        port = reactor.listenTCP(0, protocol.Factory.forProtocol(Echo), interface="127.0.0.1")
        LEFT["port"] = port.getHost().port

    def test_d_port_released(self):
        # The janitor closed the socket: the same port number can be taken again.
        port = reactor.listenTCP(LEFT["port"], protocol.Factory(), interface="127.0.0.1")
        return port.stopListening()

    def test_e_open_connection(self):
        accepted = defer.Deferred()

        class Server(Echo):
            def connectionMade(self):
                accepted.callback(None)

        server = reactor.listenTCP(0, protocol.Factory.forProtocol(Server), interface="127.0.0.1")
        protocol.ClientCreator(reactor, protocol.Protocol).connectTCP(
            "127.0.0.1", server.getHost().port)
        return accepted  # leaves the port and both ends of the connection

    def test_f_nothing_left(self):
        internal = set(getattr(reactor, "_internalReaders", ()))
        left = [s for s in reactor.getReaders() + reactor.getWriters()
                if s not in internal and s is not getattr(reactor, "waker", None)]
        self.assertEqual(left, [])


class Clean(TestCase):
    def setUp(self):
        self.port = reactor.listenTCP(0, protocol.Factory(), interface="127.0.0.1")

    def test_closes_port_in_teardown(self):
        pass

    def tearDown(self):
        return self.port.stopListening()
