import os
import shutil
import unittest

from twisted.python import log


class Deletes(unittest.TestCase):
    def test_a_deletes_the_temp_directory(self):
        log.msg("LOGGED BEFORE THE DELETE")
        shutil.rmtree(os.getcwd())

    def test_b_after(self):
        log.msg("LOGGED AFTER THE DELETE")
        with open("b-ran", "w") as handle:
            handle.write("yes")
