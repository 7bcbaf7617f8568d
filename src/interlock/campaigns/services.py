"""Writes for campaigns, their cost lines, members and responses.

Every function is one transaction, asks the policy first (``campaign.write``),
validates with clear messages before the database constraints would, and
records a domain event. ``campaign.responded`` is what engagement scoring and
the timeline read; ``campaign.member_added`` shows on the contact's timeline.
Functions for things that happened in the past take ``at`` (demo history,
imports).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.campaigns.models import Campaign, CampaignCost, CampaignMember, CampaignResponse
from interlock.core import events, policy, trash
from interlock.core.context import current
from interlock.core.models import Event
from interlock.customers.models import Contact

CAMPAIGN_FIELDS = (
    "name",
    "type",
    "status",
    "description",
    "starts_on",
    "ends_on",
    "owner",
    "team",
    "budget",
    "currency",
    "utm_source",
    "utm_medium",
    "utm_campaign",
    "utm_term",
    "utm_content",
)
_CURRENCY = re.compile(r"^[A-Z]{3}$")
M = CampaignMember.Status
# A response raises the member's status, never lowers it (an "opened" after
# "attended" must not undo the attendance); an unsubscribe stays.
_RANK = {M.TARGETED: 0, M.SENT: 1, M.NO_SHOW: 1, M.RESPONDED: 2, M.REGISTERED: 3, M.ATTENDED: 4}
_STATUS_OF_KIND = {
    CampaignResponse.Kind.REGISTERED: M.REGISTERED,
    CampaignResponse.Kind.ATTENDED: M.ATTENDED,
}
MAX_BULK = 5000


def _now(at: datetime | None) -> datetime:
    if at is not None and timezone.is_naive(at):
        raise ValidationError({"at": _("The time must carry a time zone.")})
    return at or timezone.now()


def _check_campaign(campaign: Campaign) -> None:
    """The rules with clear messages; the database constraints stay the last word."""
    errors: dict[str, str] = {}
    campaign.name = (campaign.name or "").strip()
    campaign.currency = (campaign.currency or "").strip().upper()
    campaign.utm_campaign = (campaign.utm_campaign or "").strip()
    if not campaign.name:
        errors["name"] = _("Give the campaign a name.")
    if campaign.starts_on and campaign.ends_on and campaign.ends_on < campaign.starts_on:
        errors["ends_on"] = _("The campaign cannot end before it starts.")
    if campaign.budget is not None and campaign.budget < 0:
        errors["budget"] = _("The budget cannot be negative.")
    if not _CURRENCY.match(campaign.currency):
        errors["currency"] = _("Use a three-letter ISO 4217 code such as EUR.")
    if campaign.utm_campaign:
        clash = Campaign.objects.filter(utm_campaign=campaign.utm_campaign)
        if campaign.pk:
            clash = clash.exclude(pk=campaign.pk)
        other = clash.first()
        if other is not None:
            errors["utm_campaign"] = _(
                "The UTM campaign “%(utm)s” is already used by the campaign “%(name)s”; "
                "choose another one."
            ) % {"utm": campaign.utm_campaign, "name": other.name}
    if errors:
        raise ValidationError(errors)
    campaign.full_clean()


def _campaign_payload(campaign: Campaign) -> dict[str, Any]:
    return {
        "campaign_id": campaign.pk,
        "name": campaign.name,
        "type": campaign.type,
        "status": campaign.status,
    }


# --- campaigns ------------------------------------------------------------------------


def campaign_create(
    *,
    actor: Any,
    name: str,
    type: str,
    starts_on: date,
    ends_on: date | None = None,
    status: str = Campaign.Status.PLANNED,
    description: str = "",
    owner: Any | None = None,
    team: Any | None = None,
    budget: Decimal = Decimal("0"),
    currency: str = "EUR",
    utm_source: str = "",
    utm_medium: str = "",
    utm_campaign: str = "",
    utm_term: str = "",
    utm_content: str = "",
    at: datetime | None = None,
) -> Campaign:
    """A new campaign; ``at`` backdates its creation (demo history, imports)."""
    policy.require(actor, "campaign.write")
    campaign = Campaign(
        name=name,
        type=type,
        status=status,
        description=description,
        starts_on=starts_on,
        ends_on=ends_on,
        owner=owner,
        team=team,
        budget=budget,
        currency=currency,
        utm_source=utm_source.strip(),
        utm_medium=utm_medium.strip(),
        utm_campaign=utm_campaign,
        utm_term=utm_term.strip(),
        utm_content=utm_content.strip(),
    )
    moment = _now(at)
    _check_campaign(campaign)
    with transaction.atomic():
        campaign.save()
        if at is not None:  # created_at is auto_now_add: backdate it explicitly
            Campaign.all_objects.filter(pk=campaign.pk).update(created_at=at, updated_at=at)
            campaign.created_at = campaign.updated_at = at
        events.record(
            "campaign.created",
            subject=campaign,
            actor=actor,
            payload=_campaign_payload(campaign),
            occurred_at=moment,
        )
    return campaign


def campaign_update(
    *, actor: Any, campaign: Campaign, at: datetime | None = None, **fields: Any
) -> Campaign:
    """Change the fields named in ``CAMPAIGN_FIELDS``."""
    policy.require(actor, "campaign.write", campaign)
    unknown = set(fields) - set(CAMPAIGN_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed here.") for name in sorted(unknown)}
        )
    moment = _now(at)
    with transaction.atomic():
        # Two people editing one campaign: the later save must see the earlier one.
        campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
        changed = sorted(name for name, value in fields.items() if getattr(campaign, name) != value)
        if "currency" in changed and campaign.costs.exists():
            raise ValidationError(
                {"currency": _("Remove the cost lines before changing the currency.")}
            )
        for name in changed:
            setattr(campaign, name, fields[name])
        _check_campaign(campaign)
        campaign.save()
        if changed:
            events.record(
                "campaign.updated",
                subject=campaign,
                actor=actor,
                payload={**_campaign_payload(campaign), "fields": changed},
                occurred_at=moment,
            )
    return campaign


def campaign_delete(*, actor: Any, campaign: Campaign) -> Campaign:
    """Move to the trash; its UTM campaign becomes free for a live campaign."""
    policy.require(actor, "campaign.write", campaign)
    return trash.trash_move(obj=campaign, actor=actor)


# --- costs ----------------------------------------------------------------------------


def campaign_cost_add(
    *,
    actor: Any,
    campaign: Campaign,
    description: str,
    amount: Decimal,
    incurred_on: date,
    currency: str | None = None,
    at: datetime | None = None,
) -> CampaignCost:
    """One line of actual cost, in the campaign's currency (so lines can be summed)."""
    policy.require(actor, "campaign.write", campaign)
    currency = (currency or campaign.currency).strip().upper()
    errors: dict[str, str] = {}
    if not description.strip():
        errors["description"] = _("Say what the cost was for.")
    if amount is None or amount < 0:
        errors["amount"] = _("A cost cannot be negative.")
    if currency != campaign.currency:
        errors["currency"] = _("Cost lines are kept in the campaign's currency (%(currency)s).") % {
            "currency": campaign.currency
        }
    if errors:
        raise ValidationError(errors)
    cost = CampaignCost(
        campaign=campaign,
        description=description.strip(),
        amount=amount,
        currency=currency,
        incurred_on=incurred_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    cost.full_clean()
    with transaction.atomic():
        cost.save()
        events.record(
            "campaign.cost_added",
            subject=campaign,
            actor=actor,
            payload={
                "campaign_id": campaign.pk,
                "cost_id": cost.pk,
                "amount": str(cost.amount),
                "currency": cost.currency,
            },
            occurred_at=_now(at),
        )
    return cost


def campaign_cost_remove(*, actor: Any, cost: CampaignCost) -> None:
    campaign = cost.campaign
    policy.require(actor, "campaign.write", campaign)
    with transaction.atomic():
        payload = {
            "campaign_id": campaign.pk,
            "cost_id": cost.pk,
            "amount": str(cost.amount),
            "currency": cost.currency,
            "description": cost.description,
        }
        cost.delete()
        events.record("campaign.cost_removed", subject=campaign, actor=actor, payload=payload)


# --- members --------------------------------------------------------------------------


def _member_payload(
    campaign: Campaign, contact_id: int, account_id: int | None, status: str
) -> dict[str, Any]:
    return {
        "campaign_id": campaign.pk,
        "campaign": campaign.name,
        "contact_id": contact_id,
        "account_id": account_id,
        "status": status,
    }


def _check_status(status: str) -> None:
    if status not in M.values:
        raise ValidationError({"status": _("Choose one of the listed statuses.")})


def _check_live(campaign: Campaign) -> None:
    if campaign.in_trash:
        raise ValidationError(_("This campaign is in the trash; restore it first."))


def campaign_member_add(
    *,
    actor: Any,
    campaign: Campaign,
    contact: Contact,
    status: str = M.TARGETED,
    at: datetime | None = None,
) -> CampaignMember:
    """Add ``contact``; a contact already in the campaign stays as it is."""
    policy.require(actor, "campaign.write", campaign)
    if contact.in_trash:
        raise ValidationError({"contact": _("This contact is in the trash; restore it first.")})
    campaign_members_add(
        actor=actor, campaign=campaign, contact_ids=[contact.pk], status=status, at=at
    )
    return CampaignMember.objects.get(campaign=campaign, contact=contact)


def campaign_members_add(
    *,
    actor: Any,
    campaign: Campaign,
    contact_ids: Iterable[int],
    status: str = M.TARGETED,
    at: datetime | None = None,
) -> int:
    """Add many contacts at once (set-based); returns how many were new.

    Unknown, trashed and already added contacts are skipped. The members and
    their ``campaign.member_added`` events are written in bulk: a mailing list
    of hundreds is one round of queries, not hundreds.
    """
    policy.require(actor, "campaign.write", campaign)
    _check_status(status)
    _check_live(campaign)
    wanted = sorted({int(pk) for pk in contact_ids})
    if len(wanted) > MAX_BULK:
        raise ValidationError(_("Add at most %(max)d contacts at once.") % {"max": MAX_BULK})
    moment = _now(at)
    acting = current()
    user = actor if getattr(actor, "pk", None) else None
    with transaction.atomic():
        # Serialises adds to this campaign: two adds of one contact at once
        # would otherwise both pass the "already a member" check.
        Campaign.all_objects.select_for_update().filter(pk=campaign.pk).first()
        existing = set(
            CampaignMember.objects.filter(campaign=campaign, contact_id__in=wanted).values_list(
                "contact_id", flat=True
            )
        )
        fresh = list(
            Contact.objects.filter(pk__in=[pk for pk in wanted if pk not in existing]).values_list(
                "pk", "account_id"
            )
        )
        if not fresh:
            return 0
        members = CampaignMember.objects.bulk_create(
            [
                CampaignMember(
                    campaign=campaign,
                    contact_id=pk,
                    status=status,
                    added_at=moment,
                    status_changed_at=moment,
                )
                for pk, _account in fresh
            ],
            batch_size=500,
        )
        accounts = dict(fresh)
        recorded = Event.objects.bulk_create(
            [
                Event(
                    type="campaign.member_added",
                    subject_type=events.subject_label(CampaignMember),
                    subject_id=member.pk,
                    actor=user,
                    source=acting.source,
                    occurred_at=moment,
                    payload=_member_payload(
                        campaign, member.contact_id, accounts[member.contact_id], status
                    ),
                )
                for member in members
            ],
            batch_size=500,
        )
        events.deliveries_for_bulk([e.pk for e in recorded], "campaign.member_added")
    return len(members)


def campaign_member_set_status(
    *, actor: Any, member: CampaignMember, status: str, at: datetime | None = None
) -> CampaignMember:
    policy.require(actor, "campaign.write", member.campaign)
    _check_status(status)
    moment = _now(at)
    with transaction.atomic():
        member = (
            CampaignMember.objects.select_for_update()
            .select_related("campaign", "contact")
            .get(pk=member.pk)
        )
        if member.status == status:
            return member
        previous = member.status
        member.status = status
        member.status_changed_at = moment
        member.save(update_fields=["status", "status_changed_at"])
        events.record(
            "campaign.member_status_changed",
            subject=member,
            actor=actor,
            payload={
                **_member_payload(
                    member.campaign, member.contact_id, member.contact.account_id, status
                ),
                "from": previous,
            },
            occurred_at=moment,
        )
    return member


def campaign_member_remove(*, actor: Any, member: CampaignMember) -> None:
    """Take a contact off the campaign; its responses stay (they happened)."""
    policy.require(actor, "campaign.write", member.campaign)
    with transaction.atomic():
        payload = _member_payload(
            member.campaign, member.contact_id, member.contact.account_id, member.status
        )
        member.delete()
        events.record(
            "campaign.member_removed", subject=member.campaign, actor=actor, payload=payload
        )


# --- responses ------------------------------------------------------------------------


def campaign_response_record(
    *,
    actor: Any,
    campaign: Campaign,
    contact: Contact,
    kind: str,
    source: str = "",
    payload: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> CampaignResponse:
    """One touch of ``contact`` by ``campaign`` (a form, a click, an attendance).

    Adds the contact as a member if missing, raises its status, keeps the first
    response time, and records ``campaign.responded``. ``actor`` None is the
    system (a captured web form); a person needs ``campaign.write``.
    """
    if actor is not None:
        policy.require(actor, "campaign.write", campaign)
    if kind not in CampaignResponse.Kind.values:
        raise ValidationError({"kind": _("Choose one of the listed kinds of response.")})
    if payload is not None and not isinstance(payload, dict):
        raise ValidationError({"payload": _("The details must be an object.")})
    if payload and "\\u0000" in json.dumps(payload):
        # PostgreSQL's jsonb cannot store NUL characters.
        raise ValidationError({"payload": _("Text must not contain NUL characters.")})
    _check_live(campaign)
    if contact.in_trash:
        raise ValidationError({"contact": _("This contact is in the trash; restore it first.")})
    moment = _now(at)
    response = CampaignResponse(
        campaign=campaign,
        contact=contact,
        kind=kind,
        occurred_at=moment,
        source=source[:20],
        payload=payload or {},
    )
    # The campaign and the contact are rows in hand (checked live above).
    response.full_clean(exclude=["campaign", "contact"])
    with transaction.atomic():
        # Serialises the member upsert per campaign (two responses of a new
        # member at once would both try to insert it). SQLite has no row
        # locks: its IMMEDIATE transactions already run one writer at a time.
        if connection.features.has_select_for_update:
            Campaign.all_objects.select_for_update().filter(pk=campaign.pk).first()
        member = CampaignMember.objects.filter(campaign=campaign, contact=contact).first()
        target = _STATUS_OF_KIND.get(kind, M.RESPONDED)  # type: ignore[call-overload]
        if member is None:
            member = CampaignMember(
                campaign=campaign,
                contact=contact,
                status=target,
                added_at=moment,
                status_changed_at=moment,
                first_responded_at=moment,
            )
            member.save()
        else:
            fields = []
            if member.status in _RANK and _RANK[target] > _RANK[M(member.status)]:
                member.status = target
                member.status_changed_at = moment
                fields += ["status", "status_changed_at"]
            if member.first_responded_at is None or moment < member.first_responded_at:
                member.first_responded_at = moment
                fields.append("first_responded_at")
            if fields:
                member.save(update_fields=fields)
        response.save()
        events.record(
            "campaign.responded",
            subject=response,
            actor=actor,
            payload={
                "contact_id": contact.pk,
                "account_id": contact.account_id,
                "campaign_id": campaign.pk,
                "campaign": campaign.name,
                "kind": kind,
                "response_id": response.pk,
            },
            occurred_at=moment,
        )
    return response
