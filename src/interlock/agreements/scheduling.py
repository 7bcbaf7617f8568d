"""Due and at-risk moments in the receiver team's business calendar.

Every time term counts business hours of the team that must act (the
agreement's receiver). The calendar of a team is read once and kept per
process as a :class:`CalendarSpec`; a save or delete of a calendar, its
working hours or company holidays drops the team's entry at once (signals),
and entries expire after ``TTL`` seconds so other processes see changes
made elsewhere (bulk updates that send no signal) within a minute.

A calendar without working hours (or a team without a calendar) never lets
business hours elapse: instead of failing, the moments are counted in plain
clock hours and ``Deadline.problem`` says why, so nothing is lost.
"""

from __future__ import annotations

import bisect
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _

from interlock.org import business_time
from interlock.org.business_time import CalendarSpec
from interlock.org.calendars import spec_for
from interlock.org.models import BusinessCalendar, CompanyHoliday, WorkingHours

TTL = 60.0

NO_HOURS = _(
    "The receiver team's calendar has no working hours; the due time counts plain clock hours."
)

_lock = threading.Lock()
_cache: dict[int, tuple[float, CalendarSpec | None]] = {}


def clear_cache(team_id: int | None = None) -> None:
    _indexes.clear()
    with _lock:
        if team_id is None:
            _cache.clear()
        else:
            _cache.pop(team_id, None)


def spec_for_team(team_id: int) -> CalendarSpec | None:
    """The team's calendar spec, or None when the team has none (cached, see module doc)."""
    hit = _cache.get(team_id)
    if hit is not None and hit[0] > time.monotonic():
        return hit[1]
    calendar = (
        BusinessCalendar.objects.prefetch_related("hours", "company_holidays")
        .filter(team_id=team_id)
        .first()
    )
    spec = None
    if calendar is not None:
        try:
            spec = spec_for(calendar)
        except (ValueError, TypeError):  # an unusable calendar counts as "no working hours"
            spec = None
    with _lock:
        _cache[team_id] = (time.monotonic() + TTL, spec)
    return spec


def _usable(spec: CalendarSpec | None) -> CalendarSpec | None:
    return spec if spec is not None and spec.has_working_time else None


def _clock(hours: Decimal | float | int) -> timedelta:
    return timedelta(seconds=float(Decimal(str(hours)) * 3600))


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


@dataclass(frozen=True)
class Deadline:
    due_at: datetime
    at_risk_at: datetime | None
    problem: str = ""


class _Index:
    """A calendar's working intervals over a span, with cumulative business time.

    Built from ``business_time.working_intervals`` (so it agrees with it to
    the microsecond) and answered by bisection: a rebuild asks millions of
    times, each in a few microseconds instead of a walk over the days.
    """

    SPAN = timedelta(days=400)

    def __init__(self, spec: CalendarSpec, lo: datetime, hi: datetime) -> None:
        self.lo, self.hi = lo, hi
        self.lo_m, self.hi_m = _micros(lo), _micros(hi)
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.cum_end: list[int] = []
        total = 0
        for s, e in business_time.working_intervals(spec, start=lo, end=hi):
            a, b = _micros(s), _micros(e)
            total += b - a
            self.starts.append(a)
            self.ends.append(b)
            self.cum_end.append(total)

    def covers(self, at: datetime) -> bool:
        return self.lo <= at <= self.hi

    def cum_at(self, at: int) -> int:
        i = bisect.bisect_right(self.starts, at) - 1
        if i < 0:
            return 0
        before = self.cum_end[i] - (self.ends[i] - self.starts[i])
        return before + max(0, min(at, self.ends[i]) - self.starts[i])

    def add(self, start: datetime, micros: int) -> datetime | None:
        target = self.cum_at(_micros(start)) + micros
        i = bisect.bisect_left(self.cum_end, target)
        if i >= len(self.cum_end):
            return None  # beyond the span
        return _EPOCH + timedelta(microseconds=self.ends[i] - (self.cum_end[i] - target))

    def add_m(self, start: int, micros: int) -> int | None:
        """:meth:`add` in microseconds since the epoch (None: beyond the span)."""
        target = self.cum_at(start) + micros
        i = bisect.bisect_left(self.cum_end, target)
        if i >= len(self.cum_end):
            return None
        return self.ends[i] - (self.cum_end[i] - target)


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_indexes: dict[CalendarSpec, _Index] = {}


def _micros(at: datetime) -> int:
    return (at - _EPOCH) // timedelta(microseconds=1)


def _index(spec: CalendarSpec, start: datetime, end: datetime | None = None) -> _Index:
    index = _indexes.get(spec)
    last = end or start
    if index is None or not (index.covers(start) and index.covers(last)):
        lo = min(start, index.lo if index else start) - timedelta(days=7)
        hi = max(last, index.hi if index else last) + _Index.SPAN
        if len(_indexes) > 64:
            _indexes.clear()
        index = _indexes[spec] = _Index(spec, lo, hi)
    return index


