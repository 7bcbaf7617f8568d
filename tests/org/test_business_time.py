"""Unit and property tests for interlock.org.business_time (pure Python, no database)."""

from __future__ import annotations

import time as time_module
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from interlock.org.business_time import (
    CalendarSpec,
    WorkingWindow,
    add_business_hours,
    business_hours_between,
    is_holiday,
    working_intervals,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")
SYDNEY = ZoneInfo("Australia/Sydney")
APIA = ZoneInfo("Pacific/Apia")

# `holidays` warns that India's lunar holidays are tabulated only up to 2035; long spans
# from 2035 onwards legitimately run past that.
pytestmark = pytest.mark.filterwarnings("ignore:Requested Holidays are available only")

# No example database: it would leave a .hypothesis folder wherever pytest runs.
PROPERTY = settings(max_examples=200, deadline=None, database=None)
SLOW_PROPERTY = settings(max_examples=30, deadline=None, database=None)

ROUND_THE_CLOCK = (WorkingWindow(time(0), time(0)),)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)


def new_york(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def utc(value: datetime) -> datetime:
    # Same-zone datetime arithmetic and comparison in Python use wall time, not elapsed
    # time; going through UTC makes both exact across DST changes.
    return value.astimezone(UTC)


BERLIN_DE = CalendarSpec.standard()
BERLIN_BY = CalendarSpec.standard(subdivision="BY")
BERLIN_NW = CalendarSpec.standard(subdivision="NW")
NEW_YORK_US = CalendarSpec(
    timezone="America/New_York",
    week={
        d: (WorkingWindow(time(8), time(12)), WorkingWindow(time(13), time(17))) for d in range(5)
    },
    country="US",
)
# Windows chosen to hit Berlin's DST gap (02:00-03:00 in spring) and overlap (autumn).
BERLIN_NIGHT = CalendarSpec(
    timezone="Europe/Berlin", week={d: (WorkingWindow(time(1), time(4)),) for d in range(7)}
)
BERLIN_DST_EDGES = CalendarSpec(
    timezone="Europe/Berlin",
    week={
        d: (
            WorkingWindow(time(1), time(2, 30)),
            WorkingWindow(time(2, 45), time(3, 15)),
            WorkingWindow(time(9), time(17)),
        )
        for d in range(7)
    },
    country="DE",
    subdivision="BY",
    company_holidays=frozenset({date(2024, 12, 24), date(2027, 12, 31), date(2031, 3, 31)}),
)
KOLKATA_IN = CalendarSpec.standard(
    timezone="Asia/Kolkata",
    country="IN",
    start=time(9, 30),
    end=time(18, 15),
    weekdays=range(6),
)
SYDNEY_AU = CalendarSpec.standard(timezone="Australia/Sydney", country="AU", subdivision="NSW")
UTC_24_7 = CalendarSpec(timezone="UTC", week=dict.fromkeys(range(7), ROUND_THE_CLOCK))

SPECS = [BERLIN_BY, NEW_YORK_US, BERLIN_NIGHT, BERLIN_DST_EDGES, KOLKATA_IN, SYDNEY_AU, UTC_24_7]
ZONES = [BERLIN, NEW_YORK, KOLKATA, SYDNEY, UTC]

specs = st.sampled_from(SPECS)
instants = st.datetimes(
    min_value=datetime(2020, 1, 1),
    max_value=datetime(2035, 12, 31),
    timezones=st.sampled_from(ZONES),
)
# (value passed as `hours`, the exact timedelta it stands for)
hour_amounts = st.one_of(
    st.integers(0, 5000).map(lambda h: (h, timedelta(hours=h))),
    st.floats(0, 5000).map(lambda h: (h, timedelta(hours=h))),
    st.decimals(0, 5000, places=6).map(
        lambda h: (h, timedelta(microseconds=int(h * 3_600_000_000)))
    ),
    st.timedeltas(timedelta(0), timedelta(hours=5000)).map(lambda td: (td, td)),
)


# ------------------------------------------------------------------ concrete examples


def test_friday_afternoon_rolls_over_weekend() -> None:
    result = add_business_hours(BERLIN_DE, start=berlin(2024, 3, 1, 16), hours=2)
    assert result == berlin(2024, 3, 4, 10)
    assert result.tzinfo is BERLIN


def test_result_is_in_spec_zone_even_for_utc_input() -> None:
    start = datetime(2024, 3, 1, 15, tzinfo=UTC)  # 16:00 in Berlin
    result = add_business_hours(BERLIN_DE, start=start, hours=2)
    assert result.tzinfo is BERLIN
    assert (result.year, result.month, result.day, result.hour) == (2024, 3, 4, 10)


def test_easter_good_friday_and_easter_monday_skipped() -> None:
    # 2024: Good Friday 29 March, Easter Monday 1 April.
    assert is_holiday(BERLIN_DE, date(2024, 3, 29))
    assert is_holiday(BERLIN_DE, date(2024, 4, 1))
    result = add_business_hours(BERLIN_DE, start=berlin(2024, 3, 28, 16), hours=2)
    assert result == berlin(2024, 4, 2, 10)
    span = business_hours_between(BERLIN_DE, start=berlin(2024, 3, 28), end=berlin(2024, 4, 3))
    assert span == hours(16)  # Thursday and Tuesday only


def test_german_unity_day() -> None:
    assert is_holiday(BERLIN_DE, date(2024, 10, 3))
    result = add_business_hours(BERLIN_DE, start=berlin(2024, 10, 2, 16), hours=2)
    assert result == berlin(2024, 10, 4, 10)


def test_epiphany_is_bavarian_but_not_north_rhine_westphalian() -> None:
    epiphany = date(2025, 1, 6)  # a Monday
    assert is_holiday(BERLIN_BY, epiphany)
    assert not is_holiday(BERLIN_NW, epiphany)
    assert not is_holiday(BERLIN_DE, epiphany)
    friday = berlin(2025, 1, 3, 16)
    assert add_business_hours(BERLIN_BY, start=friday, hours=2) == berlin(2025, 1, 7, 10)
    assert add_business_hours(BERLIN_NW, start=friday, hours=2) == berlin(2025, 1, 6, 10)


def test_company_holiday_is_closed() -> None:
    spec = CalendarSpec.standard(company_holidays=[date(2024, 3, 4)])
    assert is_holiday(spec, date(2024, 3, 4))
    assert not is_holiday(BERLIN_DE, date(2024, 3, 4))
    assert add_business_hours(spec, start=berlin(2024, 3, 1, 16), hours=2) == berlin(2024, 3, 5, 10)


def test_weekend_is_not_a_holiday_but_has_no_working_time() -> None:
    assert not is_holiday(BERLIN_DE, date(2024, 3, 2))
    assert business_hours_between(
        BERLIN_DE, start=berlin(2024, 3, 1, 17), end=berlin(2024, 3, 4, 9)
    ) == timedelta(0)


def test_every_bavarian_holiday_on_a_weekday_has_no_working_time() -> None:
    bavarian = holidays.country_holidays("DE", subdiv="BY", years=range(2020, 2036))
    assert len(bavarian) > 100
    for day in bavarian:
        assert is_holiday(BERLIN_BY, day)
        start = berlin(day.year, day.month, day.day)
        end = start + timedelta(days=1)
        assert business_hours_between(BERLIN_BY, start=start, end=end) == timedelta(0)


def test_spring_forward_window_spanning_the_gap_is_two_real_hours() -> None:
    # 2024-03-31: 02:00 CET jumps to 03:00 CEST, so 01:00-04:00 lasts two hours.
    day = (berlin(2024, 3, 31), berlin(2024, 4, 1))
    assert business_hours_between(BERLIN_NIGHT, start=day[0], end=day[1]) == hours(2)
    result = add_business_hours(BERLIN_NIGHT, start=day[0], hours=Decimal("1.5"))
    assert result == datetime(2024, 3, 31, 1, 30, tzinfo=UTC)
    assert (result.hour, result.minute, result.utcoffset()) == (3, 30, hours(2))
    assert add_business_hours(BERLIN_NIGHT, start=day[0], hours=2) == berlin(2024, 3, 31, 4)


def test_fall_back_window_spanning_the_overlap_is_four_real_hours() -> None:
    # 2024-10-27: 03:00 CEST falls back to 02:00 CET, so 01:00-04:00 lasts four hours.
    start = berlin(2024, 10, 27)
    assert business_hours_between(BERLIN_NIGHT, start=start, end=berlin(2024, 10, 28)) == hours(4)
    first = add_business_hours(BERLIN_NIGHT, start=start, hours=1.5)
    second = add_business_hours(BERLIN_NIGHT, start=start, hours=2.5)
    # Same wall time 02:30, once in summer time and once in winter time.
    # (An ambiguous local time never equals a datetime in another zone, hence utc().)
    assert utc(first) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)
    assert utc(second) == datetime(2024, 10, 27, 1, 30, tzinfo=UTC)
    assert (first.hour, first.minute, first.fold, first.utcoffset()) == (2, 30, 0, hours(2))
    assert (second.hour, second.minute, second.fold, second.utcoffset()) == (2, 30, 1, hours(1))


