"""Replay the event log in memory: every deliverable as the events define it.

The first half of a rebuild (``rebuild.py`` writes the rows). The events of
every registered kind are read once, in id order, with a raw cursor in big
chunks; the same rules as the live subscriber (``engine``) are applied to a
dict keyed by (kind, key). Times are parsed once per event; on SQLite the
stored text of a time is kept beside it, so writing it back costs nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db import connection
from django.utils import timezone

from interlock.agreements import clock, engine, projection, scheduling
from interlock.agreements.models import EscalationStep, Obligation
from interlock.core import deliverables
from interlock.core.models import Event
from interlock.org.models import Absence, User

Name = tuple[str, str, int]  # (kind, key, term id): a breach's stable name
BATCH = 20000
_parse = datetime.fromisoformat


class _Event:
    """The columns of an event the kinds read, without a model instance each."""

    __slots__ = (
        "actor_id",
        "id",
        "occurred_at",
        "payload",
        "pk",
        "subject_id",
        "subject_type",
        "text",
        "type",
    )

    def __init__(self, row: tuple[Any, ...], text: str | None = None) -> None:
        self.id = self.pk = row[0]
        self.type, self.subject_type, self.subject_id, self.occurred_at, self.payload = row[1:6]
        self.actor_id = row[6]
        self.text = text  # occurred_at as stored (SQLite), when it is in Django's format


@dataclass(slots=True)
class _Deliverable:
    kind: str
    key: str
    delivered_at: datetime | None = None
    delivery_event_id: int | None = None
    fulfilled_at: datetime | None = None
    fulfilment_event_id: int | None = None
    fulfilled_how: str = ""
    cancelled_at: datetime | None = None
    place: str = ""
    team_id: int | None = None
    assignee_id: int | None = None
    subject_type: str = ""
    subject_id: int | None = None
    title: str = ""
    due_at: datetime | None = None
    # The stored text of delivered_at / fulfilled_at / cancelled_at, when known.
    delivered_text: str | None = None
    fulfilled_text: str | None = None
    cancelled_text: str | None = None


@dataclass
class _Ladder:
    defaults: dict[Name, datetime] = field(default_factory=dict)
    assignees: dict[Name, int | None] = field(default_factory=dict)


def _canonical(text: str) -> bool:
    """Is ``text`` what Django writes for a naive UTC time ("YYYY-MM-DD HH:MM:SS[.ffffff]")?"""
    if len(text) == 19:
        return text[10] == " "
    return len(text) == 26 and text[10] == " " and not text.endswith(".000000")


def _events(types: list[str]) -> Iterator[_Event]:
    """The events of ``types`` in id order, read raw (a server-side cursor where there is one).

    Django's per-row converters cost more than the engine's own work at
    millions of events, so times and payloads are converted here directly.
    """
    table = connection.ops.quote_name(Event._meta.db_table)
    marks = ", ".join(["%s"] * len(types))
    sqlite = connection.vendor == "sqlite"
    # SQLite: the time as plain text (a bare column would go through Django's slow converter)
    occurred_at = "CAST(occurred_at AS TEXT)" if sqlite else "occurred_at"
    sql = (
        f"SELECT id, type, subject_type, subject_id, {occurred_at}, payload, actor_id "  # noqa: S608
        f"FROM {table} WHERE type IN ({marks}) ORDER BY id"
    )
    loads = json.loads
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, types)
        while True:
            rows = cursor.fetchmany(BATCH)
            if not rows:
                return
            for row in rows:
                occurred, payload = row[4], row[5]
                text = None
                if isinstance(occurred, str):
                    text = occurred if _canonical(occurred) else None
                    occurred = _parse(occurred)
                if occurred.tzinfo is None:
                    occurred = (
                        occurred.replace(tzinfo=UTC) if sqlite else timezone.make_aware(occurred)
                    )
                if isinstance(payload, str | bytes):
                    payload = {} if payload == "{}" else loads(payload)
                yield _Event((row[0], row[1], row[2], row[3], occurred, payload, row[6]), text)


def replay(
    progress: Callable[[int], None] | None = None,
) -> tuple[dict[tuple[str, str], _Deliverable], _Ladder]:
    """Every deliverable as the event log defines it, and the ladder's decisions."""
    found: dict[tuple[str, str], _Deliverable] = {}
    ladder = _Ladder()
    # per event type: (kind, delivers, fulfils, cancels) for each kind that reads it
    plan = {
        t: [
            (k, t in k.delivered_by, t in k.fulfilled_by, t in k.cancelled_by)
            for k in deliverables.kinds_for_event(t)
        ]
        for t in deliverables.event_types()
    }
    ladder_types = engine.LADDER_TYPES
    earlier = engine._earlier
    seen = 0
    for event in _events(sorted(set(plan) | ladder_types)):
        seen += 1
        if progress is not None and seen % BATCH == 0:
            progress(BATCH)
        if event.type in ladder_types:
            _ladder_event(event, ladder)
            continue
        for kind, delivers, fulfils, cancels in plan[event.type]:
            if delivers:
                delivery = kind.delivery(event)  # type: ignore[arg-type]
                if delivery is not None:
                    _deliver(found, kind.key, delivery, event)
            if fulfils or cancels:
                key = kind.instance_key(event)  # type: ignore[arg-type]
                if not key:
                    continue
                row = found.get((kind.key, key))
                if row is None:
                    row = found[(kind.key, key)] = _Deliverable(kind.key, key)
                at = event.occurred_at
                if fulfils and earlier(at, event.pk, row.fulfilled_at, row.fulfilment_event_id):
                    row.fulfilled_at = at
                    row.fulfilled_text = event.text
                    row.fulfilment_event_id = event.pk
                    row.fulfilled_how = event.type[:60]
                if cancels and (row.cancelled_at is None or at < row.cancelled_at):
                    row.cancelled_at = at
                    row.cancelled_text = event.text
    if progress is not None:
        progress(seen % BATCH)
    return found, ladder


