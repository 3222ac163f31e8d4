from twisted.internet import reactor, task

import trialish


class Fine(trialish.TestCase):
    def test_waits(self):
        return task.deferLater(reactor, 0, lambda: None)