def _single_day_spec(*windows: WorkingWindow) -> CalendarSpec:
    return CalendarSpec(timezone="Europe/Berlin", week={6: windows})


def test_window_edge_in_gap_is_pushed_forward() -> None:
    # fold=0 reads 02:30 with the pre-gap offset: it is 01:30 UTC, i.e. 03:30 CEST.
    spec = _single_day_spec(WorkingWindow(time(2, 30), time(5)))
    intervals = list(working_intervals(spec, start=berlin(2024, 3, 31), end=berlin(2024, 4, 1)))
    assert intervals == [(berlin(2024, 3, 31, 3, 30), berlin(2024, 3, 31, 5))]
    assert business_hours_between(spec, start=berlin(2024, 3, 31), end=berlin(2024, 4, 1)) == (
        hours(1.5)
    )


def test_window_collapsing_in_gap_is_dropped() -> None:
    spec = _single_day_spec(WorkingWindow(time(2, 30), time(3, 15)))
    assert list(working_intervals(spec, start=berlin(2024, 3, 31), end=berlin(2024, 4, 1))) == []
    # The week after, the same window is ordinary.
    assert business_hours_between(spec, start=berlin(2024, 4, 7), end=berlin(2024, 4, 8)) == (
        timedelta(minutes=45)
    )


