"""The web worker leaves the next new connection to the other workers."""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest
from gunicorn.config import Config

from interlock.core import web_worker


def _worker(workers: int, holding: int) -> tuple[Any, list[Any]]:
    cfg = Config()
    cfg.set("workers", workers)
    worker = web_worker.ThreadWorker.__new__(web_worker.ThreadWorker)
    worker.cfg = cfg
    worker.nr_conns = holding
    accepted: list[Any] = []
    worker.enqueue_req = accepted.append  # the thread pool's part is not under test
    return worker, accepted


def _accept_one(worker: Any) -> float:
    with socket.create_server(("127.0.0.1", 0)) as listener:
        client = socket.create_connection(listener.getsockname())
        try:
            started = time.perf_counter()
            worker.accept(listener)
            return time.perf_counter() - started
        finally:
            client.close()


@pytest.mark.parametrize(
    ("workers", "holding", "pauses"),
    [(2, 1, True), (4, 7, True), (2, 0, False), (1, 5, False)],
)
def test_a_worker_holding_connections_pauses_after_accepting(
    monkeypatch: Any, workers: int, holding: int, pauses: bool
) -> None:
    monkeypatch.setattr(web_worker, "PAUSE", 0.2)
    worker, accepted = _worker(workers, holding)
    took = _accept_one(worker)
    assert len(accepted) == 1 and worker.nr_conns == holding + 1
    accepted[0].close()
    assert (took >= 0.2) is pauses
