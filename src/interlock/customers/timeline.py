"""The timeline: every module's entries on one account / contact timeline.

Apps register, for each event type they own, how it appears on a timeline
(``register``) in their ``AppConfig.ready()``; this module never imports
them. A subscriber projects each registered event into ``TimelineEntry``
rows (one per account and contact it concerns), after commit, through the
event queue; ``interlock events replay customers.timeline`` rebuilds them.

Each kind (the filter chips and the badge on every entry) has a label that
its app registers with ``register_kind`` (or ``register(..., label=…)``),
usually a ``gettext_lazy`` string, so it shows in the reader's language.
:func:`kinds` returns :class:`Kind` keys: plain strings for filters and URLs
that also know their ``label``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.utils.functional import Promise

from interlock.core import events
from interlock.core.models import Event
from interlock.org import bulk as ob

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
_labels: dict[str, str | Promise] = {}


class Kind(str):
    """A kind's key (what filters and URLs carry) that also knows its label."""

    __slots__ = ()

    @property
    def label(self) -> str:
        return kind_label(self)


def register_kind(kind: str, label: str | Promise) -> None:
    """Name ``kind`` for people: ``label`` is translated when shown (use gettext_lazy)."""
    _labels[kind] = label


def kind_label(kind: str) -> str:
    """The kind's label in the active language (the key itself if none is registered)."""
    return str(_labels.get(kind, kind))


def kind_labels() -> dict[str, str]:
    """Every kind's label in the active language, by key (for templates and the API)."""
    return {kind: kind_label(kind) for kind in kinds()}


def register(
    event_type: str,
    *,
    kind: str,
    title: Callable[[Event], str],
    targets: Callable[[Event], Iterable[tuple[int | None, int | None]]],
    summary: Callable[[Event], str] | None = None,
    label: str | Promise | None = None,
) -> None:
    """Show events of ``event_type`` on timelines, filterable as ``kind`` (named ``label``)."""
    if label is not None:
        register_kind(kind, label)
    _kinds[event_type] = TimelineKind(
        event_type, kind, title, targets, summary or (lambda event: "")
    )
    # Re-subscribe with the grown set of types, so only registered events
    # get delivery rows (not every event of every bulk import).
    events.subscribe(*sorted(_kinds), name=SUBSCRIBER)(project)


def kinds() -> list[Kind]:
    """The kinds in use, sorted by key; each knows its ``label``."""
    return [Kind(kind) for kind in sorted({k.kind for k in _kinds.values()})]


def kind_choices() -> list[tuple[str, str]]:
    """(key, label) pairs in the active language, sorted by label (for forms)."""
    return sorted(((kind, kind.label) for kind in kinds()), key=lambda pair: pair[1].casefold())


def registered() -> dict[str, TimelineKind]:
    return dict(_kinds)


def project(event: Event) -> None:
    """Write the timeline rows of one event (idempotent: replays do not double)."""
    project_many([event])


def project_many(batch: Iterable[Event]) -> None:
    """Write the timeline rows of many events at once (one delivery chunk, demo seeding).

    Idempotent like :func:`project`: the events' old rows are replaced. The
    new rows go in with one plain statement (``executemany`` on SQLite,
    ``COPY`` on PostgreSQL), not through model instances: the timeline is the
    subscriber with the most events.
    """
    from interlock.customers.models import TimelineEntry

    rows: list[tuple[Any, ...]] = []
    ids: list[int] = []
    seen: set[int] = set()
    for event in batch:
        if event.pk in seen:  # an event listed twice is projected once
            continue
        seen.add(event.pk)
        ids.append(event.pk)
        rows.extend(_rows(event))
    if not ids:
        return
    for start in range(0, len(ids), 500):
        TimelineEntry.objects.filter(event_id__in=ids[start : start + 500]).delete()
    with connection.cursor() as cursor:
        ob.write_rows(cursor, TimelineEntry._meta.db_table, _COLUMNS, rows)


_COLUMNS = ("event_id", "account_id", "contact_id", "kind", "occurred_at", "title", "summary")


def _rows(event: Event) -> list[tuple[Any, ...]]:
    """The event's rows in ``_COLUMNS`` order, one per account and contact it concerns."""
    spec = _kinds.get(event.type)
    if spec is None:
        return []
    seen: set[tuple[int | None, int | None]] = set()
    rows: list[tuple[Any, ...]] = []
    title = summary = at = None
    for account_id, contact_id in spec.targets(event):
        if (account_id, contact_id) in seen or (account_id is None and contact_id is None):
            continue
        seen.add((account_id, contact_id))
        if at is None:
            title = str(spec.title(event))[:300]
            summary = str(spec.summary(event))
            at = ob.adapt_datetime(event.occurred_at)
        rows.append((event.pk, account_id, contact_id, spec.kind, at, title, summary))
    return rows
