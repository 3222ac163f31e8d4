"""A test module that installs a reactor itself."""
from twisted.internet import asyncioreactor

asyncioreactor.install()
