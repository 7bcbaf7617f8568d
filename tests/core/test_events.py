"""Domain events: written with the change, delivered after commit, never lost."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from interlock.core import events
from interlock.core.context import Source, acting
from interlock.core.models import Event, EventDelivery
from interlock.org.models import Team

pytestmark = pytest.mark.django_db


@pytest.fixture
def received() -> Any:
    """A subscriber that records what it gets, and can be told to fail."""
    box: dict[str, Any] = {"events": [], "fail": False}

    def handler(event: Event) -> None:
        if box["fail"]:
            raise RuntimeError("subscriber is down")
        box["events"].append((event.type, event.subject_id))

    events.subscribe("test.happened", name="test.recorder")(handler)
    yield box
    events.unsubscribe("test.recorder")


def _team(slug: str = "t") -> Team:
    return Team.objects.create(name=slug.upper(), slug=slug)


def test_event_carries_actor_source_and_subject(people: Any) -> None:
    team = _team()
    with acting(people.admin, Source.API):
        event = events.record("test.other", subject=team, payload={"k": 1})
    assert (event.type, event.subject_type, event.subject_id) == ("test.other", "org.team", team.pk)
    assert event.actor == people.admin
    assert event.source == Source.API
    assert event.payload == {"k": 1}


def test_rolled_back_change_leaves_no_event(received: Any) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        team = _team()
        events.record("test.happened", subject=team)
        raise RuntimeError("the service failed after recording")
    assert not Event.objects.exists()
    assert not EventDelivery.objects.exists()


def test_subscriber_runs_after_commit_only(
    received: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        events.record("test.happened", subject=_team())
        assert received["events"] == []  # not before commit
    for callback in callbacks:
        callback()
    assert received["events"] == [("test.happened", Team.objects.get().pk)]
    assert EventDelivery.objects.get().status == EventDelivery.Status.DONE


def test_failing_subscriber_is_retried_and_loses_nothing(
    received: Any, django_capture_on_commit_callbacks: Any
) -> None:
    received["fail"] = True
    with django_capture_on_commit_callbacks(execute=True):
        event = events.record("test.happened", subject=_team())
    delivery = EventDelivery.objects.get()
    assert delivery.status == EventDelivery.Status.PENDING
    assert delivery.attempts == 1
    assert "subscriber is down" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()

    # Not due yet: the sweep leaves it alone.
    assert events.deliver() == 0
    # The subscriber recovers; once due, the sweep delivers.
    received["fail"] = False
    EventDelivery.objects.update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    assert events.deliver() == 1
    assert received["events"] == [("test.happened", event.subject_id)]
    assert EventDelivery.objects.get().status == EventDelivery.Status.DONE


@override_settings(EVENT_MAX_ATTEMPTS=2)
def test_delivery_gives_up_after_max_attempts_and_can_be_retried(received: Any) -> None:
    received["fail"] = True
    events.record("test.happened", subject=_team())
    for _ in range(3):
        EventDelivery.objects.update(next_attempt_at=None)
        events.deliver()
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == (EventDelivery.Status.FAILED, 2)
    assert Event.objects.count() == 1  # the event itself stays

    received["fail"] = False
    assert events.retry_failed("test.recorder") == 1
    assert events.deliver() == 1
    assert EventDelivery.objects.get().status == EventDelivery.Status.DONE


def test_unknown_subscriber_delivery_is_kept_pending() -> None:
    event = events.record("test.orphan", subject=_team())
    EventDelivery.objects.create(event=event, subscriber="gone.away")
    assert events.deliver() == 0
    delivery = EventDelivery.objects.get()
    assert delivery.status == EventDelivery.Status.PENDING
    assert "no subscriber" in delivery.last_error


def test_replay_feeds_past_events_in_order(received: Any) -> None:
    teams = [_team(f"t{i}") for i in range(3)]
    for team in teams:
        events.record("test.happened", subject=team)
    events.record("test.ignored", subject=teams[0])
    received["events"].clear()
    assert events.replay("test.recorder") == 3
    assert received["events"] == [("test.happened", t.pk) for t in teams]


def test_events_are_append_only() -> None:
    event = events.record("test.other", subject=_team())
    event.type = "tampered"
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    with pytest.raises(ValueError, match="append-only"):
        event.delete()
    assert Event.objects.get().type == "test.other"


def test_bulk_deliveries_cover_every_event(received: Any) -> None:
    team = _team()
    ids = [events.record("test.other", subject=team).pk for _ in range(3)]
    events.deliveries_for_bulk(ids, "test.happened")
    assert EventDelivery.objects.filter(subscriber="test.recorder").count() == 3


def test_cli_replays_and_reports(received: Any) -> None:
    from io import StringIO

    from django.core.management import CommandError, call_command

    events.record("test.happened", subject=_team())
    received["events"].clear()
    out = StringIO()
    call_command("events", "replay", "test.recorder", stdout=out)
    assert "replayed 1 events" in out.getvalue()
    assert len(received["events"]) == 1
    with pytest.raises(CommandError, match="No subscriber named 'nope'"):
        call_command("events", "replay", "nope")
    with pytest.raises(CommandError, match="not an ISO date-time"):
        call_command("events", "replay", "test.recorder", "--since", "yesterday")
    out = StringIO()
    call_command("events", "status", stdout=out)
    assert "pending:" in out.getvalue()


def test_held_enqueue_queues_nothing_but_keeps_the_delivery_pending(
    received: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True) as callbacks, events.enqueue_held():
        events.record("test.happened", subject=_team())
    assert callbacks == []
    assert received["events"] == []
    delivery = EventDelivery.objects.get()
    assert delivery.status == EventDelivery.Status.PENDING
    assert events.deliver() == 1  # what the worker's sweep does
    assert received["events"] == [("test.happened", Team.objects.get().pk)]
    with django_capture_on_commit_callbacks(execute=False) as after:
        events.record("test.happened", subject=_team("u"))
    assert len(after) == 1  # outside the block, queueing is back


def test_listed_delivery_takes_only_due_pending_rows_in_event_order(received: Any) -> None:
    """``deliver(event_ids=…)`` (the task after a commit) finds rows by key, not by status."""
    with events.enqueue_held():
        first = events.record("test.happened", subject=_team("a"))
        second = events.record("test.happened", subject=_team("b"))
        later = events.record("test.happened", subject=_team("c"))
    EventDelivery.objects.filter(event=later).update(
        next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    ids = [later.pk, second.pk, first.pk]
    assert events.deliver(event_ids=ids) == 2
    assert received["events"] == [
        ("test.happened", first.subject_id),
        ("test.happened", second.subject_id),
    ]
    # Done rows are not delivered again; the retry that is not due stays pending.
    assert events.deliver(event_ids=ids) == 0
    assert EventDelivery.objects.get(event=later).status == EventDelivery.Status.PENDING
    assert events.deliver(event_ids=[999_999]) == 0


def test_a_subscriber_gets_no_delivery_for_events_it_has_nothing_to_do_with(
    received: Any,
) -> None:
    from interlock.org import bulk as ob

    skipped: list[int] = []
    events.subscribe("test.happened", name="test.skipper", unless="done_already")(
        lambda event: skipped.append(event.subject_id)
    )
    try:
        team = _team()
        with transaction.atomic():
            plain = events.record("test.happened", subject=team, payload={"n": 1})
            marked = events.record("test.happened", subject=team, payload={"done_already": True})
            with transaction.get_connection().cursor() as cursor:
                row = ("test.happened", "org.team", team.pk, None, "system", timezone.now())
                bulk = ob.write_events(
                    cursor, "test.happened", [(*row, '{"n": 2}'), (*row, '{"done_already": 1}')]
                )
        names = {
            event_id: sorted(
                EventDelivery.objects.filter(event_id=event_id).values_list("subscriber", flat=True)
            )
            for event_id in (plain.pk, marked.pk, *bulk)
        }
        both, recorder = ["test.recorder", "test.skipper"], ["test.recorder"]
        assert names == {plain.pk: both, marked.pk: recorder, bulk[0]: both, bulk[1]: recorder}
        events.deliver()
        assert len(received["events"]) == 4  # the other subscriber gets every event
        assert skipped == [team.pk, team.pk]
    finally:
        events.unsubscribe("test.skipper")
