"""Teams, members (htmx), business calendar, company holidays and the due time calculator."""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest
from django.urls import reverse

from interlock.org.models import CompanyHoliday, Membership, WorkingHours

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _week(team: Any) -> list[tuple[int, time, time]]:
    return list(
        WorkingHours.objects.filter(calendar__team=team).values_list("weekday", "start", "end")
    )


def test_teams_list_members_and_leads(people: Any, client_as: Any) -> None:
    html = client_as("readonly").get(reverse("org:teams")).content.decode()
    assert "Sales" in html and "Marketing" in html
    assert "Lead Test" in html and "Marketer Test" in html


def test_team_page_shows_calendar_and_public_holidays(people: Any, client_as: Any) -> None:
    html = client_as("member").get(reverse("org:team", args=[people.sales.pk])).content.decode()
    assert "Europe/Berlin" in html
    assert "09:00–17:00" in html
    assert "Christmas Day" in html  # always within the next 12 months
    assert "Add member" not in html  # a member may not edit
    assert "Edit calendar" not in html


def test_holiday_names_follow_the_language(people: Any, client_as: Any) -> None:
    html = (
        client_as("member")
        .get(reverse("org:team", args=[people.sales.pk]), HTTP_ACCEPT_LANGUAGE="de")
        .content.decode()
    )
    assert "Erster Weihnachtstag" in html


def test_unknown_team_is_404(people: Any, client_as: Any) -> None:
    assert client_as("member").get(reverse("org:team", args=[9999])).status_code == 404


# --- members ---------------------------------------------------------------------------


def test_lead_adds_a_member_with_htmx(people: Any, client_as: Any) -> None:
    response = client_as("lead").post(
        reverse("org:team_member_add", args=[people.sales.pk]),
        {"user": people.marketer.pk, "role": "member"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="team-members"')
    assert "Marketer Test" in html
    assert 'hx-swap-oob="true"' in html and "is now in the team" in html
    assert Membership.objects.filter(team=people.sales, user=people.marketer).exists()


def test_member_add_without_htmx_redirects(people: Any, client_as: Any) -> None:
    response = client_as("admin").post(
        reverse("org:team_member_add", args=[people.sales.pk]),
        {"user": people.marketer.pk, "role": "lead"},
    )
    assert response.status_code == 302
    assert Membership.objects.get(team=people.sales, user=people.marketer).role == "lead"


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"user": "abc", "role": "member"},
        {"user": 99999, "role": "member"},
        {"user": "member", "role": "member"},
        {"user": "marketer", "role": "boss"},
    ],
)
@pytest.mark.parametrize("htmx", [True, False])
def test_member_add_bad_input_is_a_form_error(
    body: dict[str, Any], htmx: bool, people: Any, client_as: Any
) -> None:
    body = dict(body)
    if body.get("user") in ("member", "marketer"):
        body["user"] = getattr(people, body["user"]).pk  # member is in the team already
    before = list(Membership.objects.values_list("team", "user", "role"))
    response = client_as("lead").post(
        reverse("org:team_member_add", args=[people.sales.pk]), body, **(HTMX if htmx else {})
    )
    assert response.status_code == 422
    assert 'class="error"' in response.content.decode()
    assert ("<html" in response.content.decode()) is not htmx
    assert list(Membership.objects.values_list("team", "user", "role")) == before


def test_lead_changes_a_role_and_removes_a_member(people: Any, client_as: Any) -> None:
    client = client_as("lead")
    url = reverse("org:team_member_role", args=[people.sales.pk, people.member.pk])
    assert client.post(url, {"role": "lead"}, **HTMX).status_code == 200
    assert Membership.objects.get(team=people.sales, user=people.member).role == "lead"
    response = client.post(url, {"role": "chief"}, **HTMX)
    assert response.status_code == 422
    assert "The role was not changed" in response.content.decode()
    assert Membership.objects.get(team=people.sales, user=people.member).role == "lead"
    remove = reverse("org:team_member_remove", args=[people.sales.pk, people.member.pk])
    assert client.post(remove, **HTMX).status_code == 200
    assert not Membership.objects.filter(team=people.sales, user=people.member).exists()
    # Not in the team any more: nothing to change.
    assert client.post(remove, **HTMX).status_code == 404


def test_lead_of_another_team_may_not_edit_members(people: Any, client_as: Any) -> None:
    response = client_as("lead").post(
        reverse("org:team_member_add", args=[people.marketing.pk]),
        {"user": people.member.pk, "role": "member"},
    )
    assert response.status_code == 403


# --- calendar ---------------------------------------------------------------------------


def _calendar_body(**changes: str) -> dict[str, str]:
    body = {
        "timezone": "Europe/Berlin",
        "country": "DE",
        "subdivision": "BY",
        **{f"day_{d}": "08:00-12:00, 13:00-16:30" for d in range(5)},
        "day_5": "",
        "day_6": "",
    }
    body.update(changes)
    return body


