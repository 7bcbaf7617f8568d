"""Keeping the report rollups current from the lead events (after commit).

A burst of events (an import, the demo, a busy hour) must cost one refresh,
not one per event: the handler only queues ``refresh_reports`` unless one is
already queued. The task clears the flag before it reads, so a row committed
while it runs is folded by the next one. A lost task costs nothing either:
the periodic task and every report refresh on their own.
"""

from __future__ import annotations

from django.core.cache import cache

from interlock.core import events
from interlock.core.models import Event

SUBSCRIBER = "leads.reports"
EVENT_TYPES = ("lead.stage_changed", "lead.accepted", "lead.rejected")
PENDING_KEY = "leads:reports:refresh-queued"


def on_event(event: Event) -> None:
    from interlock.leads.tasks_reports import refresh_reports

    if cache.add(PENDING_KEY, 1, timeout=300):
        refresh_reports()


def on_events(batch: list[Event]) -> None:
    """A batch of lead events asks for one refresh, like one event."""
    if batch:
        on_event(batch[-1])


def register_reports() -> None:
    """Subscribe to the lead events and load the periodic task (called by register_all)."""
    import interlock.leads.tasks_reports  # noqa: F401  (registers the periodic task)

    events.subscribe(*EVENT_TYPES, name=SUBSCRIBER)(on_event)
    events.handle_many(SUBSCRIBER, on_events)
