"""Batched delivery: a subscriber's batch handler gets chunks; a failing chunk falls back."""

from __future__ import annotations

from typing import Any

import pytest

from interlock.core import events
from interlock.core.models import Event, EventDelivery
from interlock.org.models import Team

pytestmark = pytest.mark.django_db

NAME = "test.batched"


def _mark(event: Event) -> None:
    """What the subscriber does for one event: one row, idempotent."""
    Team.objects.get_or_create(slug=f"seen-{event.pk}", defaults={"name": f"Seen {event.pk}"})


@pytest.fixture
def batched(monkeypatch: pytest.MonkeyPatch, settings: Any) -> Any:
    box: dict[str, Any] = {"one": [], "many": [], "bad": None}

    def one(event: Event) -> None:
        if event.pk == box["bad"]:
            raise ValueError("this event cannot be handled")
        _mark(event)
        box["one"].append(event.pk)

    def many(batch: list[Event]) -> None:
        box["many"].append([event.pk for event in batch])
        for event in batch:
            if event.pk == box["bad"]:
                raise ValueError("this event cannot be handled")
            _mark(event)

    events.subscribe("test.batched", name=NAME)(one)
    events.handle_many(NAME, many)
    monkeypatch.setattr(events, "_CHUNK", 3)
    monkeypatch.setattr(events, "_paces", {})
    settings.WRITE_BUDGET_MS = 10_000  # chunks stay at _CHUNK however slow the machine
    monkeypatch.setattr(events, "_PAGE", 4)
    yield box
    events.unsubscribe(NAME)


def _record(count: int) -> list[int]:
    subject = Team.objects.create(name="Subject", slug="subject")
    return [events.record("test.batched", subject=subject).pk for _ in range(count)]


def _seen() -> set[int]:
    slugs = Team.objects.filter(slug__startswith="seen-").values_list("slug", flat=True)
    return {int(slug.removeprefix("seen-")) for slug in slugs}


def test_batch_handler_gets_chunks_in_order_and_every_delivery_is_done(batched: Any) -> None:
    ids = _record(9)
    assert events.deliver() == 9
    # Pages of 4 deliveries, chunks of at most 3; a page's lone delivery goes one by one.
    assert batched["many"] == [ids[0:3], ids[3:4], ids[4:7], ids[7:8]]
    assert batched["one"] == [ids[8]]
    assert _seen() == set(ids)
    done = EventDelivery.objects.filter(subscriber=NAME)
    assert {(d.status, d.attempts) for d in done} == {(EventDelivery.Status.DONE, 1)}
    assert events.deliver() == 0  # nothing twice


def test_failing_chunk_is_rolled_back_and_delivered_one_by_one(batched: Any) -> None:
    ids = _record(3)
    batched["bad"] = ids[1]
    assert events.deliver() == 2
    assert batched["many"] == [ids]
    assert batched["one"] == [ids[0], ids[2]]
    assert _seen() == {ids[0], ids[2]}
    bad = EventDelivery.objects.get(subscriber=NAME, event_id=ids[1])
    assert bad.status == EventDelivery.Status.PENDING
    assert bad.attempts == 1
    assert "cannot be handled" in bad.last_error
    assert bad.next_attempt_at is not None
    good = EventDelivery.objects.filter(subscriber=NAME).exclude(pk=bad.pk)
    assert {(d.status, d.attempts) for d in good} == {(EventDelivery.Status.DONE, 1)}


def test_unsubscribe_drops_the_batch_handler(batched: Any) -> None:
    events.unsubscribe(NAME)
    assert events.many_handler(NAME) is None
    events.subscribe("test.batched", name=NAME)(lambda event: None)
    _record(2)
    assert events.deliver() == 2
    assert batched["many"] == []


def test_only_the_given_events_are_delivered(batched: Any) -> None:
    ids = _record(5)
    assert events.deliver(event_ids=ids[:2]) == 2
    assert _seen() == set(ids[:2])
    assert EventDelivery.objects.filter(status=EventDelivery.Status.PENDING).count() == 3
