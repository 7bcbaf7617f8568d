"""Quantity and quality terms per period, and the criterion rules."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError

from interlock.agreements import criteria, periods
from interlock.agreements.models import Deliverable, PeriodResult, Term
from interlock.core.deliverables import UNDECIDED
from interlock.core.models import Event
from tests.agreements.factories import TEST_KIND, fake_kind, make_active_agreement

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
MON = datetime(2025, 10, 6, 0, 0, tzinfo=BERLIN)
VALUES: dict[str, dict[str, Any]] = {}


@pytest.fixture(autouse=True)
def _kind() -> Iterator[Any]:
    VALUES.clear()
    with fake_kind(values=VALUES) as kind:
        yield kind


def term(people: Any, **fields: Any) -> Term:
    made = make_active_agreement(people, deliverable=TEST_KIND, effective_from=MON)
    return Term.objects.create(version=made.version, deliverable=TEST_KIND, **fields)


def delivered(*keys: str, at: datetime, place: str = "") -> None:
    Deliverable.objects.bulk_create(
        Deliverable(kind=TEST_KIND, key=k, delivered_at=at, place=place) for k in keys
    )


def test_quantity_forecast_then_final_missed(people: Any) -> None:
    t = term(people, type="quantity", period="week", minimum=3, maximum=10)
    delivered("a", "b", at=MON + timedelta(hours=10))
    delivered("x", at=MON + timedelta(hours=10), place="queue:b")  # counted: no place filter
    periods.evaluate(now=MON + timedelta(days=2, hours=12))
    result = PeriodResult.objects.get(term=t)
    assert (result.period_start, result.period_end) == (date(2025, 10, 6), date(2025, 10, 13))
    assert (result.count, result.forecast, result.status, result.final) == (3, 8, "on_track", False)
    Deliverable.objects.filter(key="x").delete()
    periods.evaluate(now=MON + timedelta(days=7, minutes=1))
    result.refresh_from_db()
    assert (result.count, result.status, result.final) == (2, "missed", True)
    periods.evaluate(now=MON + timedelta(days=8))  # a final result is not evaluated again
    missed = Event.objects.filter(type="agreement.period_missed")
    assert missed.count() == 1 and missed.get().payload["term_id"] == t.pk
    assert PeriodResult.objects.filter(term=t, period_start=date(2025, 10, 13)).exists()


def test_quantity_at_risk_and_place(people: Any) -> None:
    t = term(people, type="quantity", period="month", minimum=5, place="queue:a")
    delivered("a", at=MON + timedelta(hours=1), place="queue:a")
    delivered("b", at=MON + timedelta(hours=1), place="queue:b")
    periods.evaluate(now=datetime(2025, 10, 25, tzinfo=BERLIN))
    result = PeriodResult.objects.get(term=t)
    assert (result.period_start, result.period_end) == (date(2025, 10, 1), date(2025, 11, 1))
    assert (result.count, result.status) == (1, "at_risk")


def test_quality_undecided_not_enough_data_and_settling(people: Any) -> None:
    t = term(
        people,
        type="quality",
        period="week",
        criterion={"attribute": "grade", "op": "gte", "value": "B"},
        target_percent=Decimal(50),
        min_sample=2,
    )
    delivered("a", "b", "c", at=MON + timedelta(hours=10))
    VALUES.update({"a": {"grade": "A"}, "b": {"grade": "C"}, "c": {"grade": UNDECIDED}})
    periods.evaluate(now=MON + timedelta(days=7, hours=1))
    result = PeriodResult.objects.get(term=t, period_start=date(2025, 10, 6))
    assert (result.decided, result.met, result.percent) == (2, 1, Decimal("50.00"))
    assert (result.status, result.final) == ("met", False)  # c may still decide
    VALUES["c"] = {"grade": "D"}
    periods.evaluate(now=MON + timedelta(days=8))
    result.refresh_from_db()
    assert (result.decided, result.status, result.final) == (3, "missed", True)
    VALUES.clear()
    Deliverable.objects.all().delete()
    delivered("d", at=MON + timedelta(days=7, hours=1))
    VALUES["d"] = {"grade": UNDECIDED}
    periods.evaluate(now=MON + timedelta(days=7 + 7 + 61))
    late = PeriodResult.objects.get(term=t, period_start=date(2025, 10, 13))
    assert (late.status, late.final) == ("not_enough_data", True)  # settled after 60 days


def test_validate_criterion(_kind: Any) -> None:
    ok = criteria.validate_criterion(_kind, {"attribute": "grade", "op": "gte", "value": "b"})
    assert ok == {"attribute": "grade", "op": "gte", "value": "B"}
    assert criteria.validate_criterion(_kind, {"attribute": "note", "op": "filled"}) == {
        "attribute": "note",
        "op": "filled",
    }
    bad = [
        {"attribute": "nope", "op": "is", "value": True},
        {"attribute": "good", "op": "gte", "value": True},
        {"attribute": "good", "op": "is", "value": "yes"},
        {"attribute": "score", "op": "gte", "value": "many"},
        {"attribute": "grade", "op": "gte", "value": "E"},
        {"attribute": "size", "op": "in", "value": ["s", "xl"]},
        {"op": "is"},
        "fit_grade >= B",
    ]
    for criterion in bad:
        with pytest.raises(ValidationError):
            criteria.validate_criterion(_kind, criterion)


@pytest.mark.parametrize(
    ("criterion", "value", "expected"),
    [
        ({"op": "is", "value": True}, True, True),
        ({"op": "is_not", "value": True}, True, False),
        ({"op": "gte", "value": 50}, 50, True),
        ({"op": "lte", "value": 50}, 51, False),
        ({"op": "eq", "value": 2}, "2", True),
        ({"op": "gte", "value": "B"}, "A", True),
        ({"op": "gte", "value": "B"}, "C", False),
        ({"op": "lte", "value": "C"}, "D", True),
        ({"op": "eq", "value": "m"}, "m", True),
        ({"op": "in", "value": ["s", "m"]}, "l", False),
        ({"op": "filled"}, "  ", False),
        ({"op": "empty"}, None, True),
        ({"op": "gte", "value": 5}, None, False),
    ],
)
def test_matches(criterion: dict[str, Any], value: Any, expected: bool) -> None:
    assert criteria.matches(criterion, value) is expected


def test_matches_passes_undecided_through() -> None:
    assert criteria.matches({"op": "gte", "value": 1}, UNDECIDED) is UNDECIDED
