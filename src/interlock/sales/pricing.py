"""Quote arithmetic: pure functions on Decimals, no database.

Rounding (``ROUND_HALF_UP`` to cents) happens at exactly these points:

1. a line's gross value, ``quantity × unit price`` (quantities have three
   decimals, so the product may have five);
2. a line's percent discount, ``gross × percent / 100``;
3. the list value of free goods, ``free units × list price``;
4. the tax, ``subtotal × tax rate / 100``.

Everything else is a sum or difference of values already in cents, so it is
exact. The amount discount of a line is capped at what is left after the
percent discount: a line's net is never negative.

Free goods ("buy N get M free"): a line of quantity q earns
``floor(q / N) × M`` free units. They become their own line at price 0;
their value at list price is reported as discount (not subtracted from the
subtotal, because the customer never paid for them). The rule that applies
is the line's own, else the price list item's, else the product's
(:func:`pick_rule`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
HUNDRED = Decimal(100)

Rule = tuple[int, int]  # (buy N, get M free)


class PricingError(ValueError):
    """Input the arithmetic refuses; ``line`` is the 1-based line number, if any."""

    def __init__(self, message: str, *, line: int | None = None, field: str | None = None):
        super().__init__(message)
        self.line = line
        self.field = field


def cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def pick_rule(line: Rule | None, price_item: Rule | None, product: Rule | None) -> Rule | None:
    """The free-goods rule that applies: line first, then price list item, then product."""
    for rule in (line, price_item, product):
        if rule is not None:
            return rule
    return None


def free_units(quantity: Decimal, rule: Rule | None) -> Decimal:
    """``floor(quantity / N) × M``; 0 without a rule."""
    if rule is None:
        return Decimal(0)
    buy, free = rule
    if buy < 1 or free < 1:
        raise PricingError("A free-goods rule needs N ≥ 1 and M ≥ 1.")
    return (quantity / Decimal(buy)).to_integral_value(rounding=ROUND_FLOOR) * Decimal(free)


@dataclass(frozen=True)
class LineIn:
    quantity: Decimal
    unit_price: Decimal
    list_price: Decimal | None = None  # defaults to unit_price
    discount_percent: Decimal = Decimal(0)
    discount_amount: Decimal = Decimal(0)
    rule: Rule | None = None


@dataclass(frozen=True)
class LineOut:
    gross: Decimal
    percent_discount: Decimal
    amount_discount: Decimal
    net: Decimal
    free_units: Decimal
    free_value: Decimal  # free units at list price: reported as discount


@dataclass(frozen=True)
class Totals:
    lines: list[LineOut] = field(default_factory=list)
    subtotal: Decimal = ZERO
    percent_discount: Decimal = ZERO
    amount_discount: Decimal = ZERO
    free_goods_value: Decimal = ZERO
    tax: Decimal = ZERO
    total: Decimal = ZERO

    @property
    def discount(self) -> Decimal:
        return self.percent_discount + self.amount_discount + self.free_goods_value

    @property
    def list_value(self) -> Decimal:
        """What the goods incl. free units would cost at the quoted/list prices."""
        return self.subtotal + self.discount


def price_line(line: LineIn, *, number: int = 1) -> LineOut:
    if line.quantity < 0:
        raise PricingError(
            f"Line {number}: the quantity must not be negative.", line=number, field="quantity"
        )
    if line.unit_price < 0:
        raise PricingError(
            f"Line {number}: the unit price must not be negative.", line=number, field="unit_price"
        )
    if not 0 <= line.discount_percent <= 100:
        raise PricingError(
            f"Line {number}: the discount must lie between 0 and 100 %.",
            line=number,
            field="discount_percent",
        )
    if line.discount_amount < 0:
        raise PricingError(
            f"Line {number}: the discount amount must not be negative.",
            line=number,
            field="discount_amount",
        )
    gross = cents(line.quantity * line.unit_price)
    percent = cents(gross * line.discount_percent / HUNDRED)
    amount = min(cents(line.discount_amount), gross - percent)
    net = gross - percent - amount
    try:
        units = free_units(line.quantity, line.rule)
    except PricingError as exc:
        raise PricingError(f"Line {number}: {exc}", line=number, field="buy_quantity") from None
    list_price = line.unit_price if line.list_price is None else line.list_price
    return LineOut(gross, percent, amount, net, units, cents(units * list_price))


def quote_totals(lines: Sequence[LineIn], *, tax_rate: Decimal) -> Totals:
    if not 0 <= tax_rate <= 100:
        raise PricingError("The tax rate must lie between 0 and 100 %.", field="tax_rate")
    out = [price_line(line, number=i) for i, line in enumerate(lines, start=1)]
    subtotal = sum((o.net for o in out), ZERO)
    tax = cents(subtotal * tax_rate / HUNDRED)
    return Totals(
        lines=out,
        subtotal=subtotal,
        percent_discount=sum((o.percent_discount for o in out), ZERO),
        amount_discount=sum((o.amount_discount for o in out), ZERO),
        free_goods_value=sum((o.free_value for o in out), ZERO),
        tax=tax,
        total=subtotal + tax,
    )