def test_windows_overlapping_after_gap_normalisation_are_clipped() -> None:
    # 02:30 becomes 03:30 CEST, past the second window's 03:00 start: no double counting.
    spec = _single_day_spec(WorkingWindow(time(1), time(2, 30)), WorkingWindow(time(3), time(4)))
    intervals = list(working_intervals(spec, start=berlin(2024, 3, 31), end=berlin(2024, 4, 1)))
    assert intervals == [
        (berlin(2024, 3, 31, 1), berlin(2024, 3, 31, 3, 30)),
        (berlin(2024, 3, 31, 3, 30), berlin(2024, 3, 31, 4)),
    ]
    assert business_hours_between(spec, start=berlin(2024, 3, 31), end=berlin(2024, 4, 1)) == (
        hours(2)
    )


def test_window_edge_in_overlap_is_first_occurrence() -> None:
    spec = _single_day_spec(WorkingWindow(time(2, 30), time(4)))
    (interval,) = working_intervals(spec, start=berlin(2024, 10, 27), end=berlin(2024, 10, 28))
    assert utc(interval[0]) == datetime(2024, 10, 27, 0, 30, tzinfo=UTC)  # 02:30 CEST
    assert utc(interval[1]) - utc(interval[0]) == hours(2.5)


def test_new_york_thanksgiving_and_observed_independence_day() -> None:
    # Thanksgiving 2024 is Thursday 28 November.
    result = add_business_hours(NEW_YORK_US, start=new_york(2024, 11, 27, 16), hours=2)
    assert result == new_york(2024, 11, 29, 9)
    # 4 July 2026 is a Saturday; it is observed on Friday 3 July.
    assert is_holiday(NEW_YORK_US, date(2026, 7, 3))
    result = add_business_hours(NEW_YORK_US, start=new_york(2026, 7, 2, 16), hours=2)
    assert result == new_york(2026, 7, 6, 9)


def test_new_york_dst_does_not_shift_office_hours() -> None:
    # 2024-03-10 is spring-forward Sunday; office hours stay 08-12/13-17 local.
    result = add_business_hours(NEW_YORK_US, start=new_york(2024, 3, 8, 16), hours=2)
    assert result == new_york(2024, 3, 11, 9)
    assert result.utcoffset() == hours(-4)


