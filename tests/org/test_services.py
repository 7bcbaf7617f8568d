"""Organisation services: validation, permissions, deputies, business time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlock.core.models import Event
from interlock.org import selectors, services
from interlock.org.models import Absence, Membership, Team

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _away(people: Any, user: Any, deputy: Any, days: int = 5) -> Absence:
    start = datetime(2026, 11, 30, 8, tzinfo=BERLIN)
    return services.absence_create(
        actor=people.admin,
        user=user,
        deputy=deputy,
        starts_at=start,
        ends_at=start + timedelta(days=days),
        reason="Holiday",
    )


def test_team_create_makes_a_calendar_and_event(people: Any) -> None:
    team = services.team_create(actor=people.admin, name="Customer Success", subdivision="BY")
    assert team.slug == "customer-success"
    assert team.calendar.subdivision == "BY"
    assert team.calendar.hours.count() == 5
    assert Event.objects.filter(type="team.created", subject_id=team.pk).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "not a known time zone"),
        ({"country": "XX"}, "not a supported country"),
        ({"country": "DE", "subdivision": "ZZ"}, "not a state of DE"),
        ({"name": ""}, "cannot be blank"),
    ],
)
def test_team_create_rejects_bad_input_and_writes_nothing(
    people: Any, fields: dict[str, str], message: str
) -> None:
    before = Team.all_objects.count()
    with pytest.raises(ValidationError, match=message):
        services.team_create(actor=people.admin, **{"name": "Partners", **fields})
    assert Team.all_objects.count() == before


def test_overlapping_working_hours_are_refused(people: Any) -> None:
    with pytest.raises(ValidationError):
        services.calendar_update(
            actor=people.lead,
            calendar=people.sales.calendar,
            week={0: [(time(8), time(12)), (time(11), time(17))]},
        )
    assert people.sales.calendar.hours.count() == 5  # unchanged


def test_lead_manages_own_team_only(people: Any) -> None:
    services.membership_set(actor=people.lead, team=people.sales, user=people.marketer)
    assert Membership.objects.filter(team=people.sales, user=people.marketer).exists()
    with pytest.raises(PermissionDenied):
        services.membership_set(actor=people.lead, team=people.marketing, user=people.member)
    with pytest.raises(PermissionDenied):
        services.membership_set(actor=people.member, team=people.sales, user=people.readonly)


def test_membership_role_change_is_one_row(people: Any) -> None:
    services.membership_set(actor=people.admin, team=people.sales, user=people.member, role="lead")
    assert Membership.objects.get(team=people.sales, user=people.member).role == "lead"
    assert people.member.leads_team(people.sales)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"deputy": "member"}, "deputy"),  # own deputy
        ({"ends_before_start": True}, "ends_at"),
        ({"deputy": "inactive"}, "deputy"),
    ],
)
def test_absence_bad_input(people: Any, change: dict[str, Any], field: str) -> None:
    start = datetime(2026, 12, 1, 9, tzinfo=BERLIN)
    end = (
        start - timedelta(hours=1) if change.get("ends_before_start") else start + timedelta(days=1)
    )
    deputy = people.get(change.get("deputy", "lead"))
    with pytest.raises(ValidationError) as info:
        services.absence_create(
            actor=people.member, user=people.member, deputy=deputy, starts_at=start, ends_at=end
        )
    assert field in info.value.message_dict
    assert not Absence.objects.exists()


def test_absence_permissions(people: Any) -> None:
    start = datetime(2026, 12, 1, 9, tzinfo=BERLIN)
    kwargs = {"deputy": people.lead, "starts_at": start, "ends_at": start + timedelta(days=1)}
    services.absence_create(actor=people.member, user=people.member, **kwargs)  # self
    services.absence_create(
        actor=people.lead,
        user=people.member,
        deputy=people.admin,
        starts_at=start,
        ends_at=start + timedelta(days=1),
    )  # own team lead
    with pytest.raises(PermissionDenied):
        services.absence_create(actor=people.marketer, user=people.member, **kwargs)
    with pytest.raises(PermissionDenied):
        services.absence_create(actor=people.readonly, user=people.readonly, **kwargs)


def test_effective_assignee_is_the_deputy_while_away(people: Any) -> None:
    absence = _away(people, people.member, people.lead)
    assert (
        selectors.effective_assignee(people.member, absence.starts_at - timedelta(minutes=1))
        == people.member
    )
    assert selectors.effective_assignee(people.member, absence.starts_at) == people.lead
    assert selectors.effective_assignee(people.member, absence.ends_at) == people.member


def test_effective_assignee_follows_a_chain_and_survives_a_loop(people: Any) -> None:
    _away(people, people.member, people.lead)
    _away(people, people.lead, people.manager)
    at = datetime(2026, 12, 1, 10, tzinfo=BERLIN)
    assert selectors.effective_assignee(people.member, at) == people.manager
    _away(people, people.manager, people.member)  # everyone away, deputising in a circle
    assert selectors.effective_assignee(people.member, at) in {
        people.member,
        people.lead,
        people.manager,
    }


def test_trashed_absence_no_longer_redirects(people: Any) -> None:
    absence = _away(people, people.member, people.lead)
    services.absence_delete(actor=people.member, absence=absence)
    assert selectors.effective_assignee(people.member, absence.starts_at) == people.member


def test_due_time_uses_team_calendar_with_holidays(people: Any) -> None:
    # Christmas Eve 2026 is a Thursday; 25 and 26 Dec are public holidays in Germany.
    services.company_holiday_add(
        actor=people.admin,
        calendar=people.sales.calendar,
        day=datetime(2026, 12, 24).date(),
        name="Heiligabend",
    )
    start = datetime(2026, 12, 23, 16, tzinfo=BERLIN)
    due = selectors.due_at(people.sales, start=start, hours=8)
    # 1 h on the 23rd, the 24th closed, 25th/26th holidays, 27th Sunday → Monday 28th 16:00.
    assert due == datetime(2026, 12, 28, 16, tzinfo=BERLIN)
    assert selectors.business_hours_between(people.sales, start=start, end=due) == timedelta(
        hours=8
    )


# The fixture is read-only here, so sharing it across examples is safe.
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    start=st.datetimes(
        min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31), timezones=st.just(UTC)
    ),
    hours=st.integers(min_value=0, max_value=400),
)
def test_due_time_round_trips(people: Any, start: datetime, hours: int) -> None:
    due = selectors.due_at(people.sales, start=start, hours=hours)
    assert due >= start
    assert selectors.business_hours_between(people.sales, start=start, end=due) == timedelta(
        hours=hours
    )


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    spans=st.lists(
        st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 20), st.integers(1, 10)),
        max_size=6,
    ),
    hours=st.lists(st.integers(-5, 40), min_size=1, max_size=12),
)
def test_absences_read_once_answer_as_each_query_does(
    people: Any, spans: list[tuple[int, int, int, int]], hours: list[int]
) -> None:
    users = [people.member, people.lead, people.manager]
    Absence.all_objects.all().delete()  # what an earlier example made
    base = datetime(2026, 12, 1, tzinfo=UTC)
    for who, deputy, start, length in spans:
        Absence.objects.create(
            user=users[who],
            deputy=users[deputy if deputy != who else (who + 1) % 3],
            starts_at=base + timedelta(hours=start),
            ends_at=base + timedelta(hours=start + length),
        )
    cached = selectors.Absences()
    for hour in hours:  # in the drawn order: earlier moments after later ones too
        at = base + timedelta(hours=hour)
        for user in users:
            assert cached.at(user, at) == selectors.absence_at(user, at)
            assert selectors.effective_assignee(
                user, at, absences=cached
            ) == selectors.effective_assignee(user, at)
