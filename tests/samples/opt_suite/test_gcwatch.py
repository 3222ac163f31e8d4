"""test_b passes only if a full collection ran after test_a (--force-gc).

test_a turns the automatic collector off, so the only collections are the
ones trialish asks for: young ones normally, full ones with --force-gc.
"""

import gc

from trialish import SynchronousTestCase

generations = []


def watch(phase, info):
    if phase == "stop":
        generations.append(info["generation"])


class GCWatch(SynchronousTestCase):
    def test_a_watch(self):
        gc.disable()
        gc.callbacks.append(watch)

    def test_b_full_collection_ran(self):
        gc.callbacks.remove(watch)
        gc.enable()
        self.assertIn(2, generations)