def test_two_windows_per_day() -> None:
    monday = new_york(2024, 3, 4)
    assert add_business_hours(NEW_YORK_US, start=monday.replace(hour=11), hours=2) == (
        monday.replace(hour=14)
    )
    # Lunch break counts for nothing; ending exactly at 12:00 stays at 12:00.
    assert add_business_hours(NEW_YORK_US, start=monday.replace(hour=11), hours=1) == (
        monday.replace(hour=12)
    )
    assert business_hours_between(
        NEW_YORK_US, start=monday, end=monday + timedelta(days=1)
    ) == hours(8)
    assert list(working_intervals(NEW_YORK_US, start=monday, end=monday + timedelta(days=1))) == [
        (monday.replace(hour=8), monday.replace(hour=12)),
        (monday.replace(hour=13), monday.replace(hour=17)),
    ]


def test_hours_running_out_at_window_end_return_that_end() -> None:
    monday = berlin(2024, 3, 4, 9)
    assert add_business_hours(BERLIN_DE, start=monday, hours=8) == berlin(2024, 3, 4, 17)
    assert add_business_hours(BERLIN_DE, start=monday, hours=8.5) == berlin(2024, 3, 5, 9, 30)


def test_start_outside_working_time_starts_at_next_window() -> None:
    saturday = berlin(2024, 3, 2, 12)
    assert add_business_hours(BERLIN_DE, start=saturday, hours=1) == berlin(2024, 3, 4, 10)
    early = berlin(2024, 3, 4, 6)
    assert add_business_hours(BERLIN_DE, start=early, hours=0.25) == berlin(2024, 3, 4, 9, 15)


def test_zero_hours_returns_start_unchanged() -> None:
    saturday_utc = datetime(2024, 3, 2, 12, tzinfo=UTC)
    result = add_business_hours(BERLIN_DE, start=saturday_utc, hours=0)
    assert result == saturday_utc
    assert result.tzinfo is BERLIN
    inside = berlin(2024, 3, 4, 10, 7)
    assert add_business_hours(BERLIN_DE, start=inside, hours=timedelta(0)) == inside


def test_hour_types_agree() -> None:
    start = berlin(2024, 3, 4, 9)
    expected = berlin(2024, 3, 4, 10, 30)
    for amount in (Decimal("1.5"), 1.5, timedelta(minutes=90)):
        assert add_business_hours(BERLIN_DE, start=start, hours=amount) == expected
    # Decimal is rounded half-even to whole microseconds.
    tiny = add_business_hours(BERLIN_DE, start=start, hours=Decimal("0.0000000001"))
    assert tiny == start


def test_negative_span_is_negated() -> None:
    a, b = berlin(2024, 3, 1, 12), berlin(2024, 3, 4, 12)
    assert business_hours_between(BERLIN_DE, start=a, end=b) == hours(8)
    assert business_hours_between(BERLIN_DE, start=b, end=a) == hours(-8)
    assert list(working_intervals(BERLIN_DE, start=b, end=a)) == []


def test_round_the_clock_calendar() -> None:
    start = berlin(2024, 3, 30, 22)  # spring-forward night follows
    assert add_business_hours(UTC_24_7, start=start, hours=10) == utc(start) + hours(10)
    assert business_hours_between(UTC_24_7, start=start, end=utc(start) + hours(100)) == hours(100)
    berlin_24_7 = CalendarSpec(
        timezone="Europe/Berlin", week=dict.fromkeys(range(7), ROUND_THE_CLOCK)
    )
    # Across spring-forward the day has 23 hours of real time.
    assert business_hours_between(
        berlin_24_7, start=berlin(2024, 3, 31), end=berlin(2024, 4, 1)
    ) == hours(23)


def test_skipped_calendar_day_has_no_working_time() -> None:
    # Samoa skipped 30 December 2011 entirely when it crossed the date line.
    apia = CalendarSpec(timezone="Pacific/Apia", week=dict.fromkeys(range(7), ROUND_THE_CLOCK))
    start = datetime(2011, 12, 29, tzinfo=APIA)
    end = datetime(2012, 1, 1, tzinfo=APIA)
    assert business_hours_between(apia, start=start, end=end) == utc(end) - utc(start)
    assert utc(end) - utc(start) == hours(48)
    assert add_business_hours(apia, start=start, hours=30) == utc(start) + hours(30)


