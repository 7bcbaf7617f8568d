"""Keeping the scorecard rollups current: incremental ``refresh()``, full ``rebuild()``.

Obligations change in place (open → breached → late, waived after a
dispute), so an id watermark is not enough: every writer sets
``Obligation.changed_at`` to the wall clock, and a refresh recomputes the
whole (term, day) groups of the rows changed since the stored watermark
(delete the group's rollup rows, insert them again from the obligations,
set-based). Recomputing whole groups makes it idempotent: folding a row twice
cannot count it twice.

Races: a writer's ``changed_at`` is taken before its transaction commits, so
a row may become visible with a ``changed_at`` a little older than the last
refresh. The refresh a page calls looks only past its watermark (cheap right
after a change); the periodic one (``settle=True``, every 5 minutes) keeps its
own watermark and looks back ``OVERLAP`` before it, so a late commit is
folded in within minutes; groups seen twice are simply recomputed again. Two
refreshes at once are serialised by the lock on the page watermark's row.

Deleted obligations (an engine rebuild) leave no ``changed_at`` behind: the
engine rebuild must end with ``rebuild()`` here.

Days are site-local (``settings.TIME_ZONE``). On PostgreSQL the database
converts; on SQLite the UTC offset comes from a CASE over the offset changes
(daylight saving) the rows span, computed here, so it stays in SQL.
"""

from __future__ import annotations

import logging
import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import OperationalError, connection, transaction
from django.db.models import Max, Min
from django.utils import timezone

from interlock.agreements.models import Obligation, ScoreRollup, ScoreWatermark
from interlock.agreements.models.rollups import HIST_BUCKETS

log = logging.getLogger(__name__)

NAME = "scorecards"
SETTLED = "scorecards-settled"
# How far back the periodic refresh looks before its watermark (longest writer transaction).
OVERLAP = timedelta(minutes=2)
# Upper edges (inclusive, business seconds) of the histogram buckets: 39 edges,
# log-spaced from 5 minutes to 40 eight-hour business days; the last bucket is open.
# Each edge is ~24.3 % above the previous one.
_LOW, _HIGH = 300, 40 * 8 * 3600
HIST_EDGES: tuple[int, ...] = tuple(
    round(_LOW * math.exp(i * math.log(_HIGH / _LOW) / (HIST_BUCKETS - 2)))
    for i in range(HIST_BUCKETS - 1)
)
assert len(HIST_EDGES) + 1 == HIST_BUCKETS and HIST_EDGES[-1] == _HIGH

# team_id / assignee_id of the coarser grains: "all teams", "all people".
ALL = -1
COUNTS = ("opened", "on_time", "late", "breached_open", "waived", "open", "cancelled")
HIST = tuple(f"h{i}" for i in range(HIST_BUCKETS))


def bucket_of(seconds: int) -> int:
    return bisect_left(HIST_EDGES, seconds)


def quantile(histogram: Sequence[int], q: float) -> float | None:
    """The ``q`` quantile from bucket counts, interpolated inside its bucket.

    It lies in the same bucket as the exact nearest-rank value, so it is off by
    at most that bucket's width (< 25 % of the value above 5 minutes, < 5
    minutes below); in the open last bucket it is the bucket's lower edge.
    """
    total = sum(histogram)
    if total == 0:
        return None
    rank = max(1.0, q * total)
    seen = 0
    for index, count in enumerate(histogram):
        if count and seen + count >= rank:
            low = 0 if index == 0 else HIST_EDGES[index - 1]
            if index >= len(HIST_EDGES):
                return float(low)
            return low + (HIST_EDGES[index] - low) * (rank - seen) / count
        seen += count
    return float(HIST_EDGES[-1])


# --- days in the site's time zone ------------------------------------------------------------


