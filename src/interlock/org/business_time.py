"""Business-hours arithmetic on a team's business calendar.

Pure Python (no Django): a :class:`CalendarSpec` describes a team's weekly working
windows in local wall time, its time zone and its closed days; the functions below add
business hours to an instant and measure business hours between two instants.

Conventions (relied on by callers computing due times):

* Every datetime passed in must be timezone-aware (``ValueError`` otherwise); every
  datetime returned is expressed in the calendar's time zone.
* Durations are exact :class:`~datetime.timedelta` values at microsecond resolution.
  Working time is real elapsed time: a 09:00-17:00 window lasts 8 hours on an ordinary
  day, and one hour less or more if a DST change falls inside it.
* DST edges: each local window edge is combined with its date using ``fold=0`` and
  converted to UTC. An edge in a *non-existent* local time (spring-forward gap) is thus
  read with the offset in force before the gap, i.e. pushed forward by the gap's length
  (02:30 in Berlin on the spring-forward day becomes 03:30 CEST). An edge in an
  *ambiguous* local time (fall-back overlap) is its first occurrence. After conversion
  a window is clipped to its own local day and to the end of the day's previous window,
  so windows never overlap in UTC; a window that collapses to nothing is dropped
  (e.g. 02:30-03:15 on the spring-forward day).
* ``add_business_hours`` with zero hours returns ``start`` unchanged (in the calendar's
  zone), even outside working time. When the hours run out exactly at the end of a
  window, the result is that window's end, not the start of the next one.
* ``business_hours_between`` with ``end < start`` returns the negative of the span the
  other way round, so it stays additive for any order of arguments.
* A window may end at ``time(0)``, read as midnight at the end of its day (24:00), so
  round-the-clock calendars can be written.

Cost is linear in the calendar days spanned, never in minutes: a few microseconds per
working day, with holiday sets cached per year and computed days cached. 10,000 business
hours take ~10-20 ms on first use and ~2 ms once cached. Whole weeks are not skipped
arithmetically: proving a week free of UTC-offset changes costs as much as walking it
with zoneinfo, and the walk is exact by construction.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

__all__ = [
    "CalendarSpec",
    "WorkingWindow",
    "add_business_hours",
    "business_hours_between",
    "is_holiday",
    "working_intervals",
]

UTC = dt.UTC
_MIDNIGHT = dt.time(0)
_ONE_DAY = dt.timedelta(days=1)
_ZERO = dt.timedelta(0)
# Longest stretch without any working time that add_business_hours tolerates before it
# concludes that the calendar is (effectively) always closed.
_MAX_IDLE_DAYS = 366 * 3
_MICROSECONDS_PER_HOUR = 3_600_000_000


@dataclass(frozen=True)
class WorkingWindow:
    """One window of working time on one weekday, in local wall time.

    ``end`` must be after ``start``; ``end=time(0)`` means midnight at the end of the day.
    Windows cannot cross midnight: split them over two weekdays instead.
    """

    start: dt.time
    end: dt.time

    def __post_init__(self) -> None:
        for name in ("start", "end"):
            value = getattr(self, name)
            if not isinstance(value, dt.time):
                raise TypeError(f"WorkingWindow.{name} must be a datetime.time, got {value!r}")
            if value.tzinfo is not None:
                raise ValueError(
                    f"WorkingWindow.{name} must be a naive wall time; the zone comes from "
                    f"the CalendarSpec, got {value!r}"
                )
            # fold=0 is the documented rule for ambiguous edges; a fold=1 time would
            # silently pick the second occurrence instead.
            if value.fold:
                object.__setattr__(self, name, value.replace(fold=0))
        if not self.ends_at_midnight and self.end <= self.start:
            raise ValueError(
                f"WorkingWindow end {self.end.isoformat()} must be after start "
                f"{self.start.isoformat()}; windows cannot cross midnight (use time(0) as "
                "end for a window that runs to midnight, and split overnight shifts)"
            )

    @property
    def ends_at_midnight(self) -> bool:
        """True when the window runs until 24:00 (written as ``end=time(0)``)."""
        return self.end == _MIDNIGHT


def _window_sort_key(window: WorkingWindow) -> tuple[dt.time, bool]:
    return window.start, window.ends_at_midnight


@dataclass(frozen=True)
class CalendarSpec:
    """A team's business calendar.

    ``week`` maps weekday numbers (0=Monday .. 6=Sunday) to that day's working windows,
    sorted and non-overlapping (touching is fine). Missing weekdays have no working time.
    Public holidays come from the ``holidays`` package for ``country``/``subdivision``;
    ``company_holidays`` are further closed days.
    """

    timezone: str
    # Excluded from the hash (mappings are unhashable) but still compared, so specs stay
    # hashable and can key caches.
    week: Mapping[int, tuple[WorkingWindow, ...]] = field(hash=False)
    country: str | None = None
    subdivision: str | None = None
    company_holidays: frozenset[dt.date] = frozenset()

    def __post_init__(self) -> None:
        _zone(self.timezone)  # raises ValueError for unknown zones
        object.__setattr__(self, "week", _validated_week(self.week))
        company = frozenset(self.company_holidays)
        for day in company:
            if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
                raise TypeError(f"company_holidays must contain dates, got {day!r}")
        object.__setattr__(self, "company_holidays", company)
        if self.subdivision is not None and self.country is None:
            raise ValueError("CalendarSpec.subdivision needs a country")
        if self.country is not None:
            try:
                _holiday_calendar(self.country, self.subdivision)
            except NotImplementedError as exc:  # how `holidays` reports unknown codes
                raise ValueError(f"Unknown holiday country/subdivision: {exc}") from None

    @classmethod
    def standard(
        cls,
        *,
        timezone: str = "Europe/Berlin",
        country: str | None = "DE",
        subdivision: str | None = None,
        start: dt.time = dt.time(9),
        end: dt.time = dt.time(17),
        weekdays: Iterable[int] = range(5),
        company_holidays: Iterable[dt.date] = (),
    ) -> CalendarSpec:
        """One window ``start``-``end`` on each of ``weekdays`` (default Mon-Fri 9-17)."""
        window = WorkingWindow(start=start, end=end)
        return cls(
            timezone=timezone,
            week={day: (window,) for day in weekdays},
            country=country,
            subdivision=subdivision,
            company_holidays=frozenset(company_holidays),
        )

    @property
    def has_working_time(self) -> bool:
        """False when no weekday has any window (such a calendar is always closed)."""
        return any(self.week.values())


def _validated_week(week: Any) -> Mapping[int, tuple[WorkingWindow, ...]]:
    if not isinstance(week, Mapping):
        raise TypeError(f"CalendarSpec.week must be a mapping of weekday -> windows, got {week!r}")
    result: dict[int, tuple[WorkingWindow, ...]] = {}
    for day, raw_windows in week.items():
        if isinstance(day, bool) or not isinstance(day, int) or not 0 <= day <= 6:
            raise ValueError(
                f"CalendarSpec.week keys must be weekdays 0 (Mon)..6 (Sun), got {day!r}"
            )
        windows = tuple(raw_windows)
        for window in windows:
            if not isinstance(window, WorkingWindow):
                raise TypeError(f"weekday {day}: expected WorkingWindow, got {window!r}")
        for before, after in itertools.pairwise(windows):
            if _window_sort_key(after) < _window_sort_key(before):
                raise ValueError(f"weekday {day}: windows must be sorted by start time")
            if before.ends_at_midnight or before.end > after.start:
                raise ValueError(
                    f"weekday {day}: windows {before.start}-{before.end} and "
                    f"{after.start}-{after.end} overlap"
                )
        # Dropping empty days keeps equality independent of how "closed" was spelled.
        if windows:
            result[day] = windows
    return MappingProxyType(dict(sorted(result.items())))


# --------------------------------------------------------------------------- caches


@lru_cache(maxsize=64)
def _zone(name: str) -> ZoneInfo:
    if not isinstance(name, str) or not name:
        raise ValueError(f"Unknown time zone {name!r}")
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"Unknown time zone {name!r}") from None


@lru_cache(maxsize=64)
def _holiday_calendar(country: str, subdivision: str | None) -> holidays.HolidayBase:
    # One lazily expanding holidays object per (country, subdivision).
    return holidays.country_holidays(country, subdiv=subdivision)


# The holidays object fills in years on first lookup, mutating itself; serialise that.
_HOLIDAY_LOCK = threading.Lock()


@lru_cache(maxsize=1024)
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[dt.date]:
    # A frozenset per year turns the per-day check into a plain set lookup. `holidays`
    # puts each year's dates (observed ones included, e.g. US New Year's Day observed on
    # 31 December) into that year's own expansion, so filtering by year loses nothing.
    calendar = _holiday_calendar(country, subdivision)
    with _HOLIDAY_LOCK:
        _ = dt.date(year, 1, 1) in calendar  # expands `year` if not done yet
        return frozenset(day for day in calendar if day.year == year)


# eq=False: hashed by identity, which is cheap and sound because _prepare hands out one
# instance per spec; it keys the per-day cache below.
@dataclass(frozen=True, eq=False)
class _Prepared:
    """Per-spec data the day loop needs, looked up once per call."""

    zone: ZoneInfo
    # Index = weekday; each entry: (start, end or None for 24:00).
    windows: tuple[tuple[tuple[dt.time, dt.time | None], ...], ...]
    country: str | None
    subdivision: str | None
    company_holidays: frozenset[dt.date]


@lru_cache(maxsize=256)
def _prepare(spec: CalendarSpec) -> _Prepared:
    windows = tuple(
        tuple((w.start, None if w.ends_at_midnight else w.end) for w in spec.week.get(day, ()))
        for day in range(7)
    )
    return _Prepared(
        zone=_zone(spec.timezone),
        windows=windows,
        country=spec.country,
        subdivision=spec.subdivision,
        company_holidays=spec.company_holidays,
    )


# ----------------------------------------------------------------------------- core


def _closed(prep: _Prepared, day: dt.date) -> bool:
    if day in prep.company_holidays:
        return True
    if prep.country is None:
        return False
    return day in _public_holidays(prep.country, prep.subdivision, day.year)


def _to_utc(day: dt.date, wall: dt.time, zone: ZoneInfo) -> dt.datetime:
    # fold=0 (the default of `wall`) is the documented rule for gaps and overlaps.
    return dt.datetime.combine(day, wall, tzinfo=zone).astimezone(UTC)


# Due times are computed over and over for the same calendars and nearby dates; caching
# days makes repeat walks several times faster. Entries are small immutable tuples.
@lru_cache(maxsize=16_384)
def _day_intervals(prep: _Prepared, day: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
    """Working intervals of one local day, in UTC, sorted and disjoint."""
    windows = prep.windows[day.weekday()]
    if not windows or _closed(prep, day):
        return ()
    zone = prep.zone
    day_start = _to_utc(day, _MIDNIGHT, zone)
    # Day ends at the next local midnight; MAXYEAR's last day simply ends at datetime.max.
    day_end = (
        _to_utc(day + _ONE_DAY, _MIDNIGHT, zone)
        if day < dt.date.max
        else dt.datetime.max.replace(tzinfo=UTC)
    )
    result: list[tuple[dt.datetime, dt.datetime]] = []
    floor = day_start
    for wall_start, wall_end in windows:
        start = max(_to_utc(day, wall_start, zone), floor)
        end = day_end if wall_end is None else min(_to_utc(day, wall_end, zone), day_end)
        # Clipping keeps intervals disjoint even where a gap pushes an edge forward past
        # the next window's start; collapsed windows are dropped.
        if end > start:
            result.append((start, end))
            floor = end
    return tuple(result)


def _require_aware(name: str, value: dt.datetime) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise TypeError(f"{name} must be a datetime, got {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


def _local_date(instant_utc: dt.datetime, zone: ZoneInfo) -> dt.date:
    return instant_utc.astimezone(zone).date()


def _days(first: dt.date, last: dt.date | None = None) -> Iterator[dt.date]:
    """Dates from ``first`` to ``last`` inclusive (open-ended if None), clamped to the
    representable range."""
    day = first
    while last is None or day <= last:
        yield day
        if day == dt.date.max:
            return
        day += _ONE_DAY


def _span_days(start_utc: dt.datetime, end_utc: dt.datetime, zone: ZoneInfo) -> Iterator[dt.date]:
    # One day of margin either side: a window edge normalised across a gap can land on
    # an instant whose local date differs from the window's own date.
    first = _local_date(start_utc, zone)
    first = first - _ONE_DAY if first > dt.date.min else first
    last = _local_date(end_utc, zone)
    last = last + _ONE_DAY if last < dt.date.max else last
    return _days(first, last)


def _utc_intervals(
    prep: _Prepared, start_utc: dt.datetime, end_utc: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Working time intersected with [start_utc, end_utc), in UTC."""
    if end_utc <= start_utc:
        return
    for day in _span_days(start_utc, end_utc, prep.zone):
        for s, e in _day_intervals(prep, day):
            if e <= start_utc:
                continue
            if s >= end_utc:
                return
            yield max(s, start_utc), min(e, end_utc)


