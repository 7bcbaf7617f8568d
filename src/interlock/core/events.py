"""Domain events: record inside the service's transaction, deliver after commit.

A service calls :func:`record`. The event row and one delivery row per
matching subscriber are written in the caller's transaction, so either both
the change and its event exist or neither does. After commit a task delivers
them; a failing subscriber is retried with back-off by the periodic sweep and
logged, and the event is never lost. :func:`replay` feeds past events to a
subscriber again, e.g. to rebuild a projection.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from interlock.core import priority
from interlock.core.context import current
from interlock.core.models import Event, EventDelivery
from interlock.core.pacing import Pace

log = logging.getLogger(__name__)

Handler = Callable[[Event], None]
ManyHandler = Callable[[list[Event]], None]


@dataclass(frozen=True)
class Subscriber:
    name: str
    types: frozenset[str]  # event types, or {"*"} for all
    handler: Handler
    # A payload key: an event whose payload has it set gets no delivery for
    # this subscriber (what it would do was done when the event was written).
    unless: str = ""

    def wants(self, event_type: str) -> bool:
        return "*" in self.types or event_type in self.types

    def takes(self, event_type: str, payload: dict[str, Any] | None) -> bool:
        """Whether an event of this type and payload gets a delivery for this subscriber."""
        if not self.wants(event_type):
            return False
        return not (self.unless and payload and payload.get(self.unless))


_subscribers: dict[str, Subscriber] = {}
_many: dict[str, ManyHandler] = {}


def subscribe(
    *types: str, name: str | None = None, unless: str = ""
) -> Callable[[Handler], Handler]:
    """Register ``handler`` for events of ``types``; apps call this in ready().

    ``unless``: events whose payload has this key set are not delivered to
    the handler (it would have nothing to do; no delivery row is written).
    """

    def register(handler: Handler) -> Handler:
        key = name or f"{handler.__module__}.{handler.__qualname__}"
        _subscribers[key] = Subscriber(key, frozenset(types), handler, unless)
        return handler

    return register


def unsubscribe(name: str) -> None:
    _subscribers.pop(name, None)
    _many.pop(name, None)


def handle_many(name: str, handler: ManyHandler) -> None:
    """Let the subscriber ``name`` take many events at once.

    ``handler(events)`` gets events in id order and must leave the same rows
    as the subscriber's handler called for each of them in turn, in the
    caller's transaction: if it raises, nothing of the chunk is kept and the
    events are delivered one by one.
    """
    _many[name] = handler


def many_handler(name: str) -> ManyHandler | None:
    return _many.get(name)


def subscribers() -> dict[str, Subscriber]:
    return dict(_subscribers)


def subject_label(subject: models.Model | type[models.Model]) -> str:
    return subject._meta.label_lower


def record(
    event_type: str,
    *,
    subject: models.Model,
    payload: dict[str, Any] | None = None,
    actor: Any | None = None,
    occurred_at: datetime | None = None,
) -> Event:
    """Write one event (and its deliveries) in the current transaction."""
    acting = current()
    actor = actor if actor is not None else acting.actor
    event = Event(
        type=event_type,
        subject_type=subject_label(subject),
        subject_id=subject.pk,
        actor=actor if getattr(actor, "pk", None) else None,
        source=acting.source,
        occurred_at=occurred_at or timezone.now(),
        payload=payload or {},
    )
    models.Model.save(event)
    wanted = [s.name for s in _subscribers.values() if s.takes(event_type, event.payload)]
    if wanted:
        EventDelivery.objects.bulk_create(
            EventDelivery(event=event, subscriber=name) for name in wanted
        )
        _deliver_on_commit([event.pk])
    return event


def deliveries_for_bulk(event_ids: list[int], event_type: str) -> None:
    """Create delivery rows for events written by a bulk path, in its transaction."""
    wanted = [s.name for s in _subscribers.values() if s.wants(event_type)]
    if not wanted or not event_ids:
        return
    EventDelivery.objects.bulk_create(
        (EventDelivery(event_id=eid, subscriber=name) for eid in event_ids for name in wanted),
        batch_size=5000,
    )
    _deliver_on_commit(event_ids)


_enqueue_held: ContextVar[bool] = ContextVar("interlock_events_enqueue_held", default=False)


@contextmanager
def enqueue_held() -> Iterator[None]:
    """Within this block, recorded events queue no "deliver after commit" task.

    For bulk writers that deliver what they recorded themselves before commit
    (the demo seeder): thousands of per-event queue writes would only wake the
    worker for deliveries that are already done. Anything left pending is
    still picked up by the worker's minute sweep, so nothing is lost.
    """
    token = _enqueue_held.set(True)
    try:
        yield
    finally:
        _enqueue_held.reset(token)


def _deliver_on_commit(event_ids: list[int]) -> None:
    from interlock.core.tasks import deliver_events

    if _enqueue_held.get():
        return

    def enqueue() -> None:
        try:
            for start in range(0, len(event_ids), 1000):
                deliver_events(event_ids[start : start + 1000])
        except Exception:  # the queue may be down: the sweep delivers later
            log.exception("could not enqueue delivery of %d events", len(event_ids))

    transaction.on_commit(enqueue)


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 15 * 2 ** max(0, attempts - 1)))


_PAGE = 2000  # due deliveries read at a time
_CHUNK = 200  # most events handed to a batch handler at a time
_paces: dict[str, Pace] = {}  # per subscriber: chunks within the write budget


@dataclass
class _Due:
    """One delivery to run: its row's key fields (plain values, no model instance)."""

    pk: int
    event_id: int
    subscriber: str
    attempts: int
    event: Any = None


