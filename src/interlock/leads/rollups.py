"""Keeping the report rollups current: incremental ``refresh()``, full ``rebuild()``.

Each rollup has a watermark: the last source id folded in. For the funnel it
is ``LifecycleTransition.id`` (append-only); for speed to lead it is the id
of the ``lead.accepted``/``lead.rejected`` event (subject: the handoff),
because a handoff is answered long after its row was written. A refresh folds
the rows between the watermark and the current maximum in with one
``INSERT … SELECT … GROUP BY … ON CONFLICT DO UPDATE`` per table (SQLite
≥ 3.24 and PostgreSQL), so it costs one indexed ``MAX(id)`` when nothing is new.

Races: two refreshes at once must not fold the same rows twice, so each
locks its watermark row first (SQLite: the IMMEDIATE transaction holds the
write lock; PostgreSQL: ``SELECT … FOR UPDATE``). On PostgreSQL ids are
handed out before commit, so a higher id may be visible while a lower one is
still in flight; the upper bound is therefore read under a short SHARE lock
on the source table, which waits for in-flight writers (at most 2 s, else
the refresh is skipped and the next one catches up).
"""

from __future__ import annotations

import logging
from bisect import bisect_left
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import Any

from django.db import DatabaseError, OperationalError, connection, transaction
from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DateField,
    F,
    Max,
    Min,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from interlock.core.models import Event
from interlock.leads.models.handoff import Handoff
from interlock.leads.models.lifecycle import LifecycleTransition
from interlock.leads.models.reports import (
    FUNNEL_BUCKETS,
    SPEED_BUCKETS,
    FunnelRollup,
    ReportWatermark,
    SpeedRollup,
)

log = logging.getLogger(__name__)

HOUR = 3600
DAY = 24 * HOUR
# Upper edges (inclusive, seconds) of the time-in-stage buckets; the last bucket is open.
FUNNEL_EDGES: tuple[int, ...] = (
    *(h * HOUR for h in (1, 2, 4, 8, 12)),
    *(
        d * DAY
        for d in (1, 2, 3, 4, 5, 6, 7, 10, 14, 21, 28, 35, 42, 56, 70, 90, 120, 150, 180, 270)
    ),
    *(d * DAY for d in (365, 547, 730, 1095)),
)
# Business minutes to answer: 5-minute steps to 2 h, 15 to 8 h, 30 to 24 h, 60 to 48 h.
SPEED_EDGES: tuple[int, ...] = tuple(
    m * 60
    for m in (
        *range(5, 121, 5),
        *range(135, 481, 15),
        *range(510, 1441, 30),
        *range(1500, 2881, 60),
    )
)
assert len(FUNNEL_EDGES) + 1 == FUNNEL_BUCKETS and len(SPEED_EDGES) + 1 == SPEED_BUCKETS
WITHIN_HOURS = (1, 4, 8, 24)
ANSWER_EVENTS = ("lead.accepted", "lead.rejected")
FUNNEL = "funnel"
SPEED = "speed"
# Grains of FunnelRollup: (grain, keeps campaign, keeps owner).
GRAINS = ((0, True, True), (1, True, False), (2, False, True), (3, False, False))

_FUNNEL_KEY = ("month", "from_stage", "to_stage", "source", "segment", "campaign_id", "owner_id")
_SPEED_KEY = ("month", "team_id", "assignee_id", "source", "outcome")


def bucket_of(seconds: int, edges: Sequence[int]) -> int:
    """The bucket index of a duration (the first whose upper edge is ≥ it)."""
    return bisect_left(edges, seconds)


def quantile(histogram: Sequence[int], edges: Sequence[int], q: float) -> float | None:
    """The ``q`` quantile from bucket counts, interpolated inside its bucket.

    The result lies in the same bucket as the exact nearest-rank value, so
    it is off by at most that bucket's width; in the open last bucket it is
    the bucket's lower edge (a floor: "at least").
    """
    total = sum(histogram)
    if total == 0:
        return None
    rank = max(1.0, q * total)
    seen = 0
    for index, count in enumerate(histogram):
        if count and seen + count >= rank:
            low = 0 if index == 0 else edges[index - 1]
            if index >= len(edges):
                return float(low)
            return low + (edges[index] - low) * (rank - seen) / count
        seen += count
    return float(edges[-1])


def _bucket_case(field: str, edges: Sequence[int]) -> Case:
    return Case(
        *(When(**{f"{field}__lte": edge}, then=Value(i)) for i, edge in enumerate(edges)),
        default=Value(len(edges)),
        output_field=BigIntegerField(),
    )