def _hours_to_timedelta(hours: Decimal | float | int | dt.timedelta) -> dt.timedelta:
    if isinstance(hours, dt.timedelta):
        result = hours
    elif isinstance(hours, bool):
        raise TypeError("hours must be a number or a timedelta, not a bool")
    elif isinstance(hours, Decimal):
        if not hours.is_finite():
            raise ValueError(f"hours must be finite, got {hours}")
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        micros = (hours * _MICROSECONDS_PER_HOUR).to_integral_value(rounding=ROUND_HALF_EVEN)
        result = _checked_timedelta(microseconds=int(micros))
    elif isinstance(hours, int):
        result = _checked_timedelta(hours=hours)
    elif isinstance(hours, float):
        if not math.isfinite(hours):
            raise ValueError(f"hours must be finite, got {hours}")
        if hours < 0:
            raise ValueError(f"hours must not be negative, got {hours}")
        result = _checked_timedelta(hours=hours)  # rounds half-even to microseconds
    else:
        raise TypeError(f"hours must be Decimal, float, int or timedelta, got {hours!r}")
    if result < _ZERO:
        raise ValueError(f"hours must not be negative, got {hours!r}")
    return result


def _checked_timedelta(**kwargs: float) -> dt.timedelta:
    try:
        return dt.timedelta(**kwargs)
    except OverflowError:
        raise ValueError(f"hours out of range: {kwargs}") from None


