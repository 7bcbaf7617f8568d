"""The page shell in a real browser: sign-in, language, organisation pages, CSP, phone size."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import PageLog, live_db, sign_in, skip_without_chromium

skip_without_chromium()

pytestmark = [pytest.mark.e2e, live_db()]


def _assert_csp(response: Any) -> None:
    header = response.headers.get("content-security-policy", "")
    assert "default-src 'self'" in header, header
    script_src = re.search(r"script-src ([^;]*)", header)
    assert script_src and "'unsafe-inline'" not in script_src.group(1), header
    style_src = re.search(r"style-src ([^;]*)", header)
    assert style_src and "'unsafe-inline'" not in style_src.group(1), header


def test_sign_in_language_and_organisation_pages(
    live_server: Any, people: Any, desktop: Any, page_log: PageLog
) -> None:
    from interlock.org.models import Absence

    now = timezone.now()
    Absence.objects.create(
        user=people.member,
        deputy=people.lead,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=2),
        reason="Trade fair",
    )
    page = desktop
    base = live_server.url

    sign_in(page, base, "lead", PASSWORD)
    assert page.url.rstrip("/") == base
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    assert page.get_by_text("Member Test").first.is_visible()  # away today, with cover
    # The stylesheet and htmx loaded from our own static files.
    assert page.evaluate("getComputedStyle(document.body).fontFamily").startswith("system-ui")
    assert page.evaluate("typeof window.htmx") == "object"

    # Language: German and back, through Django's set_language (a form POST).
    page.get_by_role("button", name="DE").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "de"
    page.get_by_role("button", name="EN").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"

    # Organisation: teams, one team with its calendar, absences.
    response = page.goto(f"{base}/org/")
    assert response is not None and response.status == 200
    _assert_csp(response)
    assert page.get_by_role("heading", name="Teams", level=1).is_visible()
    page.get_by_role("link", name="Sales").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Business calendar").is_visible()
    assert page.get_by_text("Europe/Berlin").first.is_visible()
    assert page.locator(".holiday").count() > 0  # public holidays of Baden-Württemberg

    # The due time calculator answers through htmx, without a page load.
    page.get_by_label("Start").fill("2026-03-06T15:00")
    page.get_by_label("Business hours").fill("4")
    page.get_by_role("button", name="Calculate").click()
    page.locator(".due-result__value").wait_for()
    assert "Monday" in page.locator(".due-result__value").inner_text()

    # The lead adds a member through htmx.
    page.get_by_label("Person").select_option(label="Marketer Test")
    page.get_by_role("button", name="Add member").click()
    page.get_by_role("cell", name="Marketer Test", exact=True).wait_for()
    assert people.sales.memberships.filter(user=people.marketer).exists()

    response = page.goto(f"{base}/org/absences/")
    assert response is not None and response.status == 200
    _assert_csp(response)
    assert page.get_by_role("cell", name="Trade fair").is_visible()

    page_log.assert_clean()


def test_phone_menu_button_opens_navigation(
    live_server: Any, people: Any, phone: Any, page_log: PageLog
) -> None:
    page = phone
    sign_in(page, live_server.url, "member", PASSWORD)
    menu = page.get_by_role("button", name="Menu")
    organisation = page.get_by_role("navigation", name="Modules").get_by_role(
        "link", name="Organisation"
    )
    assert menu.is_visible()
    assert not organisation.is_visible()
    assert menu.get_attribute("aria-expanded") == "false"
    menu.click()
    assert menu.get_attribute("aria-expanded") == "true"
    assert organisation.is_visible()
    organisation.click()
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/org/")
    # Nothing runs wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page_log.assert_clean()


def test_wrong_password_then_sign_in(
    live_server: Any, people: Any, desktop: Any, page_log: PageLog
) -> None:
    page = desktop
    sign_in(page, live_server.url, "member", "not the password")
    assert (
        page.get_by_role("alert")
        .inner_text()
        .startswith("The user name or the password is not correct")
    )
    sign_in(page, live_server.url, "member", PASSWORD)
    assert page.get_by_role("heading", level=1).inner_text().startswith("Welcome")
    page_log.assert_clean()
