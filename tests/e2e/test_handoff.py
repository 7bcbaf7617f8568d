"""The lead handoff both ways in a real browser: scoring makes an MQL, sales rejects or accepts.

Marketing adds a fit rule; the re-scoring it starts (the queue runs immediately
in tests) makes two engaged contacts MQLs, routed to the sales rep. The rep
rejects one with a reason and a comment, marketing sees both on the rejections
page and disputes it; the rep accepts the other and qualifies it to SQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import PageLog, live_db, sign_in, skip_without_chromium, watch

skip_without_chromium()

pytestmark = [pytest.mark.e2e, live_db()]


@pytest.fixture
def open_page(browser: Any, page_log: PageLog) -> Iterator[Any]:
    """A fresh browser context per person (each signs in on their own)."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
        contexts.append(context)
        page = context.new_page()
        watch(page, page_log)
        return page

    yield make
    for context in contexts:
        context.close()


def _prepare(people: Any) -> tuple[Any, Any]:
    """Two engaged contacts at a Maschinenbau company; no fit rule yet, so grade D."""
    from interlock.customers import services as customers
    from interlock.leads import services_routing, services_scoring
    from interlock.leads.models import LeadProfile

    admin = people.admin
    services_scoring.engagement_rule_set(actor=admin, trigger="activity:meeting", points=30)
    services_routing.routing_rule_create(
        actor=admin, name="Alle Leads", team=people.sales, members=[people.member]
    )
    account = customers.account_create(
        actor=admin, name="Brandt Sondermaschinen GmbH", industry="Maschinenbau", country="DE"
    )
    made = []
    for first, last in (("Sabine", "Kraft"), ("Jonas", "Hahn")):
        contact = customers.contact_create(
            actor=admin,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@brandt.example",
            title="Leiter Einkauf",
            account=account,
        )
        for days in (5, 2):  # oldest first: each is scored as of its own moment
            customers.activity_log(
                actor=admin,
                kind="meeting",
                subject="Besuch auf der SPS",
                occurred_at=timezone.now() - timedelta(days=days),
                account=account,
                contact=contact,
            )
        made.append(contact)
    for contact in made:
        contact.refresh_from_db()
        assert contact.lifecycle_stage == ""  # engaged, but no fit yet
        assert LeadProfile.objects.get(pk=contact.pk).engagement_points >= 50
    return made[0], made[1]


def _seed_managed_lists() -> None:
    """The rows the data migrations seed: an earlier browser test's flush emptied them."""
    from importlib import import_module

    from django.apps import apps

    for name in ("0002_handoff", "0003_scoring"):
        migration = import_module(f"interlock.leads.migrations.{name}")
        for attr in ("seed", "create_defaults"):
            if hasattr(migration, attr):
                getattr(migration, attr)(apps, None)
                break


def test_handoff_both_ways(
    live_server: Any, people: Any, open_page: Any, page_log: PageLog
) -> None:
    from interlock.customers.models import Contact
    from interlock.leads.models import Handoff

    _seed_managed_lists()
    rejected_contact, accepted_contact = _prepare(people)
    base = live_server.url

    # (a) Marketing adds a fit rule; the re-score makes both contacts MQLs, routed to the rep.
    marketing = open_page()
    sign_in(marketing, base, "marketer", PASSWORD)
    marketing.goto(base + reverse("leads:scoring"))
    form = marketing.locator(f"form[action='{reverse('leads:scoring_rule_create')}']")
    form.locator("select[name=field]").select_option("industry")
    form.locator("select[name=operator]").select_option("equals")
    form.locator("input[name=value], textarea[name=value]").first.fill("Maschinenbau")
    form.locator("input[name=points]").fill("40")
    form.locator("input[name=name]").fill("Zielbranche")
    form.get_by_role("button", name="Add rule").click()
    marketing.wait_for_url(f"**{reverse('leads:scoring')}")
    assert marketing.get_by_text("The rule was added.").is_visible()
    marketing.locator("#rescore-status").get_by_text("2 promoted to MQL").wait_for()

    marketing.goto(base + reverse("leads:contact_panel", args=[rejected_contact.pk]))
    panel = marketing.locator("main")
    assert "MQL" in panel.locator("#lead-panel-title").inner_text()
    assert f"assigned to {people.member}" in panel.inner_text()
    handoff = Handoff.objects.get(contact=rejected_contact, status="open")
    assert handoff.assignee == people.member and handoff.team == people.sales

    # (b) The rep rejects it with a reason and a comment.
    sales = open_page()
    sign_in(sales, base, "member", PASSWORD)
    sales.goto(base + reverse("leads:my_leads"))
    row = sales.locator(f"#handoff-{handoff.pk}")
    row.get_by_role("link", name="Reject…").click()
    row.locator("select[name=reason]").select_option("wrong-persona")
    row.locator("textarea[name=comment], input[name=comment]").first.fill(
        "Einkauf entscheidet nicht, bitte Technik ansprechen."
    )
    row.get_by_role("button", name="Reject and return to marketing").click()
    sales.wait_for_load_state("networkidle")
    handoff.refresh_from_db()
    assert handoff.status == "rejected" and handoff.reason is not None
    assert handoff.reason.code == "wrong-persona"
    assert Contact.objects.get(pk=rejected_contact.pk).lifecycle_stage == "recycled"

    # (c) Marketing sees the reason and the comment, and disputes the rejection.
    marketing.goto(base + reverse("leads:rejections"))
    rejection = marketing.locator(f"#rejection-{handoff.pk}")
    assert "Wrong persona" in rejection.inner_text()
    assert "Einkauf entscheidet nicht" in rejection.inner_text()
    rejection.get_by_text("Dispute…").click()
    rejection.locator("textarea[name=comment]").fill("Hat zwei Termine zur SPS gemacht.")
    rejection.get_by_role("button", name="Dispute", exact=True).click()
    marketing.wait_for_load_state("networkidle")
    handoff.refresh_from_db()
    assert handoff.dispute == "open" and handoff.disputed_by == people.marketer
    marketing.goto(base + reverse("leads:rejections"))
    assert "Hat zwei Termine" in marketing.locator(f"#rejection-{handoff.pk}").inner_text()

    # (d) The other way: the rep accepts the second lead (SAL) and qualifies it (SQL).
    other = Handoff.objects.get(contact=accepted_contact, status="open")
    sales.goto(base + reverse("leads:my_leads"))
    sales.locator(f"#handoff-{other.pk}").get_by_role("button", name="Accept").click()
    sales.wait_for_load_state("networkidle")
    other.refresh_from_db()
    assert other.status == "accepted"
    assert Contact.objects.get(pk=accepted_contact.pk).lifecycle_stage == "sal"
    sales.goto(base + reverse("leads:contact_panel", args=[accepted_contact.pk]))
    qualify = sales.locator(
        f"form[action='{reverse('leads:contact_qualify', args=[accepted_contact.pk])}']"
    )
    qualify.locator("input[name=budget]").fill("ca. 250.000 €")
    qualify.locator("input[name=authority]").fill("Geschäftsführer")
    qualify.locator("textarea[name=need], input[name=need]").first.fill("Retrofit Linie 2")
    qualify.locator("input[name=timing]").fill("Q3")
    qualify.get_by_role("button", name="Save qualification").click()
    sales.locator("#lead-panel-title").get_by_text("SQL").wait_for()
    assert Contact.objects.get(pk=accepted_contact.pk).lifecycle_stage == "sql"
    page_log.assert_clean()