def test_ten_thousand_hours_is_fast() -> None:
    start = berlin(2024, 3, 1, 16)
    add_business_hours(BERLIN_BY, start=start, hours=1)  # warm holiday caches
    began = time_module.perf_counter()
    result = add_business_hours(BERLIN_BY, start=start, hours=10_000)
    elapsed = time_module.perf_counter() - began
    assert business_hours_between(BERLIN_BY, start=start, end=result) == hours(10_000)
    assert elapsed < 0.25  # target is well under 50 ms; generous for slow CI machines


def test_spec_is_hashable_and_compares_by_value() -> None:
    assert CalendarSpec.standard(subdivision="BY") == BERLIN_BY
    assert hash(CalendarSpec.standard(subdivision="BY")) == hash(BERLIN_BY)
    assert BERLIN_BY != BERLIN_NW
    # Empty weekdays do not matter for equality.
    assert CalendarSpec(timezone="UTC", week={0: ROUND_THE_CLOCK, 6: ()}) == CalendarSpec(
        timezone="UTC", week={0: ROUND_THE_CLOCK}
    )


def test_spec_week_is_read_only_copy() -> None:
    week = {0: (WorkingWindow(time(9), time(17)),)}
    spec = CalendarSpec(timezone="UTC", week=week)
    week[1] = week[0]
    assert 1 not in spec.week
    with pytest.raises(TypeError):
        spec.week[2] = week[0]  # type: ignore[index]


# ------------------------------------------------------------------------- bad input


def test_naive_datetimes_rejected() -> None:
    naive = datetime(2024, 3, 4, 9)
    aware = berlin(2024, 3, 4, 9)
    with pytest.raises(ValueError, match="timezone-aware"):
        add_business_hours(BERLIN_DE, start=naive, hours=1)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_hours_between(BERLIN_DE, start=aware, end=naive)
    with pytest.raises(ValueError, match="timezone-aware"):
        business_hours_between(BERLIN_DE, start=naive, end=aware)
    with pytest.raises(ValueError, match="timezone-aware"):
        working_intervals(BERLIN_DE, start=naive, end=aware)  # checked before iterating


def test_unknown_zone_rejected() -> None:
    for name in ("Mars/Olympus_Mons", "", "../etc/passwd"):
        with pytest.raises(ValueError, match="time zone"):
            CalendarSpec.standard(timezone=name)


def test_unknown_country_or_subdivision_rejected() -> None:
    with pytest.raises(ValueError, match="holiday"):
        CalendarSpec.standard(country="XX")
    with pytest.raises(ValueError, match="holiday"):
        CalendarSpec.standard(country="DE", subdivision="ZZ")
    with pytest.raises(ValueError, match="country"):
        CalendarSpec.standard(country=None, subdivision="BY")


def test_window_end_not_after_start_rejected() -> None:
    with pytest.raises(ValueError, match="after start"):
        WorkingWindow(time(17), time(9))
    with pytest.raises(ValueError, match="after start"):
        WorkingWindow(time(9), time(9))
    with pytest.raises(ValueError, match="naive"):
        WorkingWindow(time(9, tzinfo=UTC), time(17))


def test_overlapping_or_unsorted_windows_rejected() -> None:
    morning, late_morning = WorkingWindow(time(8), time(12)), WorkingWindow(time(11), time(15))
    with pytest.raises(ValueError, match="overlap"):
        CalendarSpec(timezone="UTC", week={0: (morning, late_morning)})
    afternoon = WorkingWindow(time(13), time(17))
    with pytest.raises(ValueError, match="sorted"):
        CalendarSpec(timezone="UTC", week={0: (afternoon, morning)})
    with pytest.raises(ValueError, match="overlap"):
        CalendarSpec(timezone="UTC", week={0: (*ROUND_THE_CLOCK, afternoon)})
    # Touching windows are fine.
    CalendarSpec(timezone="UTC", week={0: (morning, WorkingWindow(time(12), time(13)))})


def test_bad_weekday_rejected() -> None:
    for key in (7, -1, True):
        with pytest.raises(ValueError, match="weekday"):
            CalendarSpec(timezone="UTC", week={key: ROUND_THE_CLOCK})


