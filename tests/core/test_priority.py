"""Urgent background work goes first: deliveries in another thread give way, for a while."""

from __future__ import annotations

import threading
import time

from interlock.core import priority


def test_nothing_urgent_or_urgent_in_the_same_thread_does_not_wait() -> None:
    assert priority.give_way(max_wait=1.0) == 0.0
    with priority.urgent():
        # The queue runs tasks at once in tests: a delivery inside a drain
        # must not wait for the drain that called it.
        assert priority.give_way(max_wait=1.0) == 0.0


def _urgent_in_another_thread(seconds: float) -> threading.Thread:
    started = threading.Event()

    def work() -> None:
        with priority.urgent():
            started.set()
            time.sleep(seconds)

    thread = threading.Thread(target=work)
    thread.start()
    assert started.wait(5)
    return thread


def test_a_delivery_waits_until_the_urgent_work_is_done() -> None:
    thread = _urgent_in_another_thread(0.2)
    waited = priority.give_way(max_wait=5.0)
    thread.join(5)
    assert 0.1 < waited < 2.0  # until the drain ended, not the full five seconds
    assert priority.give_way(max_wait=1.0) == 0.0


def test_a_delivery_waits_at_most_max_wait_so_it_is_never_starved() -> None:
    thread = _urgent_in_another_thread(1.5)
    waited = priority.give_way(max_wait=0.1)
    assert 0.05 < waited < 1.0
    thread.join(5)


def test_a_failing_urgent_task_releases_the_gate() -> None:
    def broken() -> None:
        try:
            with priority.urgent():
                raise RuntimeError("database is locked")
        except RuntimeError:
            pass

    thread = threading.Thread(target=broken)
    thread.start()
    thread.join(5)
    assert priority.give_way(max_wait=1.0) == 0.0
