"""Routing: conditions, first match, round robin with capacity, absences, default queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from interlock.customers.models import Account, Contact
from interlock.leads import routing, services_routing
from interlock.leads.models import Assignment, Handoff, LeadProfile, RoutingRule
from interlock.org.models import Absence, Membership
from tests.conftest import make_team, make_user


def _contact(country: str = "DE", size: str = "", **account: Any) -> Contact:
    acc = Account.objects.create(name="Kessler GmbH", country=country, size=size, **account)
    return Contact.objects.create(last_name="Huber", email="huber@kessler.de", account=acc)


def _rule(people: Any, name: str, **kw: Any) -> RoutingRule:
    members = kw.pop("members", [])
    rule = services_routing.routing_rule_create(
        actor=people.admin, name=name, team=kw.pop("team", people.sales), **kw
    )
    rule.members.set(members)
    return rule


def test_conditions_are_validated_with_clear_messages(people: Any) -> None:
    assert routing.validate_conditions(
        {"countries": ["de", "AT", "DE"], "sizes": ["10-49"], "states": ["bw"]}
    ) == {"countries": ["AT", "DE"], "sizes": ["10-49"], "states": ["BW"]}
    bad = [
        ({"countries": ["Germany!"]}, "ISO country"),
        ({"sizes": ["huge"]}, "not an account size"),
        ({"accounts": [999999]}, "No such account"),
        ({"planets": ["Mars"]}, "Unknown conditions"),
        ({"countries": "DE"}, "must be a list"),
    ]
    for conditions, message in bad:
        with pytest.raises(ValidationError) as exc:
            routing.validate_conditions(conditions)
        assert message in str(exc.value), conditions


def test_first_matching_rule_assigns_and_no_match_goes_to_default_queue(people: Any) -> None:
    contact = _contact("AT", "50-249", state="W")
    services_routing.lead_settings_update(actor=people.admin, default_team=people.marketing)
    named = _rule(people, "Named", method="queue", conditions={"accounts": [contact.account_id]})
    _rule(people, "Austria", method="queue", conditions={"countries": ["AT"]})
    first = routing.route_contact(contact=contact)
    assert (first.rule, first.team, first.user) == (named, people.sales, None)
    assert "Named" in first.explanation
    assert LeadProfile.objects.get(contact=contact).routed_team == people.sales

    services_routing.routing_rule_update(actor=people.admin, rule=named, active=False)
    assert routing.route_contact(contact=contact).rule_name == "Austria"

    stranger = _contact("FR")
    fallback = routing.route_contact(contact=stranger)
    assert fallback.rule is None and fallback.team == people.marketing
    assert "no rule matched" in fallback.explanation
    assert Assignment.objects.count() == 3


def test_round_robin_rotates_skips_full_reps_and_queues_when_all_are_full(people: Any) -> None:
    rule = _rule(people, "All", members=[people.lead, people.member], capacity=1)
    contacts = [_contact() for _ in range(3)]
    first = routing.route_contact(contact=contacts[0])
    Handoff.objects.create(
        contact=contacts[0], team=people.sales, assignee=first.user, handed_at=timezone.now()
    )
    second = routing.route_contact(contact=contacts[1])
    assert {first.user, second.user} == {people.lead, people.member}
    Handoff.objects.create(
        contact=contacts[1], team=people.sales, assignee=second.user, handed_at=timezone.now()
    )
    third = routing.route_contact(contact=contacts[2])
    assert third.user is None and third.team == people.sales and third.rule == rule
    assert "capacity" in third.explanation


def test_absent_rep_goes_to_deputy_and_owner_method(people: Any) -> None:
    now = timezone.now()
    Absence.objects.create(
        user=people.member,
        deputy=people.lead,
        starts_at=now - timedelta(days=1),
        ends_at=now + timedelta(days=1),
    )
    _rule(people, "Owner", method="account_owner", conditions={"sizes": ["1000+"]})
    _rule(people, "Member only", members=[people.member])
    big = _contact(size="1000+", owner=people.member)
    owned = routing.route_contact(contact=big, at=now)
    assert (owned.intended_user, owned.user) == (people.member, people.lead)
    assert "deputy" in owned.explanation
    small = routing.route_contact(contact=_contact(), at=now)
    assert small.rule_name == "Member only" and small.user == people.lead


def test_preview_writes_nothing_and_services_check_policy(people: Any) -> None:
    contact = _contact()
    _rule(people, "DE", conditions={"countries": ["DE"]}, members=[people.member])
    choice = routing.route_preview(contact)
    assert choice.rule_name == "DE" and choice.user == people.member
    assert Assignment.objects.count() == 0
    assert RoutingRule.objects.get().last_user_id is None
    with pytest.raises(PermissionDenied):
        services_routing.routing_rule_create(actor=people.member, name="x", team=people.sales)


def test_rule_with_reps_outside_the_team_is_refused(people: Any) -> None:
    outsider = make_user("outsider")
    with pytest.raises(ValidationError, match="not members"):
        services_routing.routing_rule_create(
            actor=people.admin, name="Bad", team=people.sales, members=[outsider]
        )
    support = make_team("Support", "support")
    Membership.objects.create(user=outsider, team=support)
    rule = services_routing.routing_rule_create(
        actor=people.marketer, name="Support", team=support, members=[outsider]
    )
    assert list(rule.members.all()) == [outsider]


def test_routing_page_create_move_preview(people: Any, client_as: Any) -> None:
    client = client_as("marketer")
    _rule(people, "Catch-all", method="queue")
    response = client.post(
        "/leads/routing/rules/new/",
        {
            "name": "Österreich",
            "team": people.sales.pk,
            "method": "round_robin",
            "countries": ["AT"],
            "sizes": ["10-49"],
            "states": "W, NÖ",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    rule = RoutingRule.objects.get(name="Österreich")
    assert rule.conditions == {"countries": ["AT"], "sizes": ["10-49"], "states": ["NÖ", "W"]}
    assert rule.position == 1
    client.post(f"/leads/routing/rules/{rule.pk}/move/", {"direction": "up"})
    assert list(RoutingRule.objects.values_list("name", flat=True)) == ["Österreich", "Catch-all"]

    bad = client.post(
        "/leads/routing/rules/new/", {"name": "X", "team": people.sales.pk, "method": "zzz"}
    )
    assert bad.status_code == 422

    contact = _contact("AT", "10-49", state="W")
    page = client.get("/leads/routing/")
    assert "Österreich" in page.content.decode() and "country: Austria" in page.content.decode()
    partial = client.get("/leads/routing/", {"q": contact.email}, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert partial.status_code == 200 and "Österreich" in body and "<html" not in body
    missing = client.get("/leads/routing/", {"q": "nobody@example.org"}, HTTP_HX_REQUEST="true")
    assert "No contact" in missing.content.decode() or "Kein" in missing.content.decode()
