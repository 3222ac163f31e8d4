"""The janitor: what a test left in the reactor is reported on THAT test and removed."""

from __future__ import annotations

import re
from typing import Any


from trialish._janitor import Janitor

from ._support import TestCase, block_of, run_sample, statuses


class FakeCall:
    def __init__(self, text: str, active: bool = True) -> None:
        self.text, self._active = text, active

    def active(self) -> bool:
        return self._active

    def cancel(self) -> None:
        self._active = False

    def __str__(self) -> str:
        return self.text


class FakeSocket:
    closed = False

    def close(self) -> None:
        self.closed = True


class FakeSelectable:
    def __init__(self, name: str) -> None:
        self.name = name
        self.socket = FakeSocket()

    def __repr__(self) -> str:
        return f"<{self.name}>"


class FakeProcess:
    def __init__(self) -> None:
        self.signals: list[str] = []

    def signalProcess(self, signal: str) -> None:
        self.signals.append(signal)

    def __repr__(self) -> str:
        return "<a process>"


class FakeReactor:
    def __init__(self) -> None:
        self.waker = FakeSelectable("waker")
        self.signal_pipe = FakeSelectable("signal pipe")
        self._internalReaders = {self.signal_pipe}
        self.readers: list[Any] = [self.waker, self.signal_pipe]
        self.writers: list[Any] = []
        self.calls: list[FakeCall] = []

    def getDelayedCalls(self) -> list[FakeCall]:
        return list(self.calls)

    def getReaders(self) -> list[Any]:
        return list(self.readers)

    def getWriters(self) -> list[Any]:
        return list(self.writers)

    def removeReader(self, selectable: Any) -> None:
        self.readers.remove(selectable)

    def removeWriter(self, selectable: Any) -> None:
        self.writers.remove(selectable)


class Cleaning(TestCase):
    def setUp(self) -> None:
        self.reactor = FakeReactor()
        self.janitor = Janitor()
        self.patch(self.janitor, "_reactor", lambda: self.reactor)

    def test_the_reactors_own_selectables_are_not_leftovers(self) -> None:
        self.reactor.calls.append(FakeCall("done already", active=False))
        self.assertFalse(self.janitor.might_be_dirty())
        self.assertEqual(self.janitor.clean(), "")
        self.assertEqual(self.reactor.readers, [self.reactor.waker, self.reactor.signal_pipe])

    def test_no_reactor_means_clean(self) -> None:
        self.patch(self.janitor, "_reactor", lambda: None)
        self.assertFalse(self.janitor.might_be_dirty())
        self.assertEqual(self.janitor.clean(), "")

    def test_pending_calls_are_listed_and_cancelled(self) -> None:
        call = FakeCall("<DelayedCall soon>")
        self.reactor.calls.append(call)
        self.assertTrue(self.janitor.might_be_dirty())
        self.assertEqual(self.janitor.clean(), (
            "Traceback (most recent call last):\n"
            "Failure: trialish.DirtyReactorAggregateError: Reactor was unclean.\n"
            "DelayedCalls: (set twisted.internet.base.DelayedCall.debug = True to debug)\n"
            "<DelayedCall soon>\n"))
        self.assertFalse(call.active())
        self.assertFalse(self.janitor.might_be_dirty())

    def test_selectables_are_listed_removed_and_closed(self) -> None:
        port, connection, process = FakeSelectable("a port"), FakeSelectable("a connection"), FakeProcess()
        self.reactor.readers += [port, connection, process]
        self.reactor.writers.append(connection)
        self.reactor.calls.append(FakeCall("<DelayedCall later>"))
        text = self.janitor.clean()
        self.assertIn("Reactor was unclean.\nDelayedCalls: (set twisted.internet.base."
                      "DelayedCall.debug = True to debug)\n<DelayedCall later>\nSelectables:\n", text)
        self.assertEqual(sorted(re.findall(r"^<(a [a-z]+)>$", text, re.M)),
                         ["a connection", "a port", "a process"])
        self.assertEqual(self.reactor.readers, [self.reactor.waker, self.reactor.signal_pipe])
        self.assertEqual(self.reactor.writers, [])
        self.assertTrue(port.socket.closed and connection.socket.closed)
        self.assertEqual(process.signals, ["KILL"])
        self.assertFalse(self.janitor.might_be_dirty())