_DUE = ("pk", "event_id", "subscriber", "attempts")


def deliver(
    delivery_ids: Iterable[int] | None = None, *, event_ids: Iterable[int] | None = None
) -> int:
    """Run pending deliveries that are due; returns how many succeeded.

    Each subscriber gets its events in id order; one with a batch handler
    gets them in chunks (see :func:`handle_many`).
    """
    now = timezone.now()
    if delivery_ids is not None or event_ids is not None:
        return _deliver_listed(delivery_ids, event_ids, now)
    pending = EventDelivery.objects.filter(status=EventDelivery.Status.PENDING).filter(
        models.Q(next_attempt_at__isnull=True) | models.Q(next_attempt_at__lte=now)
    )
    done = 0
    after = (0, 0)
    while True:
        page = [
            _Due(*row)
            for row in pending.filter(
                models.Q(event_id__gt=after[0]) | models.Q(event_id=after[0], pk__gt=after[1])
            )
            .order_by("event_id", "pk")
            .values_list(*_DUE)[:_PAGE]
        ]
        if not page:
            return done
        after = (page[-1].event_id, page[-1].pk)
        done += _deliver_page(page)


def _deliver_listed(
    delivery_ids: Iterable[int] | None, event_ids: Iterable[int] | None, now: datetime
) -> int:
    """The due deliveries among the listed ones (the task after a commit names its events).

    Looked up by key (the index on ``event_id``, or the primary key) and
    filtered here: a query on the status would walk every pending row first,
    and during a burst of captures tens of thousands are pending.
    """
    rows = EventDelivery.objects.all()
    if delivery_ids is not None:
        rows = rows.filter(pk__in=list(delivery_ids))
    if event_ids is not None:
        rows = rows.filter(event_id__in=list(event_ids))
    pending = EventDelivery.Status.PENDING
    due = sorted(
        (
            _Due(*row[:4])
            for row in rows.values_list(*_DUE, "status", "next_attempt_at")
            if row[4] == pending and (row[5] is None or row[5] <= now)
        ),
        key=lambda d: (d.event_id, d.pk),
    )
    return sum(_deliver_page(due[start : start + _PAGE]) for start in range(0, len(due), _PAGE))


