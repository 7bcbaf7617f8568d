"""The deal board in a real browser: drag a card with the mouse, move one with the keyboard."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import PageLog, live_db, sign_in, skip_without_chromium

skip_without_chromium()

pytestmark = [pytest.mark.e2e, live_db()]


def test_drag_a_card_and_move_one_with_the_keyboard(
    live_server: Any, people: Any, desktop: Any, page_log: PageLog
) -> None:
    from interlock.sales.models import Deal, DealStageChange
    from tests.sales.conftest import build_world, make_deal

    world = build_world(people.admin)
    dragged = make_deal(world, people.admin, title="Filter für Acme")
    keyed = make_deal(world, people.admin, title="Maschine für Acme")
    lead, offer = world.stages["Lead"], world.stages["Offer"]
    page = desktop
    sign_in(page, live_server.url, "admin", PASSWORD)
    page.goto(f"{live_server.url}/sales/")

    # The mouse: drag the card onto the "Offer" column; htmx swaps the board in.
    card = page.locator(f"[data-board] [data-deal='{dragged.pk}']")
    with page.expect_response(lambda r: f"/deals/{dragged.pk}/move/" in r.url) as moved:
        card.drag_to(
            page.locator(f"[data-board] [data-stage='{offer.pk}'] .board__head"),
            source_position={"x": 6, "y": 6},  # the card's edge, not its link or fields
        )
    assert moved.value.status == 200
    offer_column = page.locator(f"[data-board] [data-stage='{offer.pk}']")
    offer_column.locator(f"[data-deal='{dragged.pk}']").wait_for()
    assert offer_column.locator(".count").inner_text() == "1"
    assert Deal.objects.get(pk=dragged.pk).stage_id == offer.pk
    assert DealStageChange.objects.filter(deal_id=dragged.pk, to_stage=offer).exists()

    # The keyboard: focus the card's "move to" list, pick the next stage, Tab, Enter.
    select = page.locator(f"#move-{keyed.pk}")
    select.focus()
    select.press("ArrowDown")  # Lead -> Offer
    assert select.input_value() == str(offer.pk)
    page.keyboard.press("Tab")  # the "reason if lost" list
    page.keyboard.press("Tab")  # the Move button
    with page.expect_response(lambda r: f"/deals/{keyed.pk}/move/" in r.url):
        page.keyboard.press("Enter")
    offer_column.locator(f"[data-deal='{keyed.pk}']").wait_for()
    assert offer_column.locator(".count").inner_text() == "2"
    lead_column = page.locator(f"[data-board] [data-stage='{lead.pk}']")
    assert lead_column.locator("[data-deal]").count() == 0
    assert Deal.objects.get(pk=keyed.pk).stage_id == offer.pk

    # Stored: a fresh page shows both in "Offer".
    page.reload()
    assert page.locator(f"[data-board] [data-stage='{offer.pk}'] [data-deal]").count() == 2
    page_log.assert_clean()