def _add(
    spec: CalendarSpec | None, start: datetime, hours: Decimal | float | int
) -> tuple[datetime, bool]:
    """``start`` plus ``hours`` business hours, and whether the calendar could count them."""
    if not hours:
        return _utc(start), True
    usable = _usable(spec)
    if usable is not None:
        micros = business_time._hours_to_timedelta(hours) // timedelta(microseconds=1)
        found = _index(usable, start).add(start, micros)
        if found is not None:
            return found, True
        try:  # further than the index reaches: walk the days
            return _utc(business_time.add_business_hours(usable, start=start, hours=hours)), True
        except ValueError:  # e.g. every working day for years is a holiday
            pass
    return _utc(start + _clock(hours)), False


def add_hours(spec: CalendarSpec | None, start: datetime, hours: Decimal | float | int) -> datetime:
    """``start`` plus ``hours`` business hours (plain hours without working time)."""
    return _add(spec, start, hours)[0]


def between(spec: CalendarSpec | None, start: datetime, end: datetime) -> timedelta:
    """Business time from ``start`` to ``end`` (clock time without working time)."""
    usable = _usable(spec)
    if usable is None:
        return end - start
    if end < start:
        return -between(spec, end, start)
    index = _index(usable, start, end)
    return timedelta(microseconds=index.cum_at(_micros(end)) - index.cum_at(_micros(start)))


def micros(at: datetime) -> int:
    """Microseconds since the epoch (the unit of :class:`MicroClock`)."""
    return _micros(at)


def from_micros(value: int) -> datetime:
    return _EPOCH + timedelta(microseconds=value)


class MicroClock:
    """:func:`deadline` and :func:`between` of one term, in integer microseconds.

    For bulk work (a replay computes millions of deadlines): the business
    hours are converted once, and the calendar index is asked directly.
    Only for a calendar with working time and a term with hours; every
    method returns None when the answer lies outside the index, and the
    caller then takes the general path (same results, just slower).
    """

    def __init__(self, spec: CalendarSpec, hours: Decimal, at_risk_percent: int | None) -> None:
        self.spec = spec
        total = Decimal(hours)
        one = timedelta(microseconds=1)
        self.due_micros = business_time._hours_to_timedelta(total) // one
        self.risk_micros: int | None = None
        if at_risk_percent:
            part = total * Decimal(at_risk_percent) / 100
            self.risk_micros = business_time._hours_to_timedelta(part) // one
        self.index: _Index | None = None

    @classmethod
    def for_term(
        cls, spec: CalendarSpec | None, hours: Decimal | None, at_risk_percent: int | None
    ) -> MicroClock | None:
        usable = _usable(spec)
        if usable is None or not hours:
            return None
        return cls(usable, hours, at_risk_percent)

    def _covering(self, start: int, end: int) -> _Index:
        index = self.index
        if index is None or not (index.lo_m <= start and end <= index.hi_m):
            index = self.index = _index(self.spec, from_micros(start), from_micros(end))
        return index

    def deadline(self, start: int) -> tuple[int, int | None] | None:
        """(due, at risk) for a deliverable delivered at ``start``."""
        index = self._covering(start, start)
        due = index.add_m(start, self.due_micros)
        if due is None:
            return None
        if self.risk_micros is None:
            return due, None
        risk = index.add_m(start, self.risk_micros)
        if risk is None:
            return None
        return due, min(risk, due)

    def between(self, start: int, end: int) -> int:
        """Business microseconds from ``start`` to ``end`` (``start <= end``)."""
        index = self._covering(start, end)
        return index.cum_at(end) - index.cum_at(start)


def deadline(
    spec: CalendarSpec | None,
    *,
    start: datetime,
    hours: Decimal | None,
    at_risk_percent: int | None,
    due_at: datetime | None = None,
) -> Deadline:
    """When a term measured from ``start`` is due, and when it is at risk.

    ``due_at`` given (the kind named a deadline): it wins over ``hours``, and
    the at-risk moment is ``at_risk_percent`` % of the business time up to it.
    """
    if due_at is not None:
        total = between(spec, start, due_at) if due_at > start else timedelta(0)
        total_hours = Decimal(total.total_seconds()) / 3600
        due, counted = _utc(due_at), _usable(spec) is not None
    else:
        total_hours = Decimal(hours or 0)
        due, counted = _add(spec, start, total_hours)
    at_risk = None
    if at_risk_percent:
        part = total_hours * Decimal(at_risk_percent) / 100
        at_risk = min(_add(spec, start, part)[0], due)
    return Deadline(due_at=due, at_risk_at=at_risk, problem="" if counted else str(NO_HOURS))


def on_calendar_change(sender: Any, instance: Any, **kwargs: Any) -> None:
    clear_cache()


for _model in (BusinessCalendar, WorkingHours, CompanyHoliday):
    post_save.connect(
        on_calendar_change, sender=_model, weak=False, dispatch_uid=f"agreements.{_model.__name__}"
    )
    post_delete.connect(
        on_calendar_change,
        sender=_model,
        weak=False,
        dispatch_uid=f"agreements.{_model.__name__}.delete",
    )
