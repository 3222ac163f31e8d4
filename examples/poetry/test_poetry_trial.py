"""Part 15's tests, for twisted.trial: ``trial test_poetry_trial.py``.

trialish runs this file unchanged.
"""

import socket

from twisted.internet import reactor
from twisted.internet.error import ConnectionRefusedError
from twisted.trial.unittest import TestCase

from poetry import PoetryServerFactory, get_poetry

TEST_POEM = b"""\
This is a test.
This is only a test."""


def port_nobody_listens_on(test):
    """A loopback port that refuses connections until the test ends.

    The socket is bound (so no other program can take the port) but never
    listens, so connecting to it is refused.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    test.addCleanup(sock.close)
    return sock.getsockname()[1]


class PoetryTestCase(TestCase):
    def setUp(self):
        factory = PoetryServerFactory(TEST_POEM)
        self.port = reactor.listenTCP(0, factory, interface="127.0.0.1")
        self.portnum = self.port.getHost().port

    def tearDown(self):
        port, self.port = self.port, None
        return port.stopListening()

    def test_client(self):
        """The correct poem is returned by get_poetry."""
        d = get_poetry("127.0.0.1", self.portnum)

        def got_poem(poem):
            self.assertEqual(poem, TEST_POEM)

        d.addCallback(got_poem)
        return d

    def test_failure(self):
        """get_poetry fails with ConnectionRefusedError when nobody listens."""
        d = get_poetry("127.0.0.1", port_nobody_listens_on(self))
        return self.assertFailure(d, ConnectionRefusedError)
