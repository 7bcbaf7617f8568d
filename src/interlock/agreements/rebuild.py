"""Rebuild deliverables, obligations and period results from the event log.

The projection rows are deleted and the events of every registered kind are
read once in id order; the same rules as the live subscriber (``engine``,
through ``projection``) are applied in memory (``replay.py``), and the rows
are written set-based: COPY on PostgreSQL, ``executemany`` of plain tuples on
SQLite with the tables' plain indexes dropped and built again afterwards.
Closed obligations (the bulk of a long log) are computed in integer
microseconds (``projection.ClosedRows``); the rest take the general path. What did things in the world survives: escalation runs are copied
out and attached again by (kind, key, term), disputes find their breach
again by the same stable name, waived breaches stay waived, and the ladder's
"count as fulfilled" and "reassign" decisions are replayed from their events.
Clock states are set for ``now`` without recording events again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from interlock.agreements import clock, periods, projection, scheduling
from interlock.agreements.models import (
    AgendaItem,
    BreachDispute,
    Deliverable,
    EscalationRun,
    EscalationStep,
    Obligation,
    PeriodResult,
)
from interlock.agreements.replay import (
    Context,
    Name,
    _Deliverable,
    _Ladder,
    general_row,
    memory_resolver,
    replay,
)
from interlock.org.models import Team, User

log = logging.getLogger(__name__)

BATCH = 50000
_NAIVE_EPOCH = datetime(1970, 1, 1)  # SQLite stores naive UTC text


# ------------------------------------------------------------------ rebuild

_D_COLS = [
    "id",
    "kind",
    "key",
    "delivered_at",
    "delivery_event_id",
    "fulfilled_at",
    "fulfilment_event_id",
    "fulfilled_how",
    "cancelled_at",
    "place",
    "team_id",
    "assignee_id",
    "subject_type",
    "subject_id",
    "title",
    "due_at",
]
_O_COLS = [
    "id",
    "deliverable_id",
    "term_id",
    "version_id",
    "agreement_id",
    "team_id",
    "assignee_id",
    "routed_to_id",
    "opened_at",
    "at_risk_at",
    "due_at",
    "status",
    "fulfilled_at",
    "fulfilled_by_default",
    "breached_at",
    "business_seconds",
    "check_at",
    "waived",
    "problem",
    "changed_at",
]


@dataclass
class _Kept:
    runs: list[tuple[Name, int, datetime, datetime, Any]]
    agenda: list[tuple[int, Name]]
    waived: set[Name]


def _keep() -> _Kept:
    runs = [
        ((kind, key, term), step, due, ran, outcome)
        for kind, key, term, step, due, ran, outcome in EscalationRun.objects.values_list(
            "obligation__deliverable__kind",
            "obligation__deliverable__key",
            "obligation__term_id",
            "step_id",
            "due_at",
            "ran_at",
            "outcome",
        )
    ]
    agenda = [
        (pk, (kind, key, term))
        for pk, kind, key, term in AgendaItem.objects.filter(obligation__isnull=False).values_list(
            "pk",
            "obligation__deliverable__kind",
            "obligation__deliverable__key",
            "obligation__term_id",
        )
    ]
    waived = {
        (kind, key, int(term or 0))
        for kind, key, term in BreachDispute.objects.filter(
            status=BreachDispute.Status.WAIVED, term_id_ref__isnull=False
        ).values_list("deliverable_kind", "deliverable_key", "term_id_ref")
    }
    return _Kept(runs, agenda, waived)


def _table(model: Any) -> str:
    return connection.ops.quote_name(model._meta.db_table)


class _Writer:
    """Rows of one table, written in batches: COPY on PostgreSQL, executemany elsewhere."""

    def __init__(self, cursor: Any, model: Any, columns: list[str]) -> None:
        self.cursor, self.count = cursor, 0
        names = ", ".join(connection.ops.quote_name(c) for c in columns)
        self.copy = f"COPY {_table(model)} ({names}) FROM STDIN"
        marks = ", ".join(["%s"] * len(columns))
        self.insert = f"INSERT INTO {_table(model)} ({names}) VALUES ({marks})"  # noqa: S608
        self.rows: list[tuple[Any, ...]] = []

    def add(self, row: tuple[Any, ...]) -> None:
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        self.count += len(self.rows)
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors, self.cursor.cursor.copy(self.copy) as copy:
                for row in self.rows:
                    copy.write_row(row)
        else:
            self.cursor.executemany(self.insert, self.rows)
        self.rows = []


@contextmanager
def _bare(cursor: Any, models: tuple[Any, ...]) -> Iterator[None]:
    """SQLite: drop the plain indexes of ``models`` while they are refilled, then create them.

    Building an index once over the sorted rows is much cheaper than keeping
    a dozen of them up to date row by row. DDL is transactional in SQLite:
    a failure rolls the indexes back with the rows. Unique constraints stay.
    """
    if connection.vendor != "sqlite":
        yield
        return
    tables = [m._meta.db_table for m in models]
    marks = ", ".join(["%s"] * len(tables))
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "  # noqa: S608
        f"AND tbl_name IN ({marks})",
        tables,
    )
    indexes = cursor.fetchall()
    for name, _sql in indexes:
        cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    for _name, sql in indexes:
        cursor.execute(sql)


def rebuild(
    *, now: datetime | None = None, progress: Callable[[int], None] | None = None
) -> dict[str, int]:
    """Delete and replay the projection; returns counts of rows written."""
    now = now or timezone.now()
    scheduling.clear_cache()
    with transaction.atomic():
        kept = _keep()
        next_d = (Deliverable.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        next_o = (Obligation.objects.aggregate(m=Max("id"))["m"] or 0) + 1
        BreachDispute.objects.update(obligation=None, period_result=None)
        AgendaItem.objects.filter(obligation__isnull=False).update(obligation=None)
        with connection.cursor() as cursor, _bare(cursor, (Obligation, Deliverable)):
            for model in (EscalationRun, Obligation, Deliverable, PeriodResult):
                cursor.execute(f"DELETE FROM {_table(model)}")  # noqa: S608
            found, ladder = replay(progress)
            wanted = {name for name, *_rest in kept.runs} | {name for _pk, name in kept.agenda}
            new_ids, counts = _write(cursor, found, ladder, kept, wanted, next_d, next_o, now)
            del found
        _reattach(kept, new_ids)
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), [Deliverable, Obligation]):
                cursor.execute(sql)
        counts.update(
            {f"periods_{k}": v for k, v in periods.evaluate(now=now, record=False).items()}
        )
        _reattach_periods()
        from interlock.agreements import rollups

        rollups.rebuild()  # deleted obligations leave no changed_at behind
    return counts


def _adapter() -> Callable[[datetime], Any]:
    """Datetime → column value as Django writes it (SQLite: naive UTC text), without its checks."""
    if connection.vendor == "sqlite":
        return lambda value: value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
    return lambda value: value


def _micros_adapter() -> Callable[[int], Any]:
    """Microseconds since the epoch → column value, the same as :func:`_adapter` gives."""
    if connection.vendor == "sqlite":
        return lambda value: str(_NAIVE_EPOCH + timedelta(microseconds=value))
    return scheduling.from_micros


def _write(
    cursor: Any,
    found: dict[tuple[str, str], _Deliverable],
    ladder: _Ladder,
    kept: _Kept,
    wanted: set[Name],
    next_d: int,
    next_o: int,
    now: datetime,
) -> tuple[dict[Name, int], dict[str, int]]:
    adapt = _adapter()
    terms = projection.time_terms()
    clocks = {
        t.id: scheduling.MicroClock.for_term(
            scheduling.spec_for_team(t.receiver_team_id), t.hours, t.at_risk_percent
        )
        for ts in terms.values()
        for t in ts
    }
    teams = set(Team.objects.values_list("pk", flat=True))
    steps: dict[int, list[EscalationStep]] = {}
    clock._steps_for({t.version_id for ts in terms.values() for t in ts}, steps)
    ran: dict[Name, set[int]] = {}
    for name, step_id, *_rest in kept.runs:
        ran.setdefault(name, set()).add(step_id)
    users = set(User.objects.values_list("pk", flat=True))
    ctx = Context(ladder, kept, ran, steps, memory_resolver(), users, now, adapt(timezone.now()))

    def ad(value: datetime | None) -> Any:
        return None if value is None else adapt(value)

    new_ids: dict[Name, int] = {}
    d_out = _Writer(cursor, Deliverable, _D_COLS)
    o_out = _Writer(cursor, Obligation, _O_COLS)
    fast = projection.ClosedRows(ctx, _micros_adapter())
    for d in found.values():
        d_id = next_d
        next_d += 1
        d.team_id = d.team_id if d.team_id in teams else None
        d.assignee_id = d.assignee_id if d.assignee_id in users else None
        delivered = d.delivered_text or ad(d.delivered_at)
        fulfilled = d.fulfilled_text or ad(d.fulfilled_at)
        d_out.add(
            (
                d_id,
                d.kind,
                d.key,
                delivered,
                d.delivery_event_id,
                fulfilled,
                d.fulfilment_event_id,
                d.fulfilled_how,
                d.cancelled_text or ad(d.cancelled_at),
                d.place,
                d.team_id,
                d.assignee_id,
                d.subject_type,
                d.subject_id,
                d.title,
                ad(d.due_at),
            )
        )
        if d.delivered_at is None:
            continue
        closed = d.due_at is None and (d.fulfilled_at is not None or d.cancelled_at is not None)
        for term in terms.get(d.kind, ()):
            if not term.applies(d.delivered_at, d.place):
                continue
            name = (d.kind, d.key, term.id)
            micro = clocks[term.id]
            row = None
            if micro is not None and closed and name not in ladder.defaults:
                row = fast.row(next_o, d_id, d, term, name, micro, delivered, fulfilled)
            if row is None:
                row = general_row(next_o, d_id, d, term, name, ctx, ad)
            if name in wanted:
                new_ids[name] = next_o
            o_out.add(row)
            next_o += 1
    d_out.flush()
    o_out.flush()
    return new_ids, {"deliverables": d_out.count, "obligations": o_out.count}


def _reattach(kept: _Kept, new_ids: dict[Name, int]) -> None:
    EscalationRun.objects.bulk_create(
        [
            EscalationRun(
                obligation_id=new_ids[name], step_id=step, due_at=due, ran_at=ran, outcome=out
            )
            for name, step, due, ran, out in kept.runs
            if name in new_ids
        ],
        batch_size=1000,
    )
    lost = sum(1 for name, *_r in kept.runs if name not in new_ids)
    if lost:
        log.warning("rebuild: %d escalation runs lost their obligation", lost)
    for pk, name in kept.agenda:
        if name in new_ids:
            AgendaItem.objects.filter(pk=pk).update(obligation_id=new_ids[name])
    disputes = BreachDispute.objects.filter(term_id_ref__isnull=False, period_start__isnull=True)
    for dispute in disputes.exclude(deliverable_key=""):
        ob = Obligation.objects.filter(
            deliverable__kind=dispute.deliverable_kind,
            deliverable__key=dispute.deliverable_key,
            term_id=dispute.term_id_ref or 0,
        ).first()
        if ob is not None:
            BreachDispute.objects.filter(pk=dispute.pk).update(obligation=ob)


def _reattach_periods() -> None:
    for dispute in BreachDispute.objects.filter(
        term_id_ref__isnull=False, period_start__isnull=False
    ):
        result = PeriodResult.objects.filter(
            term_id=dispute.term_id_ref or 0, period_start=dispute.period_start or date.min
        ).first()
        if result is None:
            continue
        BreachDispute.objects.filter(pk=dispute.pk).update(period_result=result)
        if dispute.status == BreachDispute.Status.WAIVED:
            PeriodResult.objects.filter(pk=result.pk).update(waived=True)
