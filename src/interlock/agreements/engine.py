"""The agreements engine: events of registered kinds → deliverables and obligations.

``handle(event)`` is idempotent and order-independent: the earliest
delivering event of an instance defines it, the earliest fulfilling event
fulfils it, a cancelling event cancels it unless it is fulfilled, and every
time term in force when it was delivered opens one obligation. Handling the
same events again, or in another order, gives the same rows; ``replay.py`` (called by
``rebuild.py``) replays the log through the same projection (``projection.py``).
"""

from __future__ import annotations

from contextvars import ContextVar
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from interlock.agreements import projection, scheduling
from interlock.agreements.models import Deliverable, Obligation
from interlock.core import deliverables, events
from interlock.core.deliverables import DeliverableKind
from interlock.core.models import Event
from interlock.org.models import User
from interlock.org.selectors import effective_assignee

SUBSCRIBER = "agreements.engine"
# Written by the ladder's helpers below; read back by a rebuild only.
FULFILLED_BY_DEFAULT = "obligation.fulfilled_by_default"
REASSIGNED = "obligation.reassigned"
LADDER_TYPES = frozenset({FULFILLED_BY_DEFAULT, REASSIGNED})


def register_engine() -> None:
    """Subscribe to the event types the registered kinds use (from AppConfig.ready)."""
    resubscribe()


def resubscribe() -> None:
    """Subscribe again with the current set of types (tests call it after registering a kind)."""
    events.unsubscribe(SUBSCRIBER)
    types = deliverables.event_types()
    if types:
        events.subscribe(*sorted(types), name=SUBSCRIBER)(handle)
        events.handle_many(SUBSCRIBER, handle_many)


def handle(event: Event) -> None:
    """Apply one event to the projection (no-op for types no kind knows)."""
    if deliverables.kinds_for_event(event.type):
        with transaction.atomic():
            _apply(event)


def handle_many(batch: list[Event]) -> None:
    """Apply events in id order in one transaction (batched delivery): no savepoint each.

    The time terms of each kind are read once for the whole batch.
    """
    token = _terms_read.set({})
    try:
        with transaction.atomic():
            for event in batch:
                _apply(event)
    finally:
        _terms_read.reset(token)


# The time terms read during one batch, by kind (None outside of one).
_terms_read: ContextVar[dict[str, list[projection.TermInfo]] | None] = ContextVar(
    "interlock_agreements_terms", default=None
)


def _time_terms(kind: str) -> list[projection.TermInfo]:
    read = _terms_read.get()
    if read is not None and kind in read:
        return read[kind]
    terms = projection.time_terms([kind]).get(kind, [])
    if read is not None:
        read[kind] = terms
    return terms


def _apply(event: Event) -> None:
    for kind in deliverables.kinds_for_event(event.type):
        if event.type in kind.delivered_by:
            _deliver(kind, event)
        if event.type in kind.fulfilled_by:
            _fulfil(kind, event)
        if event.type in kind.cancelled_by:
            _cancel(kind, event)


def _earlier(at: datetime, event_id: int, than_at: datetime | None, than_id: int | None) -> bool:
    if than_at is None:
        return True
    return (at, event_id) < (than_at, than_id or 0)


def _row(kind: DeliverableKind, key: str) -> Deliverable:
    row, _created = Deliverable.objects.select_for_update().get_or_create(kind=kind.key, key=key)
    return row


def _deliver(kind: DeliverableKind, event: Event) -> None:
    delivery = kind.delivery(event)
    if delivery is None:
        return
    row = _row(kind, delivery.key)
    if not _earlier(delivery.at, event.pk, row.delivered_at, row.delivery_event_id):
        return  # a later (or the same) delivery: the first one wins
    subject_type, subject_id = delivery.subject or ("", None)
    row.delivered_at = delivery.at
    row.delivery_event_id = event.pk
    row.place = delivery.place
    row.team_id = delivery.team_id
    row.assignee_id = delivery.assignee_id
    row.subject_type = subject_type
    row.subject_id = subject_id
    row.title = delivery.title[:200]
    row.due_at = delivery.due_at
    row.save()
    sync(row)


def _fulfil(kind: DeliverableKind, event: Event) -> None:
    key = kind.instance_key(event)
    if not key:
        return
    row = _row(kind, key)
    if not _earlier(event.occurred_at, event.pk, row.fulfilled_at, row.fulfilment_event_id):
        return
    row.fulfilled_at = event.occurred_at
    row.fulfilment_event_id = event.pk
    row.fulfilled_how = event.type[:60]
    row.save(update_fields=["fulfilled_at", "fulfilment_event_id", "fulfilled_how"])
    sync(row)