def _month_expr(field: str, rows: QuerySet) -> Any:  # type: ignore[type-arg]
    """The month (site time zone) of ``field``, as a date.

    PostgreSQL truncates natively. On SQLite Django's ``TruncMonth`` calls a
    Python function per row (about 30 µs: minutes at millions of rows), so
    the month comes from a CASE over the month starts the rows span instead:
    the same result, in SQL.
    """
    if connection.vendor == "postgresql":
        return TruncMonth(field, output_field=DateField())
    span = rows.aggregate(first=Min(field), last=Max(field))
    if span["first"] is None:
        return Value(None, output_field=DateField())
    zone = timezone.get_current_timezone()
    first = timezone.localtime(span["first"], zone).date().replace(day=1)
    last = timezone.localtime(span["last"], zone).date().replace(day=1)
    months = [first]
    while months[-1] < last:
        m = months[-1]
        months.append(date(m.year + m.month // 12, m.month % 12 + 1, 1))
    whens = [
        When(
            **{f"{field}__gte": datetime.combine(m, time.min, tzinfo=zone)},
            then=Value(m, output_field=DateField()),
        )
        for m in reversed(months[1:])
    ]
    return Case(*whens, default=Value(first, output_field=DateField()), output_field=DateField())


def _zero() -> Value:
    return Value(0, output_field=BigIntegerField())


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _upsert(table: str, key: Sequence[str], sums: Sequence[str], select_sql: str) -> str:
    columns = ", ".join(_q(c) for c in (*key, *sums))
    updates = ", ".join(f"{_q(c)} = {_q(table)}.{_q(c)} + excluded.{_q(c)}" for c in sums)
    conflict = ", ".join(_q(c) for c in key)
    return (
        f"INSERT INTO {_q(table)} ({columns}) {select_sql} "
        f"ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    )


def _sql(qs: QuerySet) -> tuple[str, tuple[Any, ...]]:  # type: ignore[type-arg]
    sql, params = qs.query.sql_with_params()
    return sql, tuple(params)


# --- bounds and locks ----------------------------------------------------------------------


def _max_id(table: str, where: str = "") -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_q(table)} {where}")  # noqa: S608
        return int(cursor.fetchone()[0])


def _settled_bound(table: str) -> int | None:
    """The highest id below which no writer is still in flight (None: try later)."""
    if connection.vendor != "postgresql":
        return None  # SQLite: read inside the write transaction instead
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL lock_timeout = '2s'")
            cursor.execute(f"LOCK TABLE {_q(table)} IN SHARE MODE")
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {_q(table)}")  # noqa: S608
            bound = int(cursor.fetchone()[0])
            cursor.execute("SET LOCAL lock_timeout = DEFAULT")
            return bound
    except DatabaseError:
        log.warning("report refresh skipped: writers of %s still busy", table)
        return -1


def _locked_watermark(name: str) -> ReportWatermark:
    # The lock serialises concurrent refreshes: the second waits, then sees
    # the first one's watermark and folds only what is newer still.
    ReportWatermark.objects.get_or_create(name=name)
    return ReportWatermark.objects.select_for_update().get(name=name)


# --- funnel ------------------------------------------------------------------------------


def _funnel_delta(low: int, high: int) -> QuerySet:  # type: ignore[type-arg]
    rows = LifecycleTransition.objects.filter(id__gt=low, id__lte=high).order_by()
    return (
        rows.annotate(
            m=_month_expr("at", rows),
            c=Coalesce("campaign_id", _zero()),
            o=Coalesce("owner_id", _zero()),
            b=_bucket_case("seconds_in_previous", FUNNEL_EDGES),
        )
        .values("m", "from_stage", "to_stage", "source", "segment", "c", "o", "b")
        .annotate(
            n=Count("id"),
            t=Count("seconds_in_previous"),
            s=Coalesce(Sum("seconds_in_previous"), _zero()),
        )
    )


def _fold_funnel(low: int, high: int) -> None:
    table = FunnelRollup._meta.db_table
    delta = "leads_funnel_delta"
    sums = ["count", "timed", "sum_seconds", *(f"d{i}" for i in range(FUNNEL_BUCKETS))]
    sql, params = _sql(_funnel_delta(low, high))
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {delta}")
        cursor.execute(f"CREATE TEMPORARY TABLE {delta} AS {sql}", params)
        for grain, keeps_campaign, keeps_owner in GRAINS:
            campaign = "c" if keeps_campaign else "0"
            owner = "o" if keeps_owner else "0"
            group = ["m", "from_stage", "to_stage", "source", "segment"]
            group += ["c"] if keeps_campaign else []
            group += ["o"] if keeps_owner else []
            bins = ", ".join(
                f"SUM(CASE WHEN b = {i} THEN t ELSE 0 END)" for i in range(FUNNEL_BUCKETS)
            )
            # Built from constants and column names only; values travel as parameters.
            select = (
                f"SELECT {grain}, m, from_stage, to_stage, source, segment, {campaign}, {owner}, "  # noqa: S608
                f"SUM(n), SUM(t), SUM(s), {bins} FROM {delta} WHERE 1 = 1 "
                f"GROUP BY {', '.join(group)}"
            )
            cursor.execute(_upsert(table, ("grain", *_FUNNEL_KEY), sums, select))
        cursor.execute(f"DROP TABLE {delta}")


# --- speed to lead -------------------------------------------------------------------------


def _speed_delta(low: int, high: int) -> QuerySet:  # type: ignore[type-arg]
    answered = Event.objects.filter(
        id__gt=low, id__lte=high, type__in=ANSWER_EVENTS, subject_type="leads.handoff"
    ).values("subject_id")
    within = {f"w{h}": Count("id", filter=Q(response_seconds__lte=h * HOUR)) for h in WITHIN_HOURS}
    rows = Handoff.objects.filter(
        pk__in=answered,
        status__in=(Handoff.Status.ACCEPTED, Handoff.Status.REJECTED),
        response_seconds__isnull=False,
    ).order_by()
    return (
        rows.annotate(
            m=_month_expr("handed_at", rows),
            a=Coalesce("assignee_id", _zero()),
            b=_bucket_case("response_seconds", SPEED_EDGES),
            tid=F("team_id"),
        )
        .values("m", "tid", "a", "source", "status", "b")
        .annotate(n=Count("id"), s=Sum("response_seconds"), **within)
    )


def _fold_speed(low: int, high: int) -> None:
    table = SpeedRollup._meta.db_table
    within = [f"within_{h}h" for h in WITHIN_HOURS]
    sums = ["count", "sum_seconds", *within, *(f"m{i}" for i in range(SPEED_BUCKETS))]
    sql, params = _sql(_speed_delta(low, high))
    bins = ", ".join(f"SUM(CASE WHEN b = {i} THEN n ELSE 0 END)" for i in range(SPEED_BUCKETS))
    ws = ", ".join(f"SUM(w{h})" for h in WITHIN_HOURS)
    # Constants and column names only; values travel as parameters.
    select = (
        f"SELECT m, tid, a, source, status, SUM(n), SUM(s), {ws}, {bins} "  # noqa: S608
        f"FROM ({sql}) d WHERE 1 = 1 GROUP BY m, tid, a, source, status"
    )
    with connection.cursor() as cursor:
        cursor.execute(_upsert(table, _SPEED_KEY, sums, select), params)


# --- entry points --------------------------------------------------------------------------

_SOURCES = {
    FUNNEL: (LifecycleTransition._meta.db_table, _fold_funnel),
    SPEED: (Event._meta.db_table, _fold_speed),
}


def _refresh_one(name: str, *, rebuild: bool = False) -> int:
    table, fold = _SOURCES[name]
    if not rebuild:
        # Fast path without any lock: most report views find nothing new.
        last = ReportWatermark.objects.filter(name=name).values_list("last_id", flat=True)
        if last and _max_id(table) <= last[0]:
            return 0
    bound = _settled_bound(table)
    if bound == -1:
        return 0
    with transaction.atomic():
        mark = _locked_watermark(name)
        if rebuild:
            model = FunnelRollup if name == FUNNEL else SpeedRollup
            model.objects.all().delete()
            mark.last_id = 0
        high = _max_id(table) if bound is None else bound
        if high <= mark.last_id:
            return 0
        fold(mark.last_id, high)
        folded = high - mark.last_id
        mark.last_id = high
        mark.refreshed_at = timezone.now()
        mark.save(update_fields=["last_id", "refreshed_at"])
    return folded


def refresh() -> dict[str, int]:
    """Fold rows newer than the watermarks in; returns the id span folded per rollup.

    A database busy with a long write (an import) makes it give up after the
    lock timeout rather than fail the report: the next refresh catches up.
    """
    folded = {}
    for name in (FUNNEL, SPEED):
        try:
            folded[name] = _refresh_one(name)
        except OperationalError:
            log.warning("report refresh of %s skipped: database busy", name)
            folded[name] = 0
    return folded


def rebuild(only: Sequence[str] = (FUNNEL, SPEED)) -> dict[str, int]:
    """Empty the rollups and fold every row in again (repair; also the first build)."""
    return {name: _refresh_one(name, rebuild=True) for name in only}
