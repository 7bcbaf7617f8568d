"""Scoring page, its partials, the API and the subscribers."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from interlock.customers.models import Account, Activity, Contact
from interlock.leads import subscribers_scoring
from interlock.leads.models import FitRule, LeadProfile, RescoreJob

pytestmark = pytest.mark.django_db


def test_page_adds_a_rule_and_shows_bad_ones_inline(client_as: Any) -> None:
    client = client_as("marketer")
    page = client.get(reverse("leads:scoring"))
    assert "No fit rules yet" in page.content.decode()
    bad = client.post(
        reverse("leads:scoring_rule_create"),
        {"field": "title", "operator": "matches", "value": "(CEO", "points": "10"},
    )
    assert bad.status_code == 422
    assert "does not compile" in bad.content.decode()
    assert not FitRule.objects.exists()
    good = client.post(
        reverse("leads:scoring_rule_create"),
        {"field": "industry", "operator": "equals", "value": "Maschinenbau", "points": "20"},
        follow=True,
    )
    body = good.content.decode()
    assert "industry equals Maschinenbau" in body
    assert "re-scored now" in body
    assert RescoreJob.objects.filter(status="queued").count() == 1


def test_settings_refuse_grades_that_do_not_descend(client_as: Any) -> None:
    response = client_as("lead").post(
        reverse("leads:scoring_settings"),
        {
            "grade_a_min": "10",
            "grade_b_min": "35",
            "grade_c_min": "5",
            "half_life_days": "30",
            "mql_min_grade": "B",
            "mql_min_engagement": "50",
        },
    )
    assert response.status_code == 422
    assert "Grades must descend" in response.content.decode()


def test_status_polls_while_running_and_stops_when_done(client_as: Any) -> None:
    client = client_as("readonly")
    job = RescoreJob.objects.create(version=1, status="running", total=200, done=50)
    running = client.get(reverse("leads:rescore_status"), HTTP_HX_REQUEST="true")
    html = running.content.decode()
    assert 'hx-trigger="every 2s"' in html and "50 of 200 contacts" in html
    assert 'value="25"' in html
    RescoreJob.objects.filter(pk=job.pk).update(status="done", done=200, promoted=3)
    done = client.get(reverse("leads:rescore_status"), HTTP_HX_REQUEST="true").content.decode()
    assert "hx-trigger" not in done and "3 promoted to MQL" in done


def test_score_panel_explains(client_as: Any) -> None:
    FitRule.objects.create(field="free_mail", operator="equals", value="true", points=-10)
    contact = Contact.objects.create(last_name="Weber", email="jo@gmx.de")
    html = (
        client_as("member")
        .get(reverse("leads:score_panel", args=[contact.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert "−10</span> free-mail address equals true" in html
    assert "<html" not in html


def test_api_refuses_bad_rules_clearly_and_scores(api_as: Any) -> None:
    api = api_as("marketer")
    bad = api.post(
        "/api/v1/scoring/fit-rules",
        {"field": "size", "operator": "gte", "value": "gigantic", "points": 5},
        content_type="application/json",
    )
    assert bad.status_code == 422
    assert "not a choice for company size" in bad.content.decode()
    unknown = api.put(
        "/api/v1/scoring/engagement-rules/activity:dance",
        {"points": 5},
        content_type="application/json",
    )
    assert unknown.status_code == 422 and "Unknown trigger" in unknown.content.decode()
    made = api.post(
        "/api/v1/scoring/fit-rules",
        {"field": "buying_role", "operator": "in", "value": "champion,user", "points": 15},
        content_type="application/json",
    )
    assert made.status_code == 201 and made.json()["value"] == "champion, user"
    contact = Contact.objects.create(last_name="Roth", buying_role="champion")
    score = api.get(f"/api/v1/contacts/{contact.pk}/score").json()
    assert (score["fit_points"], score["fit_grade"]) == (15, "C")
    job = api.post("/api/v1/scoring/rescore", {}, content_type="application/json")
    assert job.status_code == 202
    assert api.get(f"/api/v1/scoring/rescore/{job.json()['id']}").json()["status"] == "queued"
    settings = api.patch(
        "/api/v1/scoring/settings", {"grade_a_min": 1}, content_type="application/json"
    )
    assert settings.status_code == 422


def test_subscribers_rescore_the_contact_and_the_account(people: Any) -> None:
    FitRule.objects.create(field="industry", operator="equals", value="Handel", points=40)
    account = Account.objects.create(name="Roth Handel", industry="Handel")
    contact = Contact.objects.create(last_name="Roth", account=account)
    activity = Activity.objects.create(
        kind="call", subject="x", contact=contact, occurred_at=contact.created_at
    )

    class Event:
        payload = {"contact_id": contact.pk, "account_id": account.pk, "activity_id": activity.pk}
        occurred_at = contact.created_at

    subscribers_scoring.rescore_contact(Event())
    profile = LeadProfile.objects.get(pk=contact.pk)
    assert (profile.fit_points, profile.engagement_points) == (40, 10)
    Account.objects.filter(pk=account.pk).update(industry="Bau")
    subscribers_scoring.rescore_account(Event())
    assert LeadProfile.objects.get(pk=contact.pk).fit_points == 0
