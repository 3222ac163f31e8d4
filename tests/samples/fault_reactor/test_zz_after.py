from twisted.internet import reactor, task

import trialish


class After(trialish.TestCase):
    def test_reactor_still_serves(self):
        return task.deferLater(reactor, 0.01, open, "after-ran", "w").addCallback(
            lambda handle: handle.close())
