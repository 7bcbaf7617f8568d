"""The accounts list in a real browser on a phone: no CSP errors, no sideways scroll,
select all on the page, keyboard column chooser, bulk tag with confirmation."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import PageLog, live_db, sign_in, skip_without_chromium

skip_without_chromium()

# The browser fixtures come from tests/e2e/conftest.py through tests/lists/conftest.py.
pytestmark = [pytest.mark.e2e, live_db(), pytest.mark.usefixtures("_package_static")]


def test_accounts_list_on_a_phone(
    live_server: Any, people: Any, phone: Any, page_log: PageLog
) -> None:
    from interlock.customers.models import Account
    from interlock.lists import selectors

    for name in ("Kessler GmbH", "Vogt AG"):
        Account.objects.create(name=name, industry="Machinery")
    page = phone
    sign_in(page, live_server.url, "member", PASSWORD)
    page.goto(f"{live_server.url}/customers/")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 380, width
    # Columns menu by keyboard: focus the summary, open it with Enter.
    page.locator("summary", has_text="Columns").focus()
    page.keyboard.press("Enter")
    assert page.locator("input[name=cols][value=region]").is_visible()
    # Select all on this page ticks every row (lists.js).
    page.locator("[data-select-all]").check()
    assert page.locator("input[name=ids]:checked").count() == 2
    page.locator("select[name=action]").select_option("add_tag")
    page.locator("input[name=tag]").fill("VIP")
    page.get_by_role("button", name="Apply…").click()
    page.get_by_role("button", name="Yes, do it").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_text("2 rows were tagged").is_visible()
    assert page.locator(".tag-chip").count() == 2
    assert selectors.with_tag(Account.objects.all(), "vip").count() == 2
    page_log.assert_clean()
