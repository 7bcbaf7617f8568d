"""The policy table: allowed and denied for every rule and every role."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from interlock.core import policy

pytestmark = pytest.mark.django_db

EVERYONE = {"admin", "manager", "lead", "member", "marketer", "readonly"}
WRITERS = {"admin", "manager", "lead", "member", "marketer"}

# action -> (object chooser, who is allowed); everyone else (and anon, inactive) is denied.
EXPECTED: dict[str, tuple[Any, set[str]]] = {
    "org.view": (None, EVERYONE),
    "calendar.view": (None, EVERYONE),
    "user.manage": (None, {"admin"}),
    "team.manage": (None, {"admin"}),
    "team.members": (lambda p: p.sales, {"admin", "lead"}),
    "calendar.manage": (lambda p: p.sales, {"admin", "lead"}),
    "absence.manage": (lambda p: p.member, {"admin", "lead", "member"}),
    "token.manage": (None, EVERYONE),
    "token.write_scope": (None, WRITERS),
    "trash.view": (None, {"admin"}),
    "trash.restore": (None, {"admin"}),
    "audit.view": (None, {"admin", "manager"}),
    "event.view": (None, {"admin", "manager"}),
    "admin.site": (None, {"admin"}),
    "customer.view": (None, EVERYONE),
    "customer.write": (None, WRITERS),
    "customer.merge": (None, {"admin", "manager", "lead"}),
    "sales.view": (None, EVERYONE),
    "sales.write": (None, WRITERS),
    "sales.configure": (None, {"admin", "manager"}),
    "feedback.view": (None, EVERYONE),
    "feedback.write": (None, WRITERS),
    "import.run": (None, WRITERS),
    "lead.view": (None, EVERYONE),
    "lead.write": (None, WRITERS),
    "lead.configure": (None, {"admin", "manager", "lead", "marketer"}),
    "lead.respond": (lambda p: _handoff(p), {"admin", "manager", "lead", "member"}),
    "lead.dispute": (None, {"admin", "manager", "marketer"}),
    "lead.settle": (None, {"admin", "manager", "lead"}),
    "campaign.view": (None, EVERYONE),
    "campaign.write": (None, {"admin", "manager", "lead", "marketer"}),
    "agreement.view": (None, EVERYONE),
    "agreement.draft": (lambda p: _agreement(p), {"admin", "manager", "lead"}),
    "agreement.sign": (lambda p: p.sales, {"lead"}),
    "agreement.run": (None, {"admin", "manager"}),
    "breach.dispute": (lambda p: _agreement(p), {"admin", "manager", "lead", "member"}),
    "breach.settle": (lambda p: _agreement(p), {"lead"}),
    "request.create": (None, WRITERS),
    "request.deliver": (None, WRITERS),
    "notification.view": (None, EVERYONE),
}


def _agreement(people: Any) -> Any:
    """Marketing delivers MQLs to Sales."""
    from interlock.agreements.models import Agreement

    return Agreement.objects.create(
        provider_team=people.marketing, receiver_team=people.sales, title="MQL handoff"
    )


def _handoff(people: Any) -> Any:
    """An open lead in the sales queue, assigned to nobody yet."""
    from django.utils import timezone

    from interlock.customers.models import Contact
    from interlock.leads.models import Handoff

    contact = Contact.objects.create(first_name="Jana", last_name="Roth", email="jr@example.com")
    return Handoff.objects.create(contact=contact, team=people.sales, handed_at=timezone.now())


def test_every_rule_is_in_this_table() -> None:
    assert set(policy.RULES) == set(EXPECTED), "add the new rule's allowed/denied cases here"


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_rule_allows_exactly_the_expected_roles(people: Any, action: str) -> None:
    chooser, allowed = EXPECTED[action]
    obj = chooser(people) if chooser else None
    for name in EVERYONE:
        assert policy.can(people.get(name), action, obj) == (name in allowed), (action, name)
    assert not policy.can(AnonymousUser(), action, obj)
    assert not policy.can(people.inactive, action, obj)


def test_lead_of_another_team_is_denied(people: Any) -> None:
    assert not policy.can(people.lead, "team.members", people.marketing)
    assert not policy.can(people.lead, "absence.manage", people.marketer)


def test_require_raises_and_unknown_action_is_an_error(people: Any) -> None:
    with pytest.raises(PermissionDenied):
        policy.require(people.member, "team.manage")
    with pytest.raises(LookupError):
        policy.can(people.admin, "no.such.rule")


def test_readonly_user_may_keep_own_absence_only_if_writer(people: Any) -> None:
    assert not policy.can(people.readonly, "absence.manage", people.readonly)