def _cancel(kind: DeliverableKind, event: Event) -> None:
    key = kind.instance_key(event)
    if not key:
        return
    row = _row(kind, key)
    if row.cancelled_at is not None and row.cancelled_at <= event.occurred_at:
        return
    row.cancelled_at = event.occurred_at
    row.save(update_fields=["cancelled_at"])
    sync(row)


def live_resolver(routed_id: int | None, at: datetime) -> int | None:
    """Who acts for ``routed_id`` at ``at`` (the deputy while away)."""
    if routed_id is None:
        return None
    user = User.objects.filter(pk=routed_id).first()
    return effective_assignee(user, at).pk if user is not None else routed_id


def sync(row: Deliverable) -> int:
    """Bring the obligations of one deliverable in line with it; returns rows written."""
    if row.delivered_at is None:
        return 0  # fulfilled before its delivery arrived: wait for it
    terms = [t for t in _time_terms(row.kind) if t.applies(row.delivered_at, row.place)]
    existing = {o.term_id: o for o in Obligation.objects.filter(deliverable=row)}
    written = 0
    for term in terms:
        spec = scheduling.spec_for_team(term.receiver_team_id)
        desired = projection.obligation_fields(row, term, spec, live_resolver)
        current = existing.get(term.id)
        if current is None:
            Obligation.objects.bulk_create(
                [Obligation(deliverable=row, changed_at=timezone.now(), **desired)],
                ignore_conflicts=True,
            )
            written += 1
            continue
        changes = merge(current, desired)
        if changes:
            changes["changed_at"] = timezone.now()
            Obligation.objects.filter(pk=current.pk).update(**changes)
            written += 1
    # An earlier delivery arrived late and falls under other terms: drop what
    # the later one opened, unless the ladder already acted on it.
    stale = set(existing) - {t.id for t in terms}
    if stale:
        Obligation.objects.filter(
            deliverable=row, term_id__in=stale, escalations__isnull=True, disputes__isnull=True
        ).delete()
    return written


def merge(current: Obligation, desired: dict[str, Any]) -> dict[str, Any]:
    """The changes that take ``current`` to ``desired`` without undoing the clock's work."""
    if current.fulfilled_by_default:
        return {}  # the ladder counted it: a late real fulfilment changes nothing
    moved = any(getattr(current, k) != desired[k] for k in projection.SCHEDULE_KEYS)
    keys: tuple[str, ...] = ()
    if moved:
        keys = projection.SCHEDULE_KEYS + projection.DELIVERY_KEYS + projection.CLOSING_KEYS
    elif desired["status"] in projection.CLOSED_STATUSES:
        keys = projection.CLOSING_KEYS
    # else: still open on the same schedule; at risk / breached stay as the clock set them
    return {k: desired[k] for k in keys if getattr(current, k) != desired[k]}


# ------------------------------------------------------------ ladder helpers


def _ladder_event(event_type: str, obligation: Obligation, at: datetime, **extra: Any) -> None:
    deliverable = obligation.deliverable
    events.record(
        event_type,
        subject=obligation,
        payload={
            "kind": deliverable.kind,
            "key": deliverable.key,
            "term_id": obligation.term_id,
            **extra,
        },
        occurred_at=at,
    )


def fulfil_by_default(obligation: Obligation, at: datetime) -> None:
    """Count ``obligation`` as fulfilled (a ladder step); kept by a rebuild."""
    if obligation.status in projection.CLOSED_STATUSES or obligation.fulfilled_by_default:
        return
    obligation.status = Obligation.Status.FULFILLED
    obligation.fulfilled_by_default = True
    obligation.fulfilled_at = at
    obligation.check_at = None
    obligation.changed_at = timezone.now()
    obligation.save(
        update_fields=["status", "fulfilled_by_default", "fulfilled_at", "check_at", "changed_at"]
    )
    _ladder_event(FULFILLED_BY_DEFAULT, obligation, at)


def reassign(obligation: Obligation, user_id: int | None, *, at: datetime | None = None) -> None:
    """Give ``obligation`` to ``user_id`` (None: back to the queue); kept by a rebuild."""
    if obligation.assignee_id == user_id:
        return
    obligation.assignee_id = user_id
    obligation.changed_at = timezone.now()
    obligation.save(update_fields=["assignee", "changed_at"])
    _ladder_event(REASSIGNED, obligation, at or timezone.now(), assignee_id=user_id)
