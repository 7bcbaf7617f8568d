"""Report pages and API: filters, partials, CSV, bad parameters, the refresh subscriber."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from interlock.core import events
from interlock.leads.models.reports import ReportWatermark
from tests.leads.test_reports_rollups import answered, contact, transition

pytestmark = pytest.mark.django_db

PERIOD = {"period_from": "2025-01", "period_to": "2025-03"}


@pytest.fixture
def history(people: Any) -> None:
    a, b = contact(), contact()
    transition(a, ("", "lead"), 0, None, source="web_form", owner=people.member, segment="10-49")
    transition(a, ("lead", "mql"), 3, 3 * 86400, source="web_form", owner=people.member)
    transition(a, ("mql", "sal"), 4, 86400, source="web_form", owner=people.member)
    transition(b, ("", "lead"), 1, None, source="event")
    transition(b, ("lead", "mql"), 40, 39 * 86400, source="event")
    answered(people, a, 1800, "accepted", days=4)
    answered(people, b, 20 * 3600, "rejected", days=40)


def test_funnel_page_with_filters_partial_and_csv(
    client_as: Any, people: Any, history: None
) -> None:
    client = client_as("readonly")
    url = reverse("leads:funnel")
    page = client.get(url, {**PERIOD, "group_by": "source"})
    assert page.status_code == 200
    html = page.content.decode()
    assert '<img class="chart"' in html and "web form" in html
    assert "Conversion" in html
    partial = client.get(
        url, {**PERIOD, "group_by": "owner", "owner": people.member.pk}, HTTP_HX_REQUEST="true"
    )
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert str(people.member) in partial.content.decode()
    export = client.get(url, {**PERIOD, "export": "csv", "source": "event"})
    assert export["Content-Type"].startswith("text/csv")
    lines = export.content.decode().splitlines()
    assert any(line.startswith("All,mql,1,") for line in lines)
    bad = client.get(url, {"period_from": "2025-05", "period_to": "2025-01"})
    assert bad.status_code == 400
    assert "must not be after" in bad.content.decode()
    assert client.get(url, {"period_from": "März"}).status_code == 400


def test_speed_page_and_csv(client_as: Any, people: Any, history: None) -> None:
    client = client_as("member")
    url = reverse("leads:speed")
    page = client.get(url, {**PERIOD, "group_by": "month"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "2025-01" in html and "2025-02" in html and "within 1 h" in html
    export = client.get(url, {**PERIOD, "group_by": "team", "export": "csv"})
    rows = export.content.decode().splitlines()
    assert rows[1].startswith("Sales,2,1,1,")
    assert client.get(url, {"group_by": "planet"}).status_code == 400


def test_api_reports_and_bad_parameters(api_as: Any, people: Any, history: None) -> None:
    api = api_as("readonly", scope="read")
    funnel = api.get("/api/v1/reports/funnel", {**PERIOD, "group_by": "month"})
    assert funnel.status_code == 200, funnel.content
    body = funnel.json()
    assert [g["key"] for g in body["groups"]] == ["2025-01", "2025-02"]
    lead = next(s for s in body["total"]["stages"] if s["stage"] == "lead")
    assert (lead["entered"], lead["left"], lead["forward"], lead["conversion"]) == (2, 2, 2, 1.0)
    assert body["months"][0] == {"month": "2025-01-01", "mqls": 1, "sqls": 0}
    speed = api.get(
        "/api/v1/reports/speed-to-lead", {**PERIOD, "group_by": "source", "team": people.sales.pk}
    )
    assert speed.status_code == 200, speed.content
    total = speed.json()["total"]
    assert (total["count"], total["accepted"], total["within_1h"], total["within_24h"]) == (
        2,
        1,
        0.5,
        1.0,
    )
    for params in (
        {"period_from": "2025-13"},
        {"period_from": "2025-04", "period_to": "2025-01"},
        {"group_by": "rep"},
        {"period_from": "1990-01", "period_to": "2025-01"},
        {"owner": "zero"},
    ):
        response = api.get("/api/v1/reports/funnel", params)
        assert response.status_code == 422, params
        assert response["Content-Type"].startswith("application/problem+json")
        assert response.json()["detail"]


def test_events_fold_new_rows_in_after_commit(
    people: Any, django_capture_on_commit_callbacks: Any
) -> None:
    who = contact()
    with django_capture_on_commit_callbacks(execute=True):
        row = transition(who, ("", "lead"), 0, None)
        events.record("lead.stage_changed", subject=who, payload={"contact_id": who.pk})
    assert ReportWatermark.objects.get(name="funnel").last_id == row.pk


def test_cli_rebuild_and_refresh(history: None) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("leads", "rebuild-reports", stdout=out)
    assert "funnel: up to" in out.getvalue()
    call_command("leads", "refresh-reports", stdout=out)
    assert "refresh-reports: funnel: up to 0 new ids, speed: up to 0 new ids" in out.getvalue()