def test_negative_or_invalid_hours_rejected() -> None:
    start = berlin(2024, 3, 4, 9)
    for amount in (-1, -0.5, Decimal("-0.1"), timedelta(microseconds=-1)):
        with pytest.raises(ValueError, match="negative"):
            add_business_hours(BERLIN_DE, start=start, hours=amount)
    for amount in (float("nan"), float("inf"), Decimal("NaN"), Decimal("Infinity")):
        with pytest.raises(ValueError, match="finite"):
            add_business_hours(BERLIN_DE, start=start, hours=amount)
    with pytest.raises(TypeError):
        add_business_hours(BERLIN_DE, start=start, hours=True)
    with pytest.raises(TypeError):
        add_business_hours(BERLIN_DE, start=start, hours="2")  # type: ignore[arg-type]


def test_empty_week_rejected_by_add() -> None:
    closed = CalendarSpec(timezone="Europe/Berlin", week={})
    assert not closed.has_working_time
    start = berlin(2024, 3, 4, 9)
    with pytest.raises(ValueError, match="no working windows"):
        add_business_hours(closed, start=start, hours=1)
    # Measuring an always-closed calendar is fine: nothing elapses.
    assert business_hours_between(closed, start=start, end=start + timedelta(days=30)) == (
        timedelta(0)
    )


def test_calendar_closed_for_years_rejected() -> None:
    every_day = frozenset(date(2024, 1, 1) + timedelta(days=n) for n in range(366 * 4))
    spec = CalendarSpec.standard(country=None, company_holidays=every_day)
    with pytest.raises(ValueError, match="No working time"):
        add_business_hours(spec, start=berlin(2024, 1, 1), hours=1)


def test_is_holiday_takes_dates_only() -> None:
    with pytest.raises(TypeError):
        is_holiday(BERLIN_DE, berlin(2024, 10, 3))


# ------------------------------------------------------------------------ properties


@PROPERTY
@given(spec=specs, start=instants, amount=hour_amounts)
def test_between_inverts_add(
    spec: CalendarSpec, start: datetime, amount: tuple[Decimal | float | int | timedelta, timedelta]
) -> None:
    value, expected = amount
    result = add_business_hours(spec, start=start, hours=value)
    assert utc(result) >= utc(start)
    assert result.tzinfo is ZoneInfo(spec.timezone)
    assert business_hours_between(spec, start=start, end=result) == expected
    assert business_hours_between(spec, start=result, end=start) == -expected


@PROPERTY
@given(
    spec=specs,
    start=instants,
    first=st.timedeltas(timedelta(0), timedelta(hours=3000)),
    extra=st.timedeltas(timedelta(0), timedelta(hours=3000)),
)
def test_add_is_monotone_and_composes(
    spec: CalendarSpec, start: datetime, first: timedelta, extra: timedelta
) -> None:
    near = add_business_hours(spec, start=start, hours=first)
    far = add_business_hours(spec, start=start, hours=first + extra)
    assert utc(near) <= utc(far)
    # Adding in two steps lands on the same instant (a step ending at a window's end
    # continues from the next window).
    assert add_business_hours(spec, start=near, hours=extra) == far


@PROPERTY
@given(spec=specs, start=instants, amount=st.timedeltas(timedelta(microseconds=1), hours(2000)))
def test_result_lies_inside_or_at_end_of_a_window(
    spec: CalendarSpec, start: datetime, amount: timedelta
) -> None:
    result = utc(add_business_hours(spec, start=start, hours=amount))
    around = working_intervals(
        spec, start=result - timedelta(days=2), end=result + timedelta(days=2)
    )
    assert any(utc(begin) < result <= utc(end) for begin, end in around)


@PROPERTY
@given(
    spec=specs,
    a=instants,
    step1=st.timedeltas(timedelta(0), timedelta(days=400)),
    step2=st.timedeltas(timedelta(0), timedelta(days=400)),
)
def test_between_is_additive_and_bounded(
    spec: CalendarSpec, a: datetime, step1: timedelta, step2: timedelta
) -> None:
    a = utc(a)
    b = a + step1
    c = b + step2
    ab = business_hours_between(spec, start=a, end=b)
    bc = business_hours_between(spec, start=b, end=c)
    assert ab + bc == business_hours_between(spec, start=a, end=c)
    assert timedelta(0) <= ab <= b - a
    assert business_hours_between(spec, start=c, end=a) == -(ab + bc)