def _deliver(
    found: dict[tuple[str, str], _Deliverable], kind: str, delivery: Any, event: _Event
) -> None:
    row = found.get((kind, delivery.key))
    if row is None:
        row = found[(kind, delivery.key)] = _Deliverable(kind, delivery.key)
    if not engine._earlier(delivery.at, event.pk, row.delivered_at, row.delivery_event_id):
        return
    subject_type, subject_id = delivery.subject or ("", None)
    row.delivered_at = delivery.at
    row.delivered_text = event.text if delivery.at is event.occurred_at else None
    row.delivery_event_id = event.pk
    row.place = delivery.place
    row.team_id = delivery.team_id
    row.assignee_id = delivery.assignee_id
    row.subject_type = subject_type
    row.subject_id = subject_id
    row.title = delivery.title[:200]
    row.due_at = delivery.due_at


def _ladder_event(event: _Event, ladder: _Ladder) -> None:
    p = event.payload
    name = (str(p.get("kind", "")), str(p.get("key", "")), int(p.get("term_id") or 0))
    if event.type == engine.FULFILLED_BY_DEFAULT:
        ladder.defaults.setdefault(name, event.occurred_at)
    else:
        ladder.assignees[name] = p.get("assignee_id")


def memory_resolver() -> Callable[[int | None, datetime], int | None]:
    """``effective_assignee`` over absences read once (same rules, no query per row)."""
    absences: dict[int, list[tuple[datetime, datetime, int]]] = {}
    for user_id, starts, ends, deputy in Absence.objects.order_by("starts_at").values_list(
        "user_id", "starts_at", "ends_at", "deputy_id"
    ):
        absences.setdefault(user_id, []).append((starts, ends, deputy))
    active = set(User.objects.filter(is_active=True).values_list("pk", flat=True))

    def resolve(routed: int | None, at: datetime) -> int | None:
        if routed is None or routed not in absences:
            return routed
        seen, current = {routed}, routed
        for _hop in range(5):
            away = next((a for a in absences.get(current, ()) if a[0] <= at < a[1]), None)
            if away is None:
                return current
            deputy = away[2]
            if deputy in seen or deputy not in active:
                return current
            seen.add(deputy)
            current = deputy
        return current

    return resolve


# ------------------------------------------------- obligation rows (general)


@dataclass
class Context:
    """What every obligation row of a rebuild reads besides its deliverable."""

    ladder: _Ladder
    kept: Any  # rebuild._Kept: runs, agenda and waived names kept across it
    ran: dict[Name, set[int]]
    steps: dict[int, list[EscalationStep]]
    resolve: Callable[[int | None, datetime], int | None]
    users: set[int]
    now: datetime
    wall: Any


def general_row(
    o_id: int,
    d_id: int,
    d: _Deliverable,
    term: projection.TermInfo,
    name: Name,
    ctx: Context,
    ad: Callable[[datetime | None], Any],
) -> tuple[Any, ...]:
    f = _fields(d, term, name, ctx)
    users = ctx.users
    return (
        o_id,
        d_id,
        f["term_id"],
        f["version_id"],
        f["agreement_id"],
        f["team_id"],
        f["assignee_id"] if f["assignee_id"] in users else None,
        f["routed_to_id"] if f["routed_to_id"] in users else None,
        ad(f["opened_at"]),
        ad(f["at_risk_at"]),
        ad(f["due_at"]),
        f["status"],
        ad(f["fulfilled_at"]),
        f["fulfilled_by_default"],
        ad(f["breached_at"]),
        f["business_seconds"],
        ad(f["check_at"]),
        f["waived"],
        f["problem"],
        ctx.wall,
    )


def _fields(d: _Deliverable, term: projection.TermInfo, name: Name, ctx: Context) -> dict[str, Any]:
    ladder = ctx.ladder
    f = projection.obligation_fields(
        d, term, scheduling.spec_for_team(term.receiver_team_id), ctx.resolve
    )
    f.update(fulfilled_by_default=False, waived=name in ctx.kept.waived)
    if name in ladder.assignees:
        f["assignee_id"] = ladder.assignees[name]
    default_at = ladder.defaults.get(name)
    if default_at is not None and _open_at(d, default_at):
        f.update(
            status=Obligation.Status.FULFILLED,
            fulfilled_by_default=True,
            fulfilled_at=default_at,
            breached_at=f["due_at"] if f["due_at"] <= default_at else None,
            business_seconds=None,
            check_at=None,
        )
    elif f["status"] == Obligation.Status.OPEN:
        row = {**f, "agreement__receiver_team_id": term.receiver_team_id}
        status, check_at, to_run = clock.plan(
            row, ctx.steps[term.version_id], ctx.ran.get(name, set()), ctx.now
        )
        moments = [m for m in [check_at, *(due for due, _o, _s in to_run)] if m is not None]
        f["status"] = status
        f["check_at"] = min(moments) if moments else None
        if status == Obligation.Status.BREACHED:
            f["breached_at"] = f["due_at"]
    return f


def _open_at(d: _Deliverable, at: datetime) -> bool:
    """Was the deliverable still open when the ladder counted it as fulfilled?"""
    if d.fulfilled_at is not None:
        return d.fulfilled_at > at
    return d.cancelled_at is None or d.cancelled_at > at
