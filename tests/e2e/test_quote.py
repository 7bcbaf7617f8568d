"""A quote with free goods in a real browser: editor, totals, printable page."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import PageLog, live_db, sign_in, skip_without_chromium

skip_without_chromium()

pytestmark = [pytest.mark.e2e, live_db()]


def test_buy_ten_get_one_free_gives_a_free_line_and_the_right_totals(
    live_server: Any, people: Any, desktop: Any, page_log: PageLog
) -> None:
    from interlock.sales.models import Quote
    from tests.sales.conftest import build_world, make_deal

    world = build_world(people.admin)  # "Filter": 86.50 EUR, buy 10 get 1 free
    assert (world.filter.buy_quantity, world.filter.free_quantity) == (10, 1)
    deal = make_deal(world, people.admin)
    page = desktop
    sign_in(page, live_server.url, "member", PASSWORD)

    # A new English quote from the deal page.
    page.goto(f"{live_server.url}/sales/deals/{deal.pk}/")
    page.select_option("#quote-lang", "en")
    page.get_by_role("button", name="New quote").click()
    page.wait_for_url("**/sales/quotes/*/")
    quote = Quote.objects.get(deal=deal)

    # One line: 20 filters. Saving adds the free line (2 units at 0).
    page.select_option("select[name='lines-0-product']", str(world.filter.pk))
    page.fill("input[name='lines-0-quantity']", "20")
    with page.expect_response(lambda r: r.url.endswith(f"/quotes/{quote.pk}/")):
        page.get_by_role("button", name="Save lines").click()
    free = page.locator("#quote-editor tr.quote-table__free")
    free.wait_for()
    assert free.count() == 1
    cells = free.locator("td")
    assert cells.nth(2).inner_text() == "2"  # quantity
    assert cells.nth(3).inner_text() == "0.00"  # unit price
    assert "free of charge" in cells.nth(1).inner_text()
    totals = page.locator("#quote-totals").inner_text()
    # 20 × 86.50 = 1,730.00 net; 2 × 86.50 = 173.00 given away; 19 % tax 328.70.
    assert "1,730.00 EUR" in totals and "173.00" in totals and "2,058.70 EUR" in totals

    lines = list(quote.lines.order_by("position"))
    assert [(line.quantity, line.unit_price) for line in lines] == [
        (Decimal(20), Decimal("86.50")),
        (Decimal(2), Decimal(0)),
    ]

    # The printable page shows the free line and the same totals.
    page.get_by_role("link", name="Printable quote").click()
    page.wait_for_url(f"**/quotes/{quote.pk}/print/")
    printed = page.locator("article.quote-print")
    assert printed.locator("tr.quote-table__free").count() == 1
    text = printed.inner_text()
    assert "2 × " in text and "free of charge" in text
    assert "1,730.00 EUR" in text and "2,058.70 EUR" in text
    page_log.assert_clean()