@PROPERTY
@given(spec=specs, start=instants, span=st.timedeltas(timedelta(0), timedelta(days=60)))
def test_working_intervals_are_ordered_disjoint_and_sum_to_between(
    spec: CalendarSpec, start: datetime, span: timedelta
) -> None:
    start = utc(start)
    end = start + span
    intervals = list(working_intervals(spec, start=start, end=end))
    zone = ZoneInfo(spec.timezone)
    previous_end = start
    for begin, finish in intervals:
        assert begin.tzinfo is zone and finish.tzinfo is zone
        assert previous_end <= utc(begin) < utc(finish) <= end
        previous_end = utc(finish)
    total = sum((utc(finish) - utc(begin) for begin, finish in intervals), timedelta(0))
    assert total == business_hours_between(spec, start=start, end=end)


@PROPERTY
@given(start=instants, span=st.timedeltas(timedelta(0), timedelta(days=800)))
def test_round_the_clock_counts_elapsed_time(start: datetime, span: timedelta) -> None:
    zone = start.tzinfo
    assert isinstance(zone, ZoneInfo) or zone is UTC
    name = "UTC" if zone is UTC else str(zone)
    spec = CalendarSpec(timezone=name, week=dict.fromkeys(range(7), ROUND_THE_CLOCK))
    assert business_hours_between(spec, start=start, end=utc(start) + span) == span
    assert add_business_hours(spec, start=start, hours=span) == utc(start) + span


def _oracle_hours(spec: CalendarSpec, start_utc: datetime, count: int) -> timedelta:
    """Independent count: walk whole UTC hours forward and ask the local wall clock.

    Valid for windows on whole local hours in zones whose offsets and DST switches are
    whole hours: every UTC hour then lies entirely inside or outside working time.
    """
    assert spec.country is not None
    zone = ZoneInfo(spec.timezone)
    public = holidays.country_holidays(spec.country, subdiv=spec.subdivision)
    total = timedelta(0)
    for n in range(count):
        local = (start_utc + hours(n)).astimezone(zone)
        day = local.date()
        if day in public or day in spec.company_holidays:
            continue
        for window in spec.week.get(day.weekday(), ()):
            if window.start.hour <= local.hour < (window.end.hour or 24):
                total += hours(1)
    return total


ORACLE_SPECS = [
    CalendarSpec(
        timezone="Europe/Berlin",
        week={
            d: (WorkingWindow(time(1), time(4)), WorkingWindow(time(9), time(17))) for d in range(7)
        },
        country="DE",
        subdivision="BY",
        company_holidays=frozenset({date(2024, 12, 24), date(2030, 3, 29)}),
    ),
    NEW_YORK_US,
    CalendarSpec.standard(timezone="Australia/Sydney", country="AU", subdivision="NSW"),
]


@PROPERTY
@given(
    spec=st.sampled_from(ORACLE_SPECS),
    start=st.datetimes(datetime(2020, 1, 1), datetime(2035, 12, 31)),
    count=st.integers(0, 24 * 45),
)
def test_between_matches_hour_by_hour_oracle(
    spec: CalendarSpec, start: datetime, count: int
) -> None:
    start_utc = start.replace(minute=0, second=0, microsecond=0, tzinfo=UTC)
    end_utc = start_utc + hours(count)
    expected = _oracle_hours(spec, start_utc, count)
    assert business_hours_between(spec, start=start_utc, end=end_utc) == expected


@SLOW_PROPERTY
@given(
    spec=specs,
    start=instants,
    amount=st.integers(5000, 25_000),
    cut=st.floats(0, 1),
)
def test_spans_over_years(spec: CalendarSpec, start: datetime, amount: int, cut: float) -> None:
    result = add_business_hours(spec, start=start, hours=amount)
    assert business_hours_between(spec, start=start, end=result) == hours(amount)
    # Splitting the long span anywhere keeps the total.
    middle = utc(start) + (utc(result) - utc(start)) * cut
    assert business_hours_between(spec, start=start, end=middle) + business_hours_between(
        spec, start=middle, end=result
    ) == hours(amount)