def _deliver_page(page: list[_Due]) -> int:
    loaded = Event.objects.in_bulk({d.event_id for d in page})
    by_subscriber: dict[str, list[_Due]] = {}
    for delivery in page:
        event = loaded.get(delivery.event_id)
        if event is not None:  # deleted with its subject meanwhile: the cascade took the row
            delivery.event = event
            by_subscriber.setdefault(delivery.subscriber, []).append(delivery)
    done = 0
    for name, group in by_subscriber.items():
        many = _many.get(name)
        if many is not None and name in _subscribers and len(group) > 1:
            pace = _paces.setdefault(name, Pace(start=20, most=_CHUNK, least=10))
            start = 0
            while start < len(group):
                chunk = group[start : start + min(pace.size(), _CHUNK)]
                start += len(chunk)
                took = _deliver_chunk(name, many, chunk)
                if took is not None:
                    pace.took(len(chunk), took)
                    done += len(chunk)
                else:
                    done += sum(_deliver_one(delivery) for delivery in chunk)
        else:
            priority.give_way()
            done += sum(_deliver_one(delivery) for delivery in group)
    return done


def _deliver_chunk(name: str, many: ManyHandler, chunk: list[_Due]) -> float | None:
    """One chunk and its status in one transaction: its seconds, or None if it failed."""
    priority.give_way()  # a lead being processed in the other thread goes first
    try:
        with transaction.atomic():
            began = time.perf_counter()  # the write lock is held from here
            many([delivery.event for delivery in chunk])
            EventDelivery.objects.filter(pk__in=[d.pk for d in chunk]).update(
                status=EventDelivery.Status.DONE,
                delivered_at=timezone.now(),
                last_error="",
                attempts=models.F("attempts") + 1,
            )
    except Exception:
        log.warning(
            "batch of %d events failed for %s; delivering them one by one",
            len(chunk),
            name,
            exc_info=True,
        )
        return None
    return time.perf_counter() - began


def _deliver_one(delivery: _Due) -> bool:
    subscriber = _subscribers.get(delivery.subscriber)
    attempts = delivery.attempts + 1
    row = EventDelivery.objects.filter(pk=delivery.pk)
    try:
        if subscriber is None:
            raise LookupError(f"no subscriber named {delivery.subscriber!r} is registered")
        with transaction.atomic():
            subscriber.handler(delivery.event)
            row.update(
                attempts=attempts,
                status=EventDelivery.Status.DONE,
                delivered_at=timezone.now(),
                last_error="",
            )
    except Exception as exc:
        log.exception(
            "subscriber %s failed on event %s (attempt %d)",
            delivery.subscriber,
            delivery.event_id,
            attempts,
        )
        failed = attempts >= settings.EVENT_MAX_ATTEMPTS
        row.update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:4000],
            status=EventDelivery.Status.FAILED if failed else EventDelivery.Status.PENDING,
            next_attempt_at=timezone.now() + _backoff(attempts),
        )
        return False
    return True


def retry_failed(
    subscriber: str | None = None, *, delivery_ids: Iterable[int] | None = None
) -> int:
    """Put failed deliveries back in the queue (after a fix was deployed).

    Only those of ``subscriber`` and, given ``delivery_ids``, only those rows;
    returns how many were queued again.
    """
    qs = EventDelivery.objects.filter(status=EventDelivery.Status.FAILED)
    if subscriber:
        qs = qs.filter(subscriber=subscriber)
    if delivery_ids is not None:
        qs = qs.filter(pk__in=list(delivery_ids))
    return qs.update(status=EventDelivery.Status.PENDING, next_attempt_at=None, attempts=0)


def replay(
    subscriber_name: str,
    *,
    since: datetime | None = None,
    types: Iterable[str] | None = None,
    batch_size: int = 2000,
) -> int:
    """Feed past events to one subscriber again, oldest first; returns the count."""
    subscriber = _subscribers[subscriber_name]
    count = 0
    for event in _events_for(subscriber, since=since, types=types, batch_size=batch_size):
        with transaction.atomic():
            subscriber.handler(event)
        count += 1
    return count


def _events_for(
    subscriber: Subscriber, *, since: datetime | None, types: Iterable[str] | None, batch_size: int
) -> Iterator[Event]:
    qs = Event.objects.order_by("pk")
    wanted = set(types) if types else set(subscriber.types)
    if "*" not in wanted:
        qs = qs.filter(type__in=wanted)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    yield from qs.iterator(chunk_size=batch_size)
