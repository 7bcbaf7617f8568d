"""Reading values as exports write them: amounts, dates, names, bands (properties)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interlock.imports import values as v

AMOUNTS = st.decimals(min_value=0, max_value=Decimal("999999999.99"), places=2)


def _german(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


@given(AMOUNTS)
def test_amounts_in_english_and_german_notation(amount: Decimal) -> None:
    assert v.parse_amount(f"{amount:,.2f}")[0] == amount
    assert v.parse_amount(_german(amount))[0] == amount
    assert v.parse_amount(f"€ {_german(amount)}") == (amount, "EUR")
    assert v.parse_amount(f"{amount:.2f} USD") == (amount, "USD")


@pytest.mark.parametrize("text", ["lots", "-5", "1e400", "NaN", "", "12..3,4,5"])
def test_bad_amounts_say_so(text: str) -> None:
    with pytest.raises(ValueError, match="amount"):
        v.parse_amount(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_dates_in_iso_german_and_us_notation(day: date) -> None:
    assert v.parse_date(day.isoformat()) == day
    assert v.parse_date(f"{day.day}.{day.month}.{day.year}") == day
    assert v.parse_date(f"{day.month}/{day.day}/{day.year}") == day or day.day <= 12
    assert v.parse_date(f"{day.isoformat()} 10:30") == day


def test_bad_date_and_bools_and_names() -> None:
    with pytest.raises(ValueError, match="not a date"):
        v.parse_date("31.02.2024")
    assert v.parse_bool("Ja") and not v.parse_bool("false")
    with pytest.raises(ValueError):
        v.parse_bool("maybe")
    assert v.split_name("Kessler, Jana") == ("Jana", "Kessler")
    assert v.split_name("Jana  Maria Kessler") == ("Jana Maria", "Kessler")
    assert v.size_band("50-249") == "50-249" and v.size_band("1.200") == "1000+"
    assert v.revenue_band("12.500.000,00 €") == "10-50m"
    assert v.lifecycle("Customer - Direct") == "customer"
