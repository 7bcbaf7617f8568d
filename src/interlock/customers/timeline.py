"""The timeline: every module's entries on one account / contact timeline.

Apps register, for each event type they own, how it appears on a timeline
(``register``) in their ``AppConfig.ready()``; this module never imports
them. A subscriber projects each registered event into ``TimelineEntry``
rows (one per account and contact it concerns), after commit, through the
event queue; ``interlock events replay customers.timeline`` rebuilds them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from interlock.core import events
from interlock.core.models import Event

SUBSCRIBER = "customers.timeline"


@dataclass(frozen=True)
class TimelineKind:
    """How one event type shows on timelines.

    ``title(event)`` and ``summary(event)`` return display text (use the
    payload; keep it short); ``targets(event)`` returns (account id, contact
    id) pairs the event belongs to — either may be None.
    """

    event_type: str
    kind: str
    title: Callable[[Event], str]
    targets: Callable[[Event], Iterable[tuple[int | None, int | None]]]
    summary: Callable[[Event], str] = lambda event: ""


_kinds: dict[str, TimelineKind] = {}


def register(
    event_type: str,
    *,
    kind: str,
    title: Callable[[Event], str],
    targets: Callable[[Event], Iterable[tuple[int | None, int | None]]],
    summary: Callable[[Event], str] | None = None,
) -> None:
    """Show events of ``event_type`` on timelines, filterable as ``kind``."""
    _kinds[event_type] = TimelineKind(
        event_type, kind, title, targets, summary or (lambda event: "")
    )
    # Re-subscribe with the grown set of types, so only registered events
    # get delivery rows (not every event of every bulk import).
    events.subscribe(*sorted(_kinds), name=SUBSCRIBER)(project)


def kinds() -> list[str]:
    return sorted({k.kind for k in _kinds.values()})


def registered() -> dict[str, TimelineKind]:
    return dict(_kinds)


def project(event: Event) -> None:
    """Write the timeline rows of one event (idempotent: replays do not double)."""
    from interlock.customers.models import TimelineEntry

    spec = _kinds.get(event.type)
    if spec is None:
        return
    seen: set[tuple[int | None, int | None]] = set()
    rows: list[Any] = []
    for account_id, contact_id in spec.targets(event):
        if (account_id, contact_id) in seen or (account_id is None and contact_id is None):
            continue
        seen.add((account_id, contact_id))
        rows.append(
            TimelineEntry(
                event_id=event.pk,
                account_id=account_id,
                contact_id=contact_id,
                kind=spec.kind,
                occurred_at=event.occurred_at,
                title=spec.title(event)[:300],
                summary=spec.summary(event),
            )
        )
    TimelineEntry.objects.filter(event_id=event.pk).delete()
    TimelineEntry.objects.bulk_create(rows)