# --------------------------------------------------------------------------- public


def is_holiday(spec: CalendarSpec, day: dt.date) -> bool:
    """True if ``day`` is a public holiday of the spec's country/subdivision or a company
    holiday. Weekends are not holidays; they simply have no windows."""
    if isinstance(day, dt.datetime) or not isinstance(day, dt.date):
        raise TypeError(f"is_holiday takes a date (a local calendar day), got {day!r}")
    return _closed(_prepare(spec), day)


def working_intervals(
    spec: CalendarSpec, *, start: dt.datetime, end: dt.datetime
) -> Iterator[tuple[dt.datetime, dt.datetime]]:
    """Intervals of working time intersecting ``[start, end)``, clipped to it, in order.

    Each interval is a pair of aware datetimes in the spec's zone; intervals are
    disjoint. Nothing is yielded when ``end <= start``. Arguments are checked eagerly.
    """
    start_utc = _require_aware("start", start)
    end_utc = _require_aware("end", end)
    prep = _prepare(spec)
    zone = prep.zone
    return (
        (s.astimezone(zone), e.astimezone(zone))
        for s, e in _utc_intervals(prep, start_utc, end_utc)
    )


def add_business_hours(
    spec: CalendarSpec,
    *,
    start: dt.datetime,
    hours: Decimal | float | int | dt.timedelta,
) -> dt.datetime:
    """The instant at which ``hours`` of working time have elapsed after ``start``.

    ``hours`` is a number of hours (rounded half-even to microseconds) or a timedelta;
    negative values raise ``ValueError``. Zero returns ``start`` unchanged. A positive
    amount that runs out exactly at a window's end returns that end. Raises
    ``ValueError`` for a calendar without windows, or if more than three years pass
    without any working time (e.g. everything declared a company holiday).
    """
    start_utc = _require_aware("start", start)
    remaining = _hours_to_timedelta(hours)
    if not spec.has_working_time:
        raise ValueError("Calendar has no working windows; business hours never elapse")
    prep = _prepare(spec)
    zone = prep.zone
    if not remaining:
        return start_utc.astimezone(zone)

    idle_days = 0
    first = _local_date(start_utc, zone)
    first = first - _ONE_DAY if first > dt.date.min else first
    for day in _days(first):
        found = False
        for s, e in _day_intervals(prep, day):
            if e <= start_utc:
                continue
            found = True
            s = max(s, start_utc)
            available = e - s
            if remaining <= available:
                return (s + remaining).astimezone(zone)
            remaining -= available
        if found:
            idle_days = 0
        else:
            idle_days += 1
            if idle_days > _MAX_IDLE_DAYS:
                last_open = day - _ONE_DAY * idle_days
                raise ValueError(
                    f"No working time within {_MAX_IDLE_DAYS} days after {last_open}; "
                    "is every working day a holiday?"
                )
    raise ValueError("Ran out of representable dates while adding business hours")


def business_hours_between(
    spec: CalendarSpec, *, start: dt.datetime, end: dt.datetime
) -> dt.timedelta:
    """Working time between ``start`` and ``end``, exact to the microsecond.

    Additive for any three instants; ``end < start`` gives the negative of
    ``business_hours_between(spec, start=end, end=start)``.
    """
    start_utc = _require_aware("start", start)
    end_utc = _require_aware("end", end)
    if end_utc < start_utc:
        return -business_hours_between(spec, start=end_utc, end=start_utc)
    total = _ZERO
    for s, e in _utc_intervals(_prepare(spec), start_utc, end_utc):
        total += e - s
    return total
