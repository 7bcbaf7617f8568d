"""Merging two duplicate contacts from the pages, in a real browser."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import PageLog, live_db, sign_in, skip_without_chromium

skip_without_chromium()

pytestmark = [pytest.mark.e2e, live_db()]


def test_merge_two_duplicate_contacts(
    live_server: Any, people: Any, desktop: Any, page_log: PageLog
) -> None:
    from interlock.customers import services
    from interlock.customers.models import Account, Contact, TimelineEntry

    admin = people.admin
    account = services.account_create(actor=admin, name="Brandt Maschinenbau GmbH")
    survivor = services.contact_create(
        actor=admin,
        first_name="Sabine",
        last_name="Kraft",
        email="s.kraft@brandt.example",
        account=account,
    )
    loser = services.contact_create(
        actor=admin,
        first_name="Sabine",
        last_name="Kraft",
        email="s.kraft@brandt.example",
        title="Leiterin Einkauf",
        account=account,
        allow_duplicate=True,
    )
    services.activity_log(
        actor=admin,
        kind="call",
        subject="Rückruf wegen Lieferzeit",
        occurred_at=timezone.now() - timedelta(days=3),
        account=account,
        contact=loser,
    )
    assert TimelineEntry.objects.filter(contact=loser).exists()  # projected (immediate queue)

    page = desktop
    base = live_server.url
    sign_in(page, base, "lead", PASSWORD)
    page.goto(f"{base}/customers/contacts/{survivor.pk}/")
    page.get_by_role("link", name="Merge a duplicate").click()
    # The duplicate (same e-mail) is suggested; pick it, see the preview, merge.
    page.get_by_role("link", name=f"(id {loser.pk})").click()
    assert "What moves" in page.locator("main form").inner_text()
    page.get_by_role("button", name="Merge now").click()
    page.wait_for_url(f"**/customers/contacts/{survivor.pk}/")
    assert page.get_by_text("was merged into this record").is_visible()

    # The survivor's timeline shows the loser's call; the loser is gone.
    timeline = page.locator("#timeline-list")
    timeline.get_by_text("Rückruf wegen Lieferzeit").wait_for()
    assert not Contact.objects.filter(pk=loser.pk).exists()  # in the trash
    assert Contact.all_objects.get(pk=loser.pk).deleted_at is not None
    assert Contact.objects.get(pk=survivor.pk).title == "Leiterin Einkauf"  # filled from it
    assert Account.objects.filter(pk=account.pk).exists()
    page_log.assert_clean()
    # Its page answers "not found" (checked last: the browser logs the 404 as an error).
    response = page.goto(f"{base}/customers/contacts/{loser.pk}/")
    assert response is not None and response.status == 404
