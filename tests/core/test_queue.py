"""Tasks run eagerly in tests, and once through the real queue storage.

With INTERLOCK_QUEUE_URL set (CI's second run) the storage is Redis; without
it, huey's SQLite storage. The task is enqueued, taken off the queue and run
the way a worker does.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
from django.conf import settings
from huey.contrib.djhuey import HUEY

from interlock.core import events
from interlock.core.models import EventDelivery
from interlock.core.tasks import deliver_events
from interlock.org.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorder() -> Any:
    seen: list[int] = []
    events.subscribe("queue.test", name="test.queue")(lambda e: seen.append(e.pk))
    yield seen
    events.unsubscribe("test.queue")


def test_tasks_run_eagerly_in_tests(recorder: list[int]) -> None:
    assert HUEY.immediate
    event = events.record("queue.test", subject=Team.objects.create(name="Q", slug="q"))
    assert deliver_events([event.pk]) is not None
    assert recorder == [event.pk]


def _through_storage(recorder: list[int]) -> None:
    event = events.record("queue.test", subject=Team.objects.create(name="Q", slug="q"))
    HUEY.immediate = False
    try:
        HUEY.flush()
        deliver_events([event.pk])
        assert HUEY.pending_count() == 1
        task = HUEY.dequeue()
        assert task is not None
        assert HUEY.pending_count() == 0
        # Execute as a worker would, but without djhuey closing the test's
        # connection (it does that only when not immediate).
        HUEY.immediate = True
        HUEY.execute(task)
    finally:
        HUEY.immediate = False
        HUEY.flush()
        HUEY.immediate = True
    assert recorder == [event.pk]
    assert EventDelivery.objects.get(event=event).status == EventDelivery.Status.DONE


@pytest.mark.redis
def test_task_goes_through_real_redis(recorder: list[int]) -> None:
    if not os.environ.get("INTERLOCK_QUEUE_URL"):
        pytest.skip("INTERLOCK_QUEUE_URL is not set: the Redis queue test runs in CI's second run")
    assert settings.HUEY["huey_class"] == "huey.RedisHuey"
    _through_storage(recorder)


def test_task_goes_through_sqlite_queue(recorder: list[int], tmp_path: Any) -> None:
    if os.environ.get("INTERLOCK_QUEUE_URL"):
        pytest.skip("the queue is Redis in this run; see test_task_goes_through_real_redis")
    _through_storage(recorder)
