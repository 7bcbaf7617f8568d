"""Scorecards, the company overview and the drill-down to obligations (pages and API)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from interlock.agreements import selectors_scorecards as sel
from interlock.agreements.models import BreachDispute, PeriodResult, Term
from tests.agreements.test_rollups import MIX, add_obligations, make_agreement

pytestmark = pytest.mark.django_db


def _this_month(day: int = 2) -> datetime:
    today = timezone.localdate()
    return datetime(today.year, today.month, min(day, today.day), 10, tzinfo=UTC)


def _seeded(people: Any) -> Any:
    agreement = make_agreement(people)
    now = _this_month()
    add_obligations(
        agreement,
        [{**s, "opened_at": now, "team": people.sales, "assignee": people.member} for s in MIX],
    )
    last_month = sel.previous_period(sel.period_start(now.date(), "month"), "month")
    add_obligations(
        agreement,
        [
            {
                "status": "fulfilled",
                "seconds": 3600,
                "opened_at": datetime.combine(last_month, datetime.min.time(), tzinfo=UTC)
                + timedelta(days=3, hours=10),
            }
        ],
    )
    return agreement


def test_scorecard_figures(people: Any) -> None:
    agreement = _seeded(people)
    card = sel.scorecard(agreement, today=timezone.localdate(), period="month")
    time_card, quantity_card = card.terms
    f = time_card.current
    assert f is not None and time_card.previous is not None
    assert (f.deliverables, f.on_time, f.late, f.breached_open, f.waived, f.open) == (
        8,
        3,
        1,
        1,
        1,
        2,
    )
    assert f.breached == 2
    assert f.compliance == pytest.approx(3 / 5)  # waived counts neither way
    assert f.median_seconds is not None and 5000 < f.median_seconds < 12000
    assert time_card.previous.compliance == 1.0
    assert len(time_card.trend) == 12
    assert [g.key for g in time_card.teams] == [people.sales.pk]
    assert [g.key for g in time_card.people] == [people.member.pk]
    assert quantity_card.current is None and quantity_card.results == []


def test_quantity_term_shows_period_results(people: Any) -> None:
    agreement = make_agreement(people)
    term = Term.objects.get(version__agreement=agreement, type="quantity")
    PeriodResult.objects.create(
        term=term,
        period_start=date(2026, 1, 1),
        period_end=date(2026, 2, 1),
        status="missed",
        final=True,
        count=7,
        evaluated_at=timezone.now(),
    )
    card = sel.scorecard(agreement, today=date(2026, 2, 10), period="month", term_id=term.pk)
    assert [tc.term.pk for tc in card.terms] == [term.pk]
    assert [r.count for r in card.terms[0].results] == [7]


def test_overview_worst_first_with_disputes(people: Any) -> None:
    good = make_agreement(people, title="Good")
    bad = make_agreement(people, title="Bad")
    make_agreement(people, title="Draft only", active=False)
    now = _this_month()
    add_obligations(good, [{"status": "fulfilled", "seconds": 60, "opened_at": now}])
    obligation = add_obligations(bad, [{"status": "breached", "opened_at": now}])[0]
    BreachDispute.objects.create(
        agreement=bad,
        obligation=obligation,
        reason="Not ours",
        raised_by=people.lead,
        raised_at=timezone.now(),
    )
    rows = sel.overview(today=timezone.localdate())
    assert [r.agreement.title for r in rows] == ["Bad", "Good"]
    assert rows[0].open_disputes == 1 and rows[0].current.breached == 1


def test_pages_and_drill_down(people: Any, client_as: Any) -> None:
    agreement = _seeded(people)
    client = client_as("readonly")
    page = client.get(reverse("agreements:overview"))
    assert page.status_code == 200 and agreement.title in page.content.decode()
    page = client.get(reverse("agreements:scorecard", args=[agreement.pk]) + "?period=week")
    assert page.status_code == 200
    page = client.get(reverse("agreements:scorecard", args=[agreement.pk]))
    html = page.content.decode()
    assert "60 %" in html and '<img class="chart"' in html
    # The "breached" figure of this period links to exactly its two obligations.
    links = re.findall(r'href="([^"]*obligations/\?[^"]*breached=1[^"]*)"', html)
    assert links
    listed = client.get(links[0].replace("&amp;", "&"))
    assert listed.status_code == 200
    assert listed.content.decode().count("<tr>") - 1 == 2  # header row + two obligations


def test_obligation_filters(people: Any) -> None:
    agreement = _seeded(people)
    all_rows = sel.obligations(agreement, sel.ObligationFilters())
    assert all_rows.count() == 10
    on_time = sel.obligations(agreement, sel.ObligationFilters(statuses=("fulfilled",)))
    assert on_time.count() == 4
    waived = sel.obligations(agreement, sel.ObligationFilters(waived=True))
    assert waived.count() == 1
    nobody = sel.obligations(agreement, sel.ObligationFilters(assignee_id=0))
    assert nobody.count() == 1


def test_bad_input_is_a_clear_error(people: Any, client_as: Any) -> None:
    agreement = make_agreement(people)
    other = make_agreement(people, title="Other")
    foreign = Term.objects.filter(version__agreement=other).first()
    client = client_as("member")
    url = reverse("agreements:scorecard", args=[agreement.pk])
    assert client.get(url + "?period=year").status_code == 400
    assert client.get(url + f"?term={foreign.pk}").status_code == 404
    assert client.get(reverse("agreements:scorecard", args=[999999])).status_code == 404
    listing = reverse("agreements:obligations", args=[agreement.pk])
    bad = client.get(listing + "?date_from=2026-03-10&date_to=2026-03-01")
    assert bad.status_code == 400 and "before its start" in bad.content.decode()
    assert client.get(listing + "?status=nonsense").status_code == 400


def test_api(people: Any, api_as: Any) -> None:
    agreement = _seeded(people)
    api = api_as("readonly", "read")
    card = api.get(f"/api/v1/agreements/{agreement.pk}/scorecard")
    assert card.status_code == 200, card.content
    term = card.json()["terms"][0]
    assert term["current"]["breached"] == 2 and term["current"]["compliance"] == 0.6
    listed = api.get(f"/api/v1/agreements/{agreement.pk}/obligations?breached=true&limit=1")
    body = listed.json()
    assert listed.status_code == 200 and len(body["items"]) == 1 and body["next_cursor"]
    second = api.get(
        f"/api/v1/agreements/{agreement.pk}/obligations?breached=true&limit=1"
        f"&cursor={body['next_cursor']}"
    )
    assert len(second.json()["items"]) == 1 and second.json()["next_cursor"] is None
    bad = api.get(f"/api/v1/agreements/{agreement.pk}/obligations?status=nonsense")
    assert bad.status_code == 422
    assert api.get(f"/api/v1/agreements/{agreement.pk}/scorecard?period=year").status_code == 422
    assert api.get("/api/v1/agreements/999999/scorecard").status_code == 404


def test_api_overview_route_is_not_an_agreement_id(people: Any, api_as: Any) -> None:
    """Needs every ``/agreements/{agreement_id}`` route typed ``{int:agreement_id}``."""
    agreement = _seeded(people)
    overview = api_as("readonly", "read").get("/api/v1/agreements/scorecards?period=quarter")
    assert overview.status_code == 200, overview.content
    assert overview.json()["agreements"][0]["agreement_id"] == agreement.pk
