"""Property tests of the quote arithmetic (pure, no database)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from interlock.sales import pricing

quantities = st.decimals(min_value=0, max_value=10**6, places=3, allow_nan=False)
prices = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False)
percents = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False)
amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)
rules = st.none() | st.tuples(st.integers(1, 100), st.integers(1, 100))
lines = st.builds(
    pricing.LineIn,
    quantity=quantities,
    unit_price=prices,
    list_price=st.none() | prices,
    discount_percent=percents,
    discount_amount=amounts,
    rule=rules,
)


@given(st.lists(lines, max_size=12), percents)
def test_totals_never_negative_and_in_cents(items: list[pricing.LineIn], tax: Decimal) -> None:
    totals = pricing.quote_totals(items, tax_rate=tax)
    for value in (totals.subtotal, totals.tax, totals.total, totals.discount):
        assert value >= 0
        assert value == value.quantize(pricing.CENT)
    assert all(line.net >= 0 for line in totals.lines)
    assert totals.total == totals.subtotal + totals.tax


@given(quantities, st.integers(1, 1000), st.integers(1, 1000))
def test_free_units_are_floor_q_over_n_times_m(q: Decimal, n: int, m: int) -> None:
    units = pricing.free_units(q, (n, m))
    assert units == int(q // n) * m
    assert units >= 0


@given(quantities, prices, st.none() | prices, st.integers(1, 50), st.integers(1, 50))
def test_free_goods_valued_at_list_price(
    q: Decimal, unit: Decimal, listed: Decimal | None, n: int, m: int
) -> None:
    out = pricing.price_line(
        pricing.LineIn(quantity=q, unit_price=unit, list_price=listed, rule=(n, m))
    )
    list_price = unit if listed is None else listed
    assert out.free_value == pricing.cents(out.free_units * list_price)
    # free units never reduce what the customer pays for the paid units
    assert out.net == pricing.cents(q * unit)
    totals = pricing.quote_totals(
        [pricing.LineIn(quantity=q, unit_price=unit, list_price=listed, rule=(n, m))],
        tax_rate=Decimal(0),
    )
    assert totals.free_goods_value == out.free_value
    assert totals.discount >= out.free_value


@given(lines)
def test_rounding_is_stable(line: pricing.LineIn) -> None:
    first = pricing.price_line(line)
    again = pricing.price_line(line)
    assert first == again
    assert first.net == first.gross - first.percent_discount - first.amount_discount


@given(quantities, prices)
def test_percent_100_gives_net_zero(q: Decimal, unit: Decimal) -> None:
    out = pricing.price_line(
        pricing.LineIn(quantity=q, unit_price=unit, discount_percent=Decimal(100))
    )
    assert out.net == 0


@given(st.decimals(max_value=Decimal("-0.001"), min_value=-(10**6), places=3))
def test_negative_quantity_is_refused_with_line_number(q: Decimal) -> None:
    ok = pricing.LineIn(quantity=Decimal(1), unit_price=Decimal(1))
    bad = pricing.LineIn(quantity=q, unit_price=Decimal(1))
    with pytest.raises(pricing.PricingError) as caught:
        pricing.quote_totals([ok, ok, bad], tax_rate=Decimal(19))
    assert caught.value.line == 3
    assert "Line 3" in str(caught.value)


def test_half_up_rounding_examples() -> None:
    # 3 × 0.125 = 0.375 → 0.38 (half up, not banker's 0.38/0.37)
    out = pricing.price_line(pricing.LineIn(quantity=Decimal(3), unit_price=Decimal("0.125")))
    assert out.gross == Decimal("0.38")
    totals = pricing.quote_totals(
        [pricing.LineIn(quantity=Decimal("1"), unit_price=Decimal("0.50"))],
        tax_rate=Decimal(19),
    )
    assert totals.tax == Decimal("0.10")  # 0.095 → 0.10
    assert totals.total == Decimal("0.60")


def test_amount_discount_capped_at_line_value() -> None:
    out = pricing.price_line(
        pricing.LineIn(
            quantity=Decimal(1),
            unit_price=Decimal(10),
            discount_percent=Decimal(50),
            discount_amount=Decimal(100),
        )
    )
    assert (out.percent_discount, out.amount_discount, out.net) == (
        Decimal("5.00"),
        Decimal("5.00"),
        Decimal("0.00"),
    )


def test_rule_precedence_line_then_price_list_then_product() -> None:
    assert pricing.pick_rule((5, 1), (10, 1), (20, 2)) == (5, 1)
    assert pricing.pick_rule(None, (10, 1), (20, 2)) == (10, 1)
    assert pricing.pick_rule(None, None, (20, 2)) == (20, 2)
    assert pricing.pick_rule(None, None, None) is None


@pytest.mark.parametrize("bad", [Decimal(-1), Decimal(101)])
def test_bad_tax_rate_refused(bad: Decimal) -> None:
    with pytest.raises(pricing.PricingError):
        pricing.quote_totals([], tax_rate=bad)