def day_start(day: date) -> datetime:
    """The first moment of a site-local day (aware)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_default_timezone())


def local_day(at: datetime) -> date:
    return timezone.localtime(at, timezone.get_default_timezone()).date()


def _offset_changes(first: datetime, last: datetime) -> list[tuple[datetime, int]]:
    """[(from UTC moment, offset seconds)] covering first…last (offsets change at whole hours)."""
    zone = timezone.get_default_timezone()

    def offset(at: datetime) -> int:
        delta = at.astimezone(zone).utcoffset()
        return int(delta.total_seconds()) if delta else 0

    at = first.replace(minute=0, second=0, microsecond=0) - timedelta(days=1)
    segments = [(at, offset(at))]
    while at <= last + timedelta(days=1):
        following = at + timedelta(days=1)
        if offset(following) != segments[-1][1]:
            hour = at
            while offset(hour) == segments[-1][1]:
                hour += timedelta(hours=1)
            segments.append((hour, offset(hour)))
        at = following
    return segments


def day_sql(column: str, first: datetime, last: datetime) -> tuple[str, list[Any]]:
    """SQL for the site-local date of ``column``, valid for values in first…last."""
    if connection.vendor == "postgresql":
        return f"(({column}) AT TIME ZONE %s)::date", [settings.TIME_ZONE]
    segments = _offset_changes(first, last)
    if len(segments) == 1:
        return f"date({column}, %s)", [f"{segments[0][1]:+d} seconds"]
    whens: list[str] = []
    params: list[Any] = []
    for start, seconds in reversed(segments[1:]):
        whens.append(f"WHEN {column} >= %s THEN %s")
        params += [connection.ops.adapt_datetimefield_value(start), f"{seconds:+d} seconds"]
    params.append(f"{segments[0][1]:+d} seconds")
    return f"date({column}, CASE {' '.join(whens)} ELSE %s END)", params


# --- reading -------------------------------------------------------------------------------


def read_rows(
    keys: Sequence[str], where: str, params: Sequence[Any], *, grouped: bool
) -> list[tuple[Any, ...]]:
    """Rollup rows as tuples: ``keys`` then the counts and histogram (summed by ``keys``).

    Plain SQL, not the ORM: a scorecard reads about a thousand rows of 47 numbers, and
    Django's per-value converters would cost more than the query.
    """
    q = connection.ops.quote_name
    numbers = [q(c) for c in (*COUNTS, *HIST)]
    # PostgreSQL sums bigints as numeric (Decimal in Python): cast back.
    summed = ", ".join(f"CAST(SUM({c}) AS BIGINT)" for c in numbers)
    values = summed if grouped else ", ".join(numbers)
    group = f" GROUP BY {', '.join(keys)}" if grouped else ""
    table = q(ScoreRollup._meta.db_table)
    # Built from constants and column names only; values travel as parameters.
    sql = f"SELECT {', '.join(keys)}, {values} FROM {table} WHERE {where}{group}"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def from_db_day(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def to_db_day(value: date) -> Any:
    return connection.ops.adapt_datefield_value(value)


# --- the fold ----------------------------------------------------------------------------


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _bucket_sql() -> str:
    whens = " ".join(
        f"WHEN business_seconds <= {edge} THEN {i}" for i, edge in enumerate(HIST_EDGES)
    )
    return (
        "CASE WHEN business_seconds IS NULL OR status NOT IN ('fulfilled', 'late') THEN -1 "
        f"{whens} ELSE {len(HIST_EDGES)} END"
    )


def _insert_sql(where: str, day: str) -> str:
    """INSERT … SELECT of the rollup rows of the obligations matching ``where``.

    The inner query groups by bucket as well (few distinct rows), the outer one
    pivots buckets into the histogram columns: cheaper than 40 CASEs per row.
    """
    source = _q(Obligation._meta.db_table)
    table = _q(ScoreRollup._meta.db_table)
    columns = ["term_id", "agreement_id", "day", "team_id", "assignee_id", *COUNTS, *HIST]
    bins = ", ".join(f"SUM(CASE WHEN b = {i} THEN f ELSE 0 END)" for i in range(HIST_BUCKETS))
    # Built from constants and column names only; values travel as parameters.
    inner = (
        f"SELECT term_id, MAX(agreement_id) AS a, {day} AS d, "  # noqa: S608
        "COALESCE(team_id, 0) AS t, COALESCE(assignee_id, 0) AS p, "
        f"{_bucket_sql()} AS b, COUNT(*) AS n, "
        "SUM(CASE WHEN status = 'fulfilled' THEN 1 ELSE 0 END) AS s_on_time, "
        "SUM(CASE WHEN status = 'late' AND NOT waived THEN 1 ELSE 0 END) AS s_late, "
        "SUM(CASE WHEN status = 'breached' AND NOT waived THEN 1 ELSE 0 END) AS s_breached, "
        "SUM(CASE WHEN status IN ('late', 'breached') AND waived THEN 1 ELSE 0 END) AS s_waived, "
        "SUM(CASE WHEN status IN ('open', 'at_risk') THEN 1 ELSE 0 END) AS s_open, "
        "SUM(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END) AS s_cancelled, "
        "SUM(CASE WHEN status IN ('fulfilled', 'late') THEN 1 ELSE 0 END) AS f "
        f"FROM {source} WHERE {where} GROUP BY term_id, d, t, p, b"
    )
    return (
        f"INSERT INTO {table} ({', '.join(_q(c) for c in columns)}) "  # noqa: S608
        "SELECT term_id, MAX(a), d, t, p, SUM(n), SUM(s_on_time), SUM(s_late), "
        "SUM(s_breached), SUM(s_waived), SUM(s_open), SUM(s_cancelled), "
        f"{bins} FROM ({inner}) g GROUP BY term_id, d, t, p"
    )


def _totals_sql(where: str) -> list[str]:
    """INSERT … SELECT of the coarser grains from the finest rows matching ``where``.

    Per (term, day, team) with ``assignee_id = ALL``, and per (term, day) with both
    ``ALL``: a trend or an overview sums a thousand of those instead of every
    person's rows.
    """
    table = _q(ScoreRollup._meta.db_table)
    columns = ["term_id", "agreement_id", "day", "team_id", "assignee_id", *COUNTS, *HIST]
    sums = ", ".join(f"SUM({_q(c)})" for c in (*COUNTS, *HIST))
    into = f"INSERT INTO {table} ({', '.join(_q(c) for c in columns)}) "
    return [
        # Constants and column names only; values travel as parameters.
        f"{into}SELECT term_id, MAX(agreement_id), day, team_id, {ALL}, {sums} "  # noqa: S608
        f"FROM {table} WHERE assignee_id <> {ALL} AND {where} GROUP BY term_id, day, team_id",
        f"{into}SELECT term_id, MAX(agreement_id), day, {ALL}, {ALL}, {sums} "  # noqa: S608
        f"FROM {table} WHERE assignee_id <> {ALL} AND {where} GROUP BY term_id, day",
    ]


def _fold_all() -> None:
    span = Obligation.objects.aggregate(first=Min("opened_at"), last=Max("opened_at"))
    ScoreRollup.objects.all().delete()
    if span["first"] is None:
        return
    day, params = day_sql("opened_at", span["first"], span["last"])
    with connection.cursor() as cursor:
        cursor.execute(_insert_sql("1 = 1", day), params)
        for sql in _totals_sql("1 = 1"):
            cursor.execute(sql)


def _runs(days: Iterable[date]) -> list[tuple[date, date]]:
    """Consecutive days as (first, last) runs."""
    runs: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if runs and day == runs[-1][1] + timedelta(days=1):
            runs[-1] = (runs[-1][0], day)
        else:
            runs.append((day, day))
    return runs


def _fold_groups(groups: dict[int, set[date]]) -> int:
    """Recompute the rollup rows of each (term, day) group; returns how many groups."""
    table = _q(ScoreRollup._meta.db_table)
    done = 0
    with connection.cursor() as cursor:
        for term_id, days in groups.items():
            for first, last in _runs(days):
                low, high = day_start(first), day_start(last + timedelta(days=1))
                day, params = day_sql("opened_at", low, high)
                cursor.execute(
                    f"DELETE FROM {table} WHERE term_id = %s AND day >= %s AND day <= %s",  # noqa: S608
                    [term_id, first, last],
                )
                bounds = [connection.ops.adapt_datetimefield_value(v) for v in (low, high)]
                cursor.execute(
                    _insert_sql("term_id = %s AND opened_at >= %s AND opened_at < %s", day),
                    [*params, term_id, *bounds],
                )
                for sql in _totals_sql("term_id = %s AND day >= %s AND day <= %s"):
                    cursor.execute(sql, [term_id, first, last])
                done += (last - first).days + 1
    return done


def _changed_groups(since: datetime) -> dict[int, set[date]]:
    changed = Obligation.objects.filter(changed_at__gt=since).order_by()
    groups: dict[int, set[date]] = {}
    for term_id, opened_at in changed.values_list("term_id", "opened_at").iterator(chunk_size=5000):
        groups.setdefault(term_id, set()).add(local_day(opened_at))
    return groups


def _watermark(name: str, *, lock: bool = False) -> ScoreWatermark:
    ScoreWatermark.objects.get_or_create(name=name)
    rows = ScoreWatermark.objects.select_for_update() if lock else ScoreWatermark.objects
    return rows.get(name=name)


def refresh(*, settle: bool = False) -> int:
    """Recompute the groups of obligations changed since the last refresh; returns the
    number of (term, day) groups recomputed (0 and one indexed query when nothing changed).

    Pages call it plainly: rows changed after the last refresh began. The periodic task
    calls it with ``settle=True`` and its own watermark, looking back ``OVERLAP`` for rows
    whose writer committed late. A database busy with a long write makes it give up
    rather than fail the page: the next refresh catches up.
    """
    started = timezone.now()  # wall clock, like the writers' changed_at
    name, lookback = (SETTLED, OVERLAP) if settle else (NAME, timedelta(0))
    mark = ScoreWatermark.objects.filter(name=name).values_list("folded_to", flat=True).first()
    if mark is not None and not Obligation.objects.filter(changed_at__gt=mark - lookback).exists():
        return 0
    try:
        with transaction.atomic():
            # One lock for every fold: two folds of the same group at once would
            # insert its rows twice (PostgreSQL) or wait anyway (SQLite).
            lock = _watermark(NAME, lock=True)
            watermark = lock if name == NAME else _watermark(name)
            if watermark.folded_to is None:
                _fold_all()
                done = ScoreRollup.objects.count()
                marks = [lock, _watermark(SETTLED)]
            else:
                done = _fold_groups(_changed_groups(watermark.folded_to - lookback))
                marks = [watermark]
            for each in marks:
                each.folded_to = started
                each.refreshed_at = timezone.now()
                each.save(update_fields=["folded_to", "refreshed_at"])
    except OperationalError:
        log.warning("scorecard refresh skipped: database busy")
        return 0
    return done


def rebuild() -> int:
    """Empty the rollups and compute them from every obligation; returns the rows written."""
    started = timezone.now()
    with transaction.atomic():
        marks = [_watermark(NAME, lock=True), _watermark(SETTLED)]
        _fold_all()
        for each in marks:
            each.folded_to = started
            each.refreshed_at = timezone.now()
            each.save(update_fields=["folded_to", "refreshed_at"])
    return ScoreRollup.objects.count()
