"""What the campaigns app registers with lower floors (audit, timeline, lists, merge, demo)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy


def _targets(event: Any) -> list[tuple[int | None, int | None]]:
    """The contact's timeline, and its account's when it has one."""
    pairs: list[tuple[int | None, int | None]] = []
    if event.payload.get("account_id"):
        pairs.append((event.payload["account_id"], None))
    if event.payload.get("contact_id"):
        pairs.append((None, event.payload["contact_id"]))
    return pairs


def _kind(event: Any) -> str:
    from interlock.campaigns.models import CampaignResponse

    value = event.payload.get("kind", "")
    if value not in CampaignResponse.Kind.values:
        return ""
    return str(CampaignResponse.Kind(value).label)


def _status(event: Any) -> str:
    from interlock.campaigns.models import CampaignMember

    value = event.payload.get("status", "")
    if value not in CampaignMember.Status.values:
        return ""
    return _t("Status: %(status)s") % {"status": CampaignMember.Status(value).label}


def register_timeline() -> None:
    """Campaign touches and memberships on account and contact timelines (kind "campaign")."""
    from interlock.customers import timeline

    label = gettext_lazy("Campaigns")
    timeline.register(
        "campaign.responded",
        kind="campaign",
        title=lambda e: (
            _t("Responded to campaign: %(campaign)s") % {"campaign": e.payload.get("campaign", "")}
        ),
        targets=_targets,
        summary=_kind,
        label=label,
    )
    timeline.register(
        "campaign.member_added",
        kind="campaign",
        title=lambda e: (
            _t("Added to campaign: %(campaign)s") % {"campaign": e.payload.get("campaign", "")}
        ),
        targets=_targets,
        summary=_status,
        label=label,
    )


def register_all() -> None:
    from auditlog.registry import auditlog

    from interlock.campaigns import models
    from interlock.customers.merge import register_relation

    for model in (models.Campaign, models.CampaignCost, models.CampaignMember):
        auditlog.register(model)
    # A customer-record merge moves these to the surviving contact. Members are
    # unique per (campaign, contact): the merge drops the merged contact's row
    # where the survivor is already a member (customers.services._drop_clashes),
    # so it never fails; responses are append-only and all move.
    register_relation("campaigns.CampaignMember", "contact")
    register_relation("campaigns.CampaignResponse", "contact")
    register_timeline()
    from interlock.campaigns.demo import register as register_demo

    register_demo()
