"""The organisation API: users, teams, memberships, calendars, absences."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from interlock.org.models import Absence, Membership, Team, User

API = "/api/v1"
PROBLEM = "application/problem+json"


def send(client: Any, method: str, path: str, body: Any) -> Any:
    return client.generic(
        method, f"{API}{path}", data=json.dumps(body), content_type="application/json"
    )


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    return response.json()


def fields(body: dict[str, Any]) -> set[str | None]:
    return {e["field"] for e in body.get("errors", [])}


def q(value: datetime | str) -> str:
    text = value.isoformat() if isinstance(value, datetime) else value
    return text.replace("+", "%2B")


# --- users -----------------------------------------------------------------------


def test_create_and_change_a_user(people: Any, api_as: Any) -> None:
    admin = api_as("admin")
    response = send(
        admin,
        "POST",
        "/users",
        {
            "username": "neu",
            "email": "Neu@Example.com",
            "first_name": "Nina",
            "role": "management",
        },
    )
    assert response.status_code == 201, response.content
    user = response.json()
    assert user["email"] == "neu@example.com"
    assert user["role"] == "management"
    assert user["teams"] == []
    assert not User.objects.get(pk=user["id"]).has_usable_password()

    changed = send(admin, "PATCH", f"/users/{user['id']}", {"title": "CFO", "role": "admin"}).json()
    assert changed["title"] == "CFO"
    assert changed["first_name"] == "Nina"  # untouched
    assert User.objects.get(pk=user["id"]).is_staff


def test_user_validation_errors(people: Any, api_as: Any) -> None:
    admin = api_as("admin")
    body = problem(send(admin, "POST", "/users", {"username": "member"}), 422)
    assert "username" in fields(body)
    body = problem(
        send(admin, "POST", "/users", {"username": "x", "email": "member@example.com"}), 422
    )
    assert body["errors"]
    body = problem(send(admin, "POST", "/users", {"username": "has space", "role": "king"}), 422)
    assert {"username", "role"} <= fields(body)
    body = problem(send(admin, "POST", "/users", {"username": "y", "email": "not-an-address"}), 422)
    assert "email" in fields(body)
    problem(send(admin, "PATCH", f"/users/{people.member.pk}", {"email": None}), 422)
    problem(send(admin, "PATCH", f"/users/{people.member.pk}", {"role": "king"}), 422)


def test_user_filters(people: Any, api_as: Any) -> None:
    client = api_as("readonly", "read")
    names = {
        u["username"] for u in client.get(f"{API}/users?team={people.sales.pk}").json()["items"]
    }
    assert names == {"lead", "member"}
    inactive = {u["username"] for u in client.get(f"{API}/users?active=false").json()["items"]}
    assert inactive == {"inactive"}
    found = {u["username"] for u in client.get(f"{API}/users?q=marke").json()["items"]}
    assert found == {"marketer"}
    one = client.get(f"{API}/users/{people.lead.pk}").json()
    assert one["teams"] == [
        {"team": {"id": people.sales.pk, "name": "Sales", "slug": "sales"}, "role": "lead"}
    ]


def test_trashed_team_is_not_listed_among_a_users_teams(people: Any, api_as: Any) -> None:
    api_as("admin").delete(f"{API}/teams/{people.sales.pk}")
    assert api_as("member", "read").get(f"{API}/users/{people.lead.pk}").json()["teams"] == []


def test_effective_assignee(people: Any, api_as: Any) -> None:
    start = timezone.now() - timedelta(hours=1)
    Absence.objects.create(
        user=people.member, deputy=people.lead, starts_at=start, ends_at=start + timedelta(days=1)
    )
    client = api_as("marketer", "read")
    now = client.get(f"{API}/users/{people.member.pk}/effective-assignee").json()
    assert now["assignee"]["id"] == people.lead.pk
    assert now["away"] is True
    later = client.get(
        f"{API}/users/{people.member.pk}/effective-assignee?at={q(start + timedelta(days=2))}"
    ).json()
    assert later["assignee"]["id"] == people.member.pk
    assert later["away"] is False
    problem(
        client.get(f"{API}/users/{people.member.pk}/effective-assignee?at=2026-01-01T10:00:00"), 422
    )


# --- teams -----------------------------------------------------------------------


def test_team_lifecycle(people: Any, api_as: Any) -> None:
    admin = api_as("admin")
    created = send(
        admin,
        "POST",
        "/teams",
        {
            "name": "Customer Success",
            "timezone": "America/New_York",
            "country": "US",
            "subdivision": "NY",
            "week": [
                {"weekday": 0, "start": "08:00", "end": "12:00"},
                {"weekday": 0, "start": "13:00", "end": "17:00"},
            ],
        },
    )
    assert created.status_code == 201, created.content
    team = created.json()
    assert team["slug"] == "customer-success"
    assert team["calendar"]["timezone"] == "America/New_York"
    assert len(team["calendar"]["week"]) == 2
    assert team["member_count"] == 0

    assert send(admin, "PATCH", f"/teams/{team['id']}", {"name": "CS"}).json()["name"] == "CS"
    assert admin.delete(f"{API}/teams/{team['id']}").status_code == 204
    problem(admin.get(f"{API}/teams/{team['id']}"), 404)
    assert Team.all_objects.get(pk=team["id"]).in_trash


def test_team_validation_errors(people: Any, api_as: Any) -> None:
    admin = api_as("admin")
    body = problem(send(admin, "POST", "/teams", {"name": "Sales"}), 422)
    assert body["errors"]
    problem(send(admin, "POST", "/teams", {"name": "!!!"}), 422)
    problem(send(admin, "POST", "/teams", {"name": "Z", "timezone": "Mars/Olympus"}), 422)
    problem(send(admin, "POST", "/teams", {"name": "Z", "country": "XX"}), 422)
    problem(send(admin, "POST", "/teams", {"name": "Z", "subdivision": "XX"}), 422)
    overlapping = [
        {"weekday": 1, "start": "09:00", "end": "12:00"},
        {"weekday": 1, "start": "11:00", "end": "14:00"},
    ]
    problem(send(admin, "POST", "/teams", {"name": "Z", "week": overlapping}), 422)
    backwards = [{"weekday": 1, "start": "12:00", "end": "09:00"}]
    problem(send(admin, "POST", "/teams", {"name": "Z", "week": backwards}), 422)
    problem(
        send(
            admin,
            "POST",
            "/teams",
            {"name": "Z", "week": [{"weekday": 7, "start": "09:00", "end": "10:00"}]},
        ),
        422,
    )
    assert not Team.objects.filter(slug="z").exists()
    problem(send(admin, "PATCH", f"/teams/{people.sales.pk}", {"name": None}), 422)
    problem(send(admin, "PATCH", f"/teams/{people.sales.pk}", {"name": ""}), 422)


def test_team_detail_has_members_and_calendar(people: Any, api_as: Any) -> None:
    team = api_as("readonly", "read").get(f"{API}/teams/{people.sales.pk}").json()
    assert team["member_count"] == 2
    assert {(m["user"]["username"], m["role"]) for m in team["members"]} == {
        ("lead", "lead"),
        ("member", "member"),
    }
    assert team["calendar"]["subdivision"] == "BW"
    assert len(team["calendar"]["week"]) == 5


def test_lead_manages_members_of_own_team_only(people: Any, api_as: Any) -> None:
    lead = api_as("lead")
    added = send(
        lead, "PUT", f"/teams/{people.sales.pk}/members/{people.marketer.pk}", {"role": "member"}
    )
    assert added.status_code == 200
    assert added.json()["user"]["id"] == people.marketer.pk
    promoted = send(
        lead, "PUT", f"/teams/{people.sales.pk}/members/{people.marketer.pk}", {"role": "lead"}
    )
    assert promoted.json()["role"] == "lead"
    assert Membership.objects.get(team=people.sales, user=people.marketer).role == "lead"
    problem(send(lead, "PUT", f"/teams/{people.marketing.pk}/members/{people.member.pk}", {}), 403)
    problem(
        send(
            lead, "PUT", f"/teams/{people.sales.pk}/members/{people.marketer.pk}", {"role": "boss"}
        ),
        422,
    )
    problem(send(lead, "PUT", f"/teams/{people.sales.pk}/members/999999", {}), 404)
    assert (
        lead.delete(f"{API}/teams/{people.sales.pk}/members/{people.member.pk}").status_code == 204
    )
    assert (
        lead.delete(f"{API}/teams/{people.sales.pk}/members/{people.member.pk}").status_code == 204
    )
    assert not Membership.objects.filter(team=people.sales, user=people.member).exists()


# --- calendars ----------------------------------------------------------------------


def test_calendar_replace_with_holidays(people: Any, api_as: Any) -> None:
    lead = api_as("lead")
    path = f"/teams/{people.sales.pk}/calendar"
    body = {
        "timezone": "Europe/Berlin",
        "country": "DE",
        "subdivision": "BY",
        "week": [{"weekday": d, "start": "08:00", "end": "16:00"} for d in range(4)],
        "company_holidays": [
            {"date": "2026-12-24", "name": "Christmas Eve"},
            {"date": "2026-12-31", "name": "NYE"},
        ],
    }
    calendar = send(lead, "PUT", path, body).json()
    assert calendar["subdivision"] == "BY"
    assert [w["weekday"] for w in calendar["week"]] == [0, 1, 2, 3]
    assert [h["date"] for h in calendar["company_holidays"]] == ["2026-12-24", "2026-12-31"]
    # Omitted holidays stay; a new list replaces them.
    body.pop("company_holidays")
    assert len(send(lead, "PUT", path, body).json()["company_holidays"]) == 2
    body["company_holidays"] = [{"date": "2026-12-24", "name": "Heiligabend"}]
    assert send(lead, "PUT", path, body).json()["company_holidays"] == [
        {"date": "2026-12-24", "name": "Heiligabend"}
    ]
    assert (
        api_as("member", "read").get(f"{API}{path}").json()["company_holidays"][0]["name"]
        == "Heiligabend"
    )


def test_calendar_validation(people: Any, api_as: Any) -> None:
    admin = api_as("admin")
    path = f"/teams/{people.sales.pk}/calendar"
    good = {"timezone": "Europe/Berlin", "country": "DE", "subdivision": "", "week": []}
    problem(send(admin, "PUT", path, {**good, "timezone": "Nowhere/Else"}), 422)
    problem(send(admin, "PUT", path, {**good, "subdivision": "ZZ"}), 422)
    problem(send(admin, "PUT", path, {**good, "country": "", "subdivision": "BY"}), 422)
    day = {"date": "2026-05-01", "name": "x"}
    problem(send(admin, "PUT", path, {**good, "company_holidays": [day, day]}), 422)
    problem(send(admin, "PUT", path, {"week": []}), 422)
    # Nothing changed by the failed attempts.
    assert api_as("admin").get(f"{API}{path}").json()["subdivision"] == "BW"
    problem(send(api_as("marketer"), "PUT", path, good), 403)


def test_due_and_business_hours(people: Any, api_as: Any) -> None:
    client = api_as("member", "read")
    base = f"{API}/teams/{people.sales.pk}/calendar"
    # Monday 2 March 2026, 10:00 in Berlin; 8 business hours later is Tuesday 10:00.
    due = client.get(f"{base}/due?start={q('2026-03-02T10:00:00+01:00')}&hours=8").json()["due"]
    assert datetime.fromisoformat(due) == datetime.fromisoformat("2026-03-03T10:00:00+01:00")
    half = client.get(f"{base}/due?start={q('2026-03-02T16:30:00+01:00')}&hours=0.75").json()["due"]
    assert datetime.fromisoformat(half) == datetime.fromisoformat("2026-03-03T09:15:00+01:00")
    hours = client.get(
        f"{base}/business-hours?start=2026-03-02T00:00:00Z&end=2026-03-09T00:00:00Z"
    ).json()
    assert hours == {"hours": 40.0}
    same = client.get(
        f"{base}/business-hours?start=2026-03-02T09:00:00Z&end=2026-03-02T09:00:00Z"
    ).json()
    assert same == {"hours": 0.0}


@pytest.mark.parametrize(
    "query",
    [
        "due?start=2026-03-02T10:00:00&hours=8",  # naive
        "due?start=2026-03-02T10:00:00Z&hours=-1",
        "due?start=2026-03-02T10:00:00Z&hours=100001",
        "due?start=2026-03-02T10:00:00Z&hours=NaN",
        "due?start=2026-03-02T10:00:00Z&hours=Infinity",
        "due?start=0001-01-01T00:00:00%2B05:00&hours=1",
        "due?start=9999-12-31T23:00:00-05:00&hours=1",
        "due?start=soon&hours=1",
        "due?hours=1",
        "business-hours?start=2026-03-09T00:00:00Z&end=2026-03-02T00:00:00Z",  # end before start
        "business-hours?start=2026-03-02T00:00:00Z&end=2026-03-09T00:00:00",
        "business-hours?start=1900-01-01T00:00:00Z&end=2999-01-01T00:00:00Z",  # too long a span
    ],
)
def test_bad_business_time_input_is_a_422(people: Any, api_as: Any, query: str) -> None:
    response = api_as("member", "read").get(f"{API}/teams/{people.sales.pk}/calendar/{query}")
    problem(response, 422)


def test_due_on_a_calendar_without_hours_is_a_422(people: Any, api_as: Any) -> None:
    admin = api_as("admin")
    path = f"/teams/{people.sales.pk}/calendar"
    send(admin, "PUT", path, {"timezone": "Europe/Berlin", "country": "DE", "week": []})
    body = problem(admin.get(f"{API}{path}/due?start=2026-03-02T10:00:00Z&hours=1"), 422)
    assert "business time" in body["detail"]


# --- absences -----------------------------------------------------------------------


def test_absence_lifecycle(people: Any, api_as: Any) -> None:
    member = api_as("member")
    now = timezone.now()
    body = {
        "user_id": people.member.pk,
        "deputy_id": people.lead.pk,
        "reason": "Holiday",
        "starts_at": (now - timedelta(hours=1)).isoformat(),
        "ends_at": (now + timedelta(days=5)).isoformat(),
    }
    created = send(member, "POST", "/absences", body)
    assert created.status_code == 201, created.content
    absence = created.json()
    assert absence["deputy"]["id"] == people.lead.pk

    listing = member.get(f"{API}/absences?current=true&user={people.member.pk}").json()["items"]
    assert [a["id"] for a in listing] == [absence["id"]]
    assert member.get(f"{API}/absences?user={people.lead.pk}").json()["items"] == []
    assert [
        a["id"] for a in member.get(f"{API}/absences?deputy={people.lead.pk}").json()["items"]
    ] == [absence["id"]]

    assert member.delete(f"{API}/absences/{absence['id']}").status_code == 204
    assert member.get(f"{API}/absences").json()["items"] == []
    trash = api_as("admin").get(f"{API}/trash?model=org.absence").json()["items"]
    assert [t["id"] for t in trash] == [absence["id"]]


def test_absence_validation(people: Any, api_as: Any) -> None:
    member = api_as("member")
    now = timezone.now()
    base = {
        "user_id": people.member.pk,
        "deputy_id": people.lead.pk,
        "starts_at": now.isoformat(),
        "ends_at": (now + timedelta(days=1)).isoformat(),
    }
    assert "deputy" in fields(
        problem(send(member, "POST", "/absences", {**base, "deputy_id": people.member.pk}), 422)
    )
    assert "ends_at" in fields(
        problem(send(member, "POST", "/absences", {**base, "ends_at": base["starts_at"]}), 422)
    )
    assert "deputy_id" in fields(
        problem(send(member, "POST", "/absences", {**base, "deputy_id": 999999}), 422)
    )
    assert "deputy" in fields(
        problem(send(member, "POST", "/absences", {**base, "deputy_id": people.inactive.pk}), 422)
    )
    naive = {**base, "starts_at": "2026-03-02T10:00:00"}
    assert "starts_at" in fields(problem(send(member, "POST", "/absences", naive), 422))
    # Someone else's absence: only their lead or an admin.
    problem(send(api_as("marketer"), "POST", "/absences", base), 403)
    assert not Absence.objects.exists()
