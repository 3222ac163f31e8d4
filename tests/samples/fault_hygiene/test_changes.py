"""Each test_N_change changes the process and leaves it so; test_N_check,
run right after it, prints what it finds (all of it should be back)."""
import logging
import os
import signal
import sys
import threading
import unittest

from twisted.logger import globalLogPublisher
from twisted.python import log


class Changes(unittest.TestCase):
    def test_1_change_cwd(self):
        os.chdir("/")

    def test_1_check_cwd(self):
        print("CHECK cwd", os.path.basename(os.getcwd()))

    def test_2_change_sys_path(self):
        sys.path.insert(0, "/nowhere-first")
        sys.path.append("/nowhere-last")

    def test_2_check_sys_path(self):
        print("CHECK path", [p for p in sys.path if p.startswith("/nowhere")])

    def test_3_change_signals(self):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGUSR1, lambda *args: None)

    def test_3_check_signals(self):
        print("CHECK signals", signal.getsignal(signal.SIGINT) is not signal.SIG_IGN,
              signal.getsignal(signal.SIGUSR1) is signal.SIG_DFL)

    def test_4_change_log_observers(self):
        globalLogPublisher.addObserver(lambda event: print("STRAY OBSERVER"))
        logging.getLogger().handlers.clear()

    def test_4_check_log_observers(self):
        log.msg("LOGGED AFTER 4")
        logging.getLogger("sample").warning("STDLIB LOGGED AFTER 4")

    def test_5_change_start_logging(self):
        log.startLogging(sys.stdout)  # redirects sys.stdout and sys.stderr into the log

    def test_5_check_start_logging(self):
        print("CHECK print reaches stdout")

    def test_6_leave_a_thread(self):
        release = threading.Event()
        threading.Thread(target=release.wait, args=(30,), name="left-behind").start()
        sys.modules[__name__].RELEASE = release

    def test_6_release_the_thread(self):
        sys.modules[__name__].RELEASE.set()

    def test_7_tidy(self):
        previous = os.getcwd()
        os.chdir("/")
        self.addCleanup(os.chdir, previous)