def test_lead_edits_the_calendar(people: Any, client_as: Any) -> None:
    client = client_as("lead")
    url = reverse("org:calendar_edit", args=[people.sales.pk])
    page = client.get(url).content.decode()
    assert 'value="09:00-17:00"' in page
    response = client.post(url, _calendar_body(day_5="10:00-14:00"))
    assert response.status_code == 302
    calendar = people.sales.calendar
    calendar.refresh_from_db()
    assert calendar.subdivision == "BY"
    assert (5, time(10), time(14)) in _week(people.sales)
    assert len(_week(people.sales)) == 11


@pytest.mark.parametrize(
    "changes",
    [
        {"day_0": "9-5"},
        {"day_1": "17:00-09:00"},
        {"day_2": "25:00-26:00"},
        {"day_3": "08:00-12:00, 11:00-15:00"},
        {"timezone": "Mars/Olympus"},
        {"country": "XX"},
        {"subdivision": "ZZ"},
        {"country": "", "subdivision": "BY"},
        {"timezone": ""},
    ],
)
def test_calendar_bad_input_is_a_form_error_and_changes_nothing(
    changes: dict[str, str], people: Any, client_as: Any
) -> None:
    before = _week(people.sales)
    response = client_as("admin").post(
        reverse("org:calendar_edit", args=[people.sales.pk]), _calendar_body(**changes)
    )
    assert response.status_code == 422
    assert "Please correct the marked fields." in response.content.decode()
    calendar = people.sales.calendar
    calendar.refresh_from_db()
    assert (calendar.timezone, calendar.country, calendar.subdivision) == (
        "Europe/Berlin",
        "DE",
        "BW",
    )
    assert _week(people.sales) == before


def test_company_holidays_added_and_removed_with_htmx(people: Any, client_as: Any) -> None:
    client = client_as("lead")
    day = date.today() + timedelta(days=45)
    response = client.post(
        reverse("org:holiday_add", args=[people.sales.pk]),
        {"date": day.isoformat(), "name": "Team day"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section class="card" id="team-holidays"')
    assert "Team day" in html
    holiday = CompanyHoliday.objects.get(calendar__team=people.sales)
    response = client.post(reverse("org:holiday_remove", args=[holiday.pk]), **HTMX)
    assert response.status_code == 200
    assert "Team day" not in response.content.decode()
    assert not CompanyHoliday.objects.exists()


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"date": "31.02.2026", "name": "x"},
        {"date": "2026-12-01", "name": ""},
        {"date": "2026-12-01", "name": "x" * 101},
        "duplicate",
    ],
)
def test_company_holiday_bad_input_is_a_form_error(body: Any, people: Any, client_as: Any) -> None:
    day = date.today() + timedelta(days=10)
    if body == "duplicate":
        CompanyHoliday.objects.create(calendar=people.sales.calendar, date=day, name="First")
        body = {"date": day.isoformat(), "name": "Second"}
    before = list(CompanyHoliday.objects.values_list("date", "name"))
    response = client_as("lead").post(
        reverse("org:holiday_add", args=[people.sales.pk]), body, **HTMX
    )
    assert response.status_code == 422
    assert (
        'class="error"' in response.content.decode() or "form-errors" in response.content.decode()
    )
    assert list(CompanyHoliday.objects.values_list("date", "name")) == before


# --- due time calculator ------------------------------------------------------------------


def test_due_time_over_the_weekend(people: Any, client_as: Any) -> None:
    response = client_as("readonly").get(
        reverse("org:due_calculator", args=[people.sales.pk]),
        {"start": "2026-03-06T15:00", "hours": "4"},
        **HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="due-result"')
    assert "Monday, 9 March 2026, 11:00" in html


def test_due_time_without_htmx_shows_the_team_page(people: Any, client_as: Any) -> None:
    response = client_as("member").get(
        reverse("org:due_calculator", args=[people.sales.pk]),
        {"start": "2026-03-06T15:00", "hours": "4"},
    )
    assert response.status_code == 200
    assert "Monday, 9 March 2026, 11:00" in response.content.decode()
    assert "Business calendar" in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"start": "yesterday", "hours": "4"},
        {"start": "2026-03-06T15:00", "hours": "-1"},
        {"start": "2026-03-06T15:00", "hours": "lots"},
        {"hours": "4"},
    ],
)
def test_due_time_bad_input_is_a_form_error(
    query: dict[str, str], people: Any, client_as: Any
) -> None:
    response = client_as("member").get(
        reverse("org:due_calculator", args=[people.sales.pk]), query, **HTMX
    )
    assert response.status_code == 422
    assert 'class="error"' in response.content.decode()


def test_due_time_in_a_calendar_without_working_hours(people: Any, client_as: Any) -> None:
    WorkingHours.objects.filter(calendar__team=people.sales).delete()
    response = client_as("member").get(
        reverse("org:due_calculator", args=[people.sales.pk]),
        {"start": "2026-03-06T15:00", "hours": "4"},
        **HTMX,
    )
    assert response.status_code == 422
    assert "no working time" in response.content.decode()
