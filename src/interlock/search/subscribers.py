"""Keeping the search index current from the domain events of indexed records.

Each handler re-derives the rows of the records an event concerns from the
database (idempotent: a replay or a late delivery cannot leave stale rows).
``interlock events replay search.index`` or ``interlock search rebuild``
restore a damaged index.
"""

from __future__ import annotations

from interlock.core.models import Event
from interlock.search import services

SUBSCRIBER = "search.index"

# subject label -> index kind
LABELS = {
    "customers.account": "account",
    "customers.contact": "contact",
    "sales.deal": "deal",
    "feedback.complaint": "complaint",
    "feedback.idea": "idea",
}

EVENT_TYPES = (
    "account.created",
    "account.updated",
    "account.merged",
    "contact.created",
    "contact.updated",
    "contact.merged",
    "deal.created",
    "deal.updated",
    "complaint.created",
    "complaint.updated",
    "idea.created",
    "idea.updated",
    "trash.moved",
    "trash.restored",
)


def _plan(event: Event, records: dict[str, set[int]], families: set[int]) -> None:
    """Note which records ``event`` makes stale (by index kind; accounts with family)."""
    kind = LABELS.get(event.subject_type)
    if kind is None:
        return
    subject_id = int(event.subject_id)
    payload = event.payload or {}
    merged_id = payload.get("merged_id")
    if merged_id:
        records.setdefault(kind, set()).add(int(merged_id))  # the loser is in the trash now
    if kind == "account" and (
        event.type in {"account.merged", "trash.moved", "trash.restored"}
        or "name" in payload.get("fields", ())
    ):
        families.add(subject_id)  # contacts, deals and complaints show the account's name
        return
    records.setdefault(kind, set()).add(subject_id)


def _apply(records: dict[str, set[int]], families: set[int]) -> None:
    for kind, ids in records.items():
        services.reindex(kind, sorted(ids))
    if families:
        services.reindex_account_family(sorted(families))


def on_event(event: Event) -> None:
    records: dict[str, set[int]] = {}
    families: set[int] = set()
    _plan(event, records, families)
    _apply(records, families)


def on_events(batch: list[Event]) -> None:
    """The same for many events at once (batched delivery, the demo seed).

    The index rows are re-derived from the database, so handling a batch in
    one go gives the same rows as handling its events one by one.
    """
    records: dict[str, set[int]] = {}
    families: set[int] = set()
    for event in batch:
        _plan(event, records, families)
    _apply(records, families)


def register() -> None:
    from interlock.core import events

    events.subscribe(*EVENT_TYPES, name=SUBSCRIBER)(on_event)
    events.handle_many(SUBSCRIBER, on_events)
