"""Where a test's timeout comes from: method, class (MRO), module, package.

Each hanging test times out; its message shows the seconds, which tells
which level was used.
"""

from twisted.internet import defer

from trialish import TestCase


class PackageLevel(TestCase):
    def test_package_timeout(self):
        return defer.Deferred()  # slowpkg/__init__.py: 0.3
