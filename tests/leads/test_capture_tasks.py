"""The drain task: one drain at a time per worker process, and no submission left behind."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from interlock.leads import capture_batch, tasks_capture


def test_second_drain_leaves_a_note_and_the_running_one_looks_again(monkeypatch: Any) -> None:
    started, release = threading.Event(), threading.Event()
    calls: list[str] = []

    def slow_drain() -> int:
        calls.append(threading.current_thread().name)
        if len(calls) == 1:
            started.set()
            assert release.wait(10)
            return 3
        return 1

    monkeypatch.setattr(capture_batch, "drain", slow_drain)
    results: list[int] = []
    first = threading.Thread(
        target=lambda: results.append(tasks_capture.drain_captures.call_local()), name="first"
    )
    first.start()
    assert started.wait(10)
    # A second task while the first drains: it returns at once, the other thread is free.
    assert tasks_capture.drain_captures.call_local() == 0
    release.set()
    first.join(10)
    # The running drain saw the note and drained once more before it stopped.
    assert results == [4]
    assert calls == ["first", "first"]
    assert tasks_capture._running == {"now": False, "again": False}


def test_a_failing_drain_does_not_block_the_next(monkeypatch: Any) -> None:
    def broken() -> int:
        raise RuntimeError("database is locked")

    monkeypatch.setattr(capture_batch, "drain", broken)
    with pytest.raises(RuntimeError):
        tasks_capture.drain_captures.call_local()
    monkeypatch.setattr(capture_batch, "drain", lambda: 2)
    assert tasks_capture.drain_captures.call_local() == 2
