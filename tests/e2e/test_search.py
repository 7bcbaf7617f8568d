"""Search in a real browser: the navigation's type-ahead by keyboard, at desktop and phone size."""

from __future__ import annotations

import os
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import PageLog, live_db, sign_in, skip_without_chromium, watch

skip_without_chromium()

pytestmark = [pytest.mark.e2e, live_db()]
SHOTS = os.environ.get("INTERLOCK_SCREENSHOTS", "")


def _records(people: Any) -> Any:
    from interlock.core import events
    from interlock.customers import services
    from interlock.search.services import rebuild_index

    rebuild_index()  # a flush between browser tests leaves the raw index table alone

    acme = services.account_create(actor=people.member, name="Kessler Maschinenbau GmbH")
    anna = services.contact_create(
        actor=people.member, last_name="Kessler", first_name="Anna", account=acme
    )
    events.deliver()
    return anna


def _shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"search-{name}.png"), full_page=False)


def test_type_arrow_enter_opens_the_record(
    live_server: Any, people: Any, desktop: Any, page_log: PageLog
) -> None:
    anna = _records(people)
    sign_in(desktop, live_server.url, "member", PASSWORD)
    # The navigation stays on one line at 1280 px.
    header = desktop.locator(".site-header").bounding_box()
    assert header and header["height"] < 70, header
    box = desktop.locator("#nav-search-q")
    box.click()
    box.press_sequentially("kessler an", delay=20)
    option = desktop.locator("#nav-search-list [role=option]").first
    option.wait_for(state="visible")
    assert box.get_attribute("aria-expanded") == "true"
    _shot(desktop, "desktop-suggestions")
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "nav-search-opt-1"
    with desktop.expect_navigation():
        box.press("Enter")
    assert desktop.url.endswith(f"/customers/contacts/{anna.pk}/")
    page_log.assert_clean()


def test_enter_without_choice_opens_results_and_escape_closes(
    live_server: Any, people: Any, desktop: Any, page_log: PageLog
) -> None:
    _records(people)
    sign_in(desktop, live_server.url, "member", PASSWORD)
    box = desktop.locator("#nav-search-q")
    box.fill("kessl")
    box.press("End")
    desktop.locator("#nav-search-list [role=option]").first.wait_for(state="visible")
    box.press("Escape")
    assert desktop.locator("#nav-search-list").is_hidden()
    with desktop.expect_navigation():
        box.press("Enter")
    assert "/search/?q=kessl" in desktop.url
    assert desktop.locator(".search-hit").count() == 2
    _shot(desktop, "desktop-results")
    page_log.assert_clean()


def test_phone_and_german_navigation(live_server: Any, people: Any, browser: Any) -> None:
    _records(people)
    log = PageLog()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="de-DE")
    page = context.new_page()
    watch(page, log)
    sign_in(page, live_server.url, "admin", PASSWORD)
    header = page.locator(".site-header").bounding_box()
    assert header and header["height"] < 70, header
    _shot(page, "desktop-nav-admin")
    context.close()

    context = browser.new_context(
        viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True, locale="en-GB"
    )
    page = context.new_page()
    watch(page, log)
    sign_in(page, live_server.url, "member", PASSWORD)
    page.locator(".nav-toggle").click()
    box = page.locator("#nav-search-q")
    box.fill("kessler")
    page.locator("#nav-search-list [role=option]").first.wait_for(state="visible")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, width
    _shot(page, "phone-suggestions")
    context.close()
    log.assert_clean()
