"""Access cases of the campaigns app (merged into tests/access_web.py and access_api.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
# campaign.write: marketing, team leads, management, admin (not a plain sales member).
RUNNERS = ("admin", "manager", "lead", "marketer")
READ: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}
WRITE: dict[str, Any] = {"allowed": RUNNERS, "denied": ("anon", "readonly", "member")}


def _campaign(people: Any) -> Any:
    from interlock.campaigns.models import Campaign

    return Campaign.objects.create(
        name="Hannover Messe",
        type="trade_fair",
        starts_on=date(2026, 4, 20),
        budget=Decimal("5000"),
    )


def _contact(people: Any) -> Any:
    from interlock.customers.models import Contact

    return Contact.objects.create(last_name="Kessler", first_name="Jana", email="jana@example.com")


def _member(people: Any) -> tuple[Any, Any]:
    from django.utils import timezone

    from interlock.campaigns.models import CampaignMember

    campaign, contact = _campaign(people), _contact(people)
    now = timezone.now()
    member = CampaignMember.objects.create(
        campaign=campaign, contact=contact, added_at=now, status_changed_at=now
    )
    return campaign, member


def _cost(people: Any) -> tuple[Any, Any]:
    from interlock.campaigns.models import CampaignCost

    campaign = _campaign(people)
    cost = CampaignCost.objects.create(
        campaign=campaign, description="Stand", amount=Decimal("1200"), incurred_on=date(2026, 4, 1)
    )
    return campaign, cost


def _campaign_id(people: Any) -> dict[str, Any]:
    return {"campaign_id": _campaign(people).pk}


def _cost_ids(people: Any) -> dict[str, Any]:
    campaign, cost = _cost(people)
    return {"campaign_id": campaign.pk, "cost_id": cost.pk}


def _member_ids(people: Any) -> dict[str, Any]:
    campaign, member = _member(people)
    return {"campaign_id": campaign.pk, "contact_id": member.contact_id}


def _member_campaign_id(people: Any) -> dict[str, Any]:
    return {"campaign_id": _member_ids(people)["campaign_id"]}


def _contact_body(people: Any) -> dict[str, Any]:
    return {"contact_ids": [_contact(people).pk]}


def _status_body(people: Any) -> dict[str, Any]:
    from interlock.campaigns.models import CampaignMember

    # The member that _member_campaign_id (params, called first) has just made.
    return {"contact_id": CampaignMember.objects.latest("pk").contact_id, "status": "sent"}


def _response_body(people: Any) -> dict[str, Any]:
    return {"contact_id": _contact(people).pk, "kind": "clicked"}


C = f"{P}/campaigns/{{campaign_id}}"
API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/campaigns"): Case(**READ),
    ("POST", f"{P}/campaigns"): Case(
        **WRITE, body={"name": "Webinar", "type": "webinar", "starts_on": "2026-05-01"}
    ),
    ("GET", C): Case(**READ, params=_campaign_id),
    ("PATCH", C): Case(**WRITE, params=_campaign_id, body={"status": "active"}),
    ("DELETE", C): Case(**WRITE, params=_campaign_id),
    ("GET", f"{C}/costs"): Case(**READ, params=_campaign_id),
    ("POST", f"{C}/costs"): Case(
        **WRITE,
        params=_campaign_id,
        body={"description": "Catering", "amount": "300.00", "incurred_on": "2026-04-20"},
    ),
    ("DELETE", f"{C}/costs/{{cost_id}}"): Case(**WRITE, params=_cost_ids),
    ("GET", f"{C}/members"): Case(**READ, params=_campaign_id),
    ("POST", f"{C}/members"): Case(**WRITE, params=_campaign_id, body=_contact_body),
    ("PATCH", f"{C}/members"): Case(**WRITE, params=_member_campaign_id, body=_status_body),
    ("POST", f"{C}/responses"): Case(**WRITE, params=_campaign_id, body=_response_body),
    ("GET", f"{C}/attribution"): Case(**READ, params=_campaign_id),
}


def _pk(people: Any) -> dict[str, Any]:
    return {"pk": _campaign(people).pk}


def _cost_pk(people: Any) -> dict[str, Any]:
    campaign, cost = _cost(people)
    return {"pk": campaign.pk, "cost_pk": cost.pk}


def _member_pk(people: Any) -> dict[str, Any]:
    campaign, member = _member(people)
    return {"pk": campaign.pk, "member_pk": member.pk}


def _add_form(people: Any) -> dict[str, Any]:
    return {"contact": _contact(people).pk, "status": "targeted"}


def _response_form(people: Any) -> dict[str, Any]:
    return {"contact": _contact(people).pk, "kind": "attended"}


W_READ: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}
W_WRITE: dict[str, Any] = {"allowed": RUNNERS, "denied": ("anon", "readonly", "member")}
CAMPAIGN_FORM = {
    "name": "Newsletter Mai",
    "type": "email",
    "status": "planned",
    "starts_on": "2026-05-02",
    "budget": "0",
    "currency": "EUR",
}

WEB: dict[str, Case] = {
    "campaigns:list": Case(**W_READ),
    "campaigns:attribution": Case(**W_READ),
    "campaigns:create": Case(**W_WRITE, method="POST", body=CAMPAIGN_FORM),
    "campaigns:detail": Case(**W_READ, params=_pk),
    "campaigns:edit": Case(**W_WRITE, params=_pk, method="POST", body=CAMPAIGN_FORM),
    "campaigns:delete": Case(**W_WRITE, params=_pk, method="POST"),
    "campaigns:cost_add": Case(
        **W_WRITE,
        params=_pk,
        method="POST",
        body={"description": "Druck", "amount": "99.50", "incurred_on": "2026-04-02"},
    ),
    "campaigns:cost_remove": Case(**W_WRITE, params=_cost_pk, method="POST"),
    "campaigns:members_add": Case(**W_WRITE, params=_pk, method="POST", body=_add_form),
    "campaigns:contact_suggest": Case(**W_WRITE, params=_pk, extra={"query": {"q": "kess"}}),
    "campaigns:member_status": Case(
        **W_WRITE, params=_member_pk, method="POST", body={"status": "attended"}
    ),
    "campaigns:response_record": Case(**W_WRITE, params=_pk, method="POST", body=_response_form),
}
