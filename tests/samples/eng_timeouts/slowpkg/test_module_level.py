from twisted.internet import defer

from trialish import TestCase

timeout = 0.25


class Base(TestCase):
    timeout = 0.15


class InheritsClass(Base):
    def test_class_timeout(self):
        return defer.Deferred()  # Base.timeout: 0.15


class ModuleLevel(TestCase):
    def test_module_timeout(self):
        return defer.Deferred()  # module: 0.25

    def test_method_timeout(self):
        return defer.Deferred()

    test_method_timeout.timeout = 0.1
