"""Absences and deputies: the list, recording one, deleting one; the dashboard's view of them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from interlock.org.models import Absence

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _away(
    person: Any, deputy: Any, *, starts_in: timedelta = timedelta(hours=-1), days: int = 2
) -> Absence:
    start = timezone.now() + starts_in
    return Absence.objects.create(
        user=person, deputy=deputy, starts_at=start, ends_at=start + timedelta(days=days)
    )


def _body(people: Any, **changes: Any) -> dict[str, Any]:
    start = timezone.localtime() + timedelta(days=3)
    body = {
        "user": people.member.pk,
        "deputy": people.lead.pk,
        "reason": "Trade fair",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
    }
    body.update(changes)
    return body


def test_absences_show_deputy_and_who_really_covers(people: Any, client_as: Any) -> None:
    _away(people.member, people.lead)
    _away(people.lead, people.marketer)  # the deputy is away too: the deputy's deputy covers
    html = client_as("readonly").get(reverse("org:absences")).content.decode()
    assert "Member Test" in html
    assert "deputy away" in html
    assert "Record an absence" not in html  # read-only people cannot record one


def test_dashboard_shows_teams_and_who_is_away_today(people: Any, client_as: Any) -> None:
    _away(people.member, people.lead)
    html = client_as("lead").get(reverse("dashboard")).content.decode()
    assert "Welcome, Lead" in html
    assert "Sales" in html and "team lead" in html
    assert "covered by <strong>Lead Test</strong>" in html
    assert "Coming soon" in html


def test_member_records_own_absence(people: Any, client_as: Any) -> None:
    response = client_as("member").post(reverse("org:absence_create"), _body(people))
    assert response.status_code == 302
    absence = Absence.objects.get()
    assert (absence.user, absence.deputy, absence.reason) == (
        people.member,
        people.lead,
        "Trade fair",
    )


def test_lead_records_absence_for_a_team_member(people: Any, client_as: Any) -> None:
    response = client_as("lead").post(
        reverse("org:absence_create"), _body(people, deputy=people.marketer.pk)
    )
    assert response.status_code == 302
    assert Absence.objects.get().user == people.member


def test_member_cannot_record_absence_for_someone_else(people: Any, client_as: Any) -> None:
    response = client_as("marketer").post(reverse("org:absence_create"), _body(people))
    assert response.status_code == 422
    assert "Select a valid choice" in response.content.decode()
    assert not Absence.objects.exists()


def _bad_bodies(people: Any) -> list[dict[str, Any]]:
    start = timezone.localtime() + timedelta(days=3)
    return [
        {},
        _body(people, deputy=people.member.pk),  # own deputy
        _body(people, deputy=people.inactive.pk),  # not an active account
        _body(people, ends_at=(start - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")),
        _body(people, starts_at="next week"),
        _body(people, reason="x" * 201),
        _body(people, user=99999),
    ]


@pytest.mark.parametrize("index", range(7))
def test_absence_bad_input_is_a_form_error_and_changes_nothing(
    index: int, people: Any, client_as: Any
) -> None:
    response = client_as("lead").post(reverse("org:absence_create"), _bad_bodies(people)[index])
    assert response.status_code == 422
    assert "Please correct the marked fields." in response.content.decode()
    assert not Absence.objects.exists()


def test_delete_moves_to_trash_with_htmx(people: Any, client_as: Any) -> None:
    absence = _away(people.member, people.lead)
    response = client_as("member").post(reverse("org:absence_delete", args=[absence.pk]), **HTMX)
    assert response.status_code == 200
    assert 'hx-swap-oob="true"' in response.content.decode()
    absence.refresh_from_db()
    assert absence.deleted_at is not None and absence.deleted_by == people.member
    assert not Absence.objects.exists()
    # Gone from the list; a second delete finds nothing.
    assert (
        client_as("member").post(reverse("org:absence_delete", args=[absence.pk])).status_code
        == 404
    )


def test_others_may_not_delete_an_absence(people: Any, client_as: Any) -> None:
    absence = _away(people.member, people.lead)
    assert (
        client_as("marketer").post(reverse("org:absence_delete", args=[absence.pk])).status_code
        == 403
    )
    assert Absence.objects.filter(pk=absence.pk).exists()
