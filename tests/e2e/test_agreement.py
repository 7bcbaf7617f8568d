"""Issue 5 "Done when", in a real browser: an MQL agreement from draft to breach to contract.

Two team leads draft, propose and sign the "MQL handoff" template. A lead
handed to sales on a Thursday at 16:00 and left alone breaches exactly
8 business hours later, on Monday at 16:00 (Thursday 16–17, Friday a company
holiday, the weekend, Monday 9–16), with the clock frozen at chosen moments.
The ladder notifies the rep and the team lead, and 4 business hours after the
breach gives the work to the deputy of the rep, who is away Monday to
Wednesday. The sales lead sees the notification, the scorecard counts the
breach, its drill-down lists it, and the contract prints and downloads as a
PDF in English and German.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import PASSWORD, make_user
from tests.e2e.conftest import PageLog, live_db, sign_in, skip_without_chromium, watch

skip_without_chromium()

pytestmark = [pytest.mark.e2e, live_db()]

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def open_page(browser: Any, page_log: PageLog) -> Iterator[Any]:
    """A fresh browser context per person (each signs in on their own)."""
    contexts: list[Any] = []

    def make() -> Any:
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        watch(page, page_log)
        return page

    yield make
    for context in contexts:
        context.close()


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


def _handoff_thursday(today: date) -> date:
    """The first Thursday after ``today`` whose Thursday, Monday and Tuesday are working days.

    The Friday between becomes the company holiday; a public holiday (Baden-Württemberg)
    on the other days would move the expected moments, so such weeks are skipped.
    """
    public = holidays.country_holidays("DE", subdiv="BW", years=range(today.year, today.year + 2))
    thursday = today + timedelta(days=(3 - today.weekday()) % 7 or 7)
    while any(
        day in public for day in (thursday, thursday + timedelta(days=4), thursday + timedelta(5))
    ):
        thursday += timedelta(days=7)
    return thursday


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=BERLIN)


def _quarter(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3


def _prepare(people: Any, thursday: date) -> tuple[Any, Any, Any]:
    """The marketing lead, the deputy, the calendar, the absence and the routing rule."""
    from interlock.customers import services as customers
    from interlock.leads import services_routing
    from interlock.org import services as org
    from interlock.org.models import Membership

    admin = people.admin
    mlead = make_user("mlead")
    Membership.objects.create(user=mlead, team=people.marketing, role=Membership.Role.LEAD)
    deputy = make_user("deputy")
    Membership.objects.create(user=deputy, team=people.sales)

    friday = thursday + timedelta(days=1)
    monday = thursday + timedelta(days=4)
    org.calendar_update(
        actor=admin,
        calendar=people.sales.calendar,
        timezone="Europe/Berlin",
        week={day: [(time(9), time(17))] for day in range(5)},
        company_holidays={friday: "Betriebsausflug"},
    )
    org.absence_create(
        actor=admin,
        user=people.member,
        deputy=deputy,
        starts_at=_at(monday, 0),
        ends_at=_at(monday + timedelta(days=3), 0),  # back on Thursday
        reason="Messe",
    )
    services_routing.routing_rule_create(
        actor=admin, name="Alle Leads", team=people.sales, members=[people.member]
    )
    account = customers.account_create(
        actor=admin, name="Brandt Sondermaschinen GmbH", industry="Maschinenbau", country="DE"
    )
    contact = customers.contact_create(
        actor=admin,
        first_name="Sabine",
        last_name="Kraft",
        email="sabine.kraft@brandt.example",
        title="Leiter Einkauf",
        account=account,
    )
    return mlead, deputy, contact


def _draft_propose_sign(base: str, marketing: Any, sales: Any) -> int:
    """Marketing's lead drafts from the template, proposes and signs; sales' lead signs."""
    from playwright.sync_api import expect

    sign_in(marketing, base, "mlead", PASSWORD)
    marketing.get_by_role("navigation").get_by_role("link", name="Agreements").first.click()
    marketing.get_by_role("link", name="New agreement").first.click()
    marketing.get_by_role("link", name="MQL handoff").click()
    form = marketing.locator(f"form[action='{reverse('agreements:new')}']")
    expect(form).to_be_visible()
    form.locator("select[name=provider_team]").select_option(label="Marketing")
    form.locator("select[name=receiver_team]").select_option(label="Sales")
    form.get_by_role("button", name="Create the draft").click()
    marketing.wait_for_url("**/edit/")
    terms = marketing.locator("section[aria-labelledby=terms-h]")
    expect(terms).to_contain_text("within 8 business hours")
    expect(marketing.locator("section[aria-labelledby=ladder-h]")).to_contain_text(
        "reassign to the deputy"
    )
    pk = int(marketing.url.rstrip("/").split("/")[-2])

    marketing.get_by_role("button", name="Propose for signature").first.click()
    sign_marketing = marketing.get_by_role("button", name="Sign for Marketing")
    expect(sign_marketing).to_be_visible()
    sign_marketing.click()
    expect(marketing.get_by_text("Still to sign: Sales")).to_be_visible()
    expect(marketing.get_by_role("button", name="Sign for Sales")).to_have_count(0)

    sign_in(sales, base, "lead", PASSWORD)
    sales.goto(base + reverse("agreements:list"))
    row = sales.locator(".agreement-row", has_text="MQL handoff")
    expect(row).to_contain_text("still to sign: Sales")
    row.get_by_role("link", name="MQL handoff").click()
    expect(sales.get_by_text("version 1: proposed")).to_be_visible()
    sales.get_by_role("button", name="Sign for Sales").click()
    expect(sales.get_by_text("version 1: active")).to_be_visible()
    expect(sales.locator("section[aria-labelledby=signatures-h]")).to_contain_text("for Sales")
    return pk


def test_mql_agreement_from_template_to_breach_and_contract(
    live_server: Any, people: Any, open_page: Any, page_log: PageLog
) -> None:
    from playwright.sync_api import expect

    from interlock.agreements import clock
    from interlock.agreements.models import Agreement, AgreementVersion, Obligation
    from interlock.core import events
    from interlock.leads import services_lifecycle
    from interlock.leads.models import Handoff
    from interlock.notify.models import Notification

    _seed_managed_lists()
    today = timezone.localdate(timezone.now(), BERLIN)
    thursday = _handoff_thursday(today)
    monday = thursday + timedelta(days=4)
    tuesday = thursday + timedelta(days=5)
    mlead, deputy, contact = _prepare(people, thursday)
    base = live_server.url

    # (1) Two team leads draft, propose and sign the MQL agreement in the browser.
    marketing, sales = open_page(), open_page()
    pk = _draft_propose_sign(base, marketing, sales)
    agreement = Agreement.objects.get(pk=pk)
    version = agreement.versions.get(number=1)
    assert version.status == AgreementVersion.Status.ACTIVE
    assert {s.side for s in version.signatures.all()} == {"provider", "receiver"}

    # (2) A lead handed to sales on Thursday 16:00 and left alone (clock frozen per tick).
    services_lifecycle.lifecycle_change(
        actor=mlead, contact=contact, to_stage="mql", at=_at(thursday, 16)
    )
    events.deliver()
    handoff = Handoff.objects.get(contact=contact, status=Handoff.Status.OPEN)
    assert handoff.assignee == people.member
    obligation = Obligation.objects.get(
        agreement=agreement, deliverable__key=f"handoff:{handoff.pk}"
    )
    assert obligation.assignee == people.member
    assert obligation.due_at == _at(monday, 16)

    clock.tick(now=_at(monday, 15, 59))
    events.deliver()
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.AT_RISK  # 75 %: Monday 14:00
    assert obligation.breached_at is None

    clock.tick(now=_at(monday, 16, 1))
    events.deliver()
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.BREACHED
    assert obligation.breached_at == _at(monday, 16)
    assert obligation.assignee == people.member
    breach_notes = Notification.objects.filter(topic="agreement.breach")
    assert {n.recipient_id for n in breach_notes} >= {people.member.pk, people.lead.pk}

    # Breach + 4 business hours = Tuesday 12:00: the rep is away, the deputy takes over.
    clock.tick(now=_at(tuesday, 11, 59))
    obligation.refresh_from_db()
    assert obligation.assignee == people.member
    clock.tick(now=_at(tuesday, 12, 1))
    events.deliver()
    obligation.refresh_from_db()
    handoff.refresh_from_db()
    assert obligation.assignee == deputy
    assert handoff.assignee == deputy and handoff.status == Handoff.Status.OPEN

    # (3) The sales lead sees the notification, the scorecard and the obligation behind it.
    sales.goto(base + reverse("agreements:list"))
    bell = sales.locator("a.nav-bell")
    expect(bell.locator(".badge")).to_be_visible()
    bell.click()
    expect(sales.locator("main")).to_contain_text("Breached: Sabine Kraft")

    scorecard = base + reverse("agreements:scorecard", args=[pk]) + "?period=quarter"
    if _quarter(thursday) == _quarter(today):
        # The breach counts in the quarter its lead was handed over: click its figure.
        sales.goto(scorecard)
        time_term = sales.locator("#scorecard section.card").first
        expect(time_term.locator("h2")).to_contain_text("MQL handed to a sales queue")
        this_period = time_term.locator("table").first.locator("tbody tr").first
        expect(this_period.locator("th")).to_have_text("This period")
        breached = this_period.locator("td").nth(3)  # deliverables, on time, late, breached
        expect(breached).to_have_text("1")
        breached.get_by_role("link").click()
    else:
        # Run in a quarter's last days, the next Thursday lies in the next quarter,
        # which no scorecard shows yet: go to the same drill-down by its filters.
        sales.goto(
            base
            + reverse("agreements:obligations", args=[pk])
            + f"?breached=1&date_from={thursday.isoformat()}&date_to={thursday.isoformat()}"
        )
    sales.wait_for_url("**/obligations/**")
    rows = sales.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Sabine Kraft")
    expect(rows.first).to_contain_text(re.compile("breached", re.IGNORECASE))
    expect(rows.first).to_contain_text(str(deputy))

    # (4) The contract prints and downloads, in English and in German.
    contract = base + reverse("agreements:contract", args=[pk, 1])
    sales.goto(contract)
    article = sales.locator("article.contract")
    expect(article).to_contain_text("within 8 business hours")
    expect(article).to_contain_text("4 business hours after a breach")
    for language in ("en", "de"):
        sales.goto(f"{contract}?lang={language}")
        expect(sales.locator("article.contract")).to_have_attribute("lang", language)
        with sales.expect_download() as info:
            sales.get_by_role("link", name="PDF").click()
        download = info.value
        assert download.suggested_filename.endswith(f"-v1-{language}.pdf")
        with open(download.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
    # The German wording comes with the translations (done later): the sentence keeps its "8".
    expect(sales.locator("article.contract ol.agreement-terms li").first).to_contain_text("8")
    page_log.assert_clean()