class ReactorBlackBox(TestCase):
    """eng_hygiene/test_reactor.py, run by trialish in a subprocess."""

    def outcome(self, test: str) -> tuple[Any, str, str]:
        run = run_sample("eng_hygiene", "test_logged", "test_reactor")
        test_id = f"test_reactor.{test}"
        status = statuses(run.out).get(test_id, "missing")
        return run, status, block_of(run.out, test_id) if status != "[OK]" else ""

    def test_pending_call_is_that_tests_error_and_is_cancelled(self) -> None:
        run, status, block = self.outcome("Dirty.test_a_pending_call")
        self.assertEqual(status, "[ERROR]", run)
        self.assertIn("Failure: trialish.DirtyReactorAggregateError: Reactor was unclean.\n"
                      "DelayedCalls: (set twisted.internet.base.DelayedCall.debug = True to debug)\n"
                      "<DelayedCall ", block)
        # Where the call was made, without DelayedCall.debug (trial cannot say).
        self.assertRegex(block, r"Dirty\.test_a_pending_call\.<locals>\.<lambda>\(\)> "
                                r"\(scheduled at \S+test_reactor\.py:20\)\n")
        self.assertEqual(self.outcome("Dirty.test_b_no_call_left")[1], "[OK]")

    def test_listening_port_is_that_tests_error_and_its_socket_closed(self) -> None:
        run, status, block = self.outcome("Dirty.test_c_listening_port")
        self.assertEqual(status, "[ERROR]", run)
        self.assertRegex(block, r"Reactor was unclean\.\nSelectables:\n"
                                r"<<class 'twisted\.internet\.tcp\.Port'> of .* on \d+> "
                                r"\(made at \S+test_reactor\.py:26\)\n")
        self.assertEqual(self.outcome("Dirty.test_d_port_released")[1], "[OK]")

    def test_open_connection_lists_each_leftover(self) -> None:
        run, status, block = self.outcome("Dirty.test_e_open_connection")
        self.assertEqual(status, "[ERROR]", run)
        selectables = block.split("Selectables:\n", 1)[1].split("\n\n", 1)[0].splitlines()
        self.assertEqual(len(selectables), 3, block)  # the port and both ends
        self.assertTrue(any("tcp.Port" in line and line.endswith("test_reactor.py:41)")
                            for line in selectables), block)
        self.assertTrue(any("tcp.Client" in line and line.endswith("test_reactor.py:42)")
                            for line in selectables), block)
        self.assertTrue(any(line.startswith("<Server #0 on ") and line.endswith("test_reactor.py:41)")
                            for line in selectables), block)
        self.assertEqual(self.outcome("Dirty.test_f_nothing_left")[1], "[OK]")

    def test_port_closed_by_teardown_is_clean(self) -> None:
        self.assertEqual(self.outcome("Clean.test_closes_port_in_teardown")[1], "[OK]")

    def test_one_final_status_each_counted_once(self) -> None:
        run, _, _ = self.outcome("Dirty.test_a_pending_call")
        for test in ("test_a_pending_call", "test_c_listening_port", "test_e_open_connection"):
            self.assertEqual(len(re.findall(rf"^test_reactor\.Dirty\.{test} \.\.\. ", run.out, re.M)), 1)
            self.assertEqual(len(re.findall(rf"^test_reactor\.Dirty\.{test}$", run.out, re.M)), 1)
        self.assertIn("FAILED (errors=7, successes=7)", run.out)  # with test_logged's
