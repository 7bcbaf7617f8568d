"""The fast paths of list pages write exactly what Django's own conversions write."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone as dj_timezone
from hypothesis import given
from hypothesis import strategies as st

from interlock.core.page_json import _json_default, page_response, utc_text
from interlock.core.page_sql import _quick

ZONES = st.sampled_from(
    [UTC, timezone(timedelta(0)), timezone(timedelta(hours=2)), ZoneInfo("Europe/Berlin")]
)
EDGES = [
    datetime(2026, 5, 4, 3, 2, 1, tzinfo=UTC),
    datetime(2026, 5, 4, 3, 2, 1, 999, tzinfo=UTC),  # microseconds below a millisecond
    datetime(2026, 5, 4, 3, 2, 1, 999_999, tzinfo=UTC),  # cut, not rounded
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(999, 12, 31, 23, 59, 59, 1000, tzinfo=UTC),
    datetime(2026, 10, 25, 2, 30, fold=1, tzinfo=UTC),
]


def django_text(value: datetime) -> str:
    return str(DjangoJSONEncoder().default(value))


@pytest.mark.parametrize("value", EDGES)
def test_utc_text_edges(value: datetime) -> None:
    assert utc_text(value) == django_text(value)


@given(st.datetimes(timezones=st.just(UTC)))
def test_utc_text_is_djangos(value: datetime) -> None:
    assert utc_text(value) == django_text(value)


@given(st.datetimes(timezones=ZONES))
def test_default_hook_is_djangos_in_any_zone(value: datetime) -> None:
    assert _json_default(value) == django_text(value)


def test_page_response_bytes_equal_json_dumps_with_djangos_encoder() -> None:
    page = {
        "items": [{"id": 1, "at": value, "nested": {"at": value}} for value in EDGES],
        "next_cursor": None,
    }
    expected = json.dumps(page, cls=DjangoJSONEncoder).encode()
    assert page_response(page).content == expected


@pytest.mark.django_db
def test_quick_sqlite_datetimes_equal_make_aware() -> None:
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite converter only")
    convert = connection.ops.convert_datetimefield_value
    quick = _quick(convert)
    assert quick is not convert
    for value in (datetime(2026, 5, 4, 3, 2, 1, 5), datetime(2026, 10, 25, 2, 30, fold=1)):
        made = quick(value, None, connection)
        expected = dj_timezone.make_aware(value, connection.timezone)
        assert (made, made.tzinfo, made.fold) == (expected, expected.tzinfo, expected.fold)
        assert type(made) is datetime
    assert quick(None, None, connection) is None
