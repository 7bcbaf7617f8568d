"""REST endpoints of the campaigns app: CRUD, costs, members, responses, attribution."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status
from ninja.errors import HttpError

from interlock.campaigns import figures, selectors, services
from interlock.campaigns.models import Campaign, CampaignCost, CampaignMember
from interlock.campaigns.schemas import (
    AttributionOut,
    CampaignIn,
    CampaignOut,
    CampaignPatch,
    CampaignStatus,
    CampaignType,
    CostIn,
    CostOut,
    MemberOut,
    MembersAdded,
    MembersIn,
    MemberStatus,
    MemberStatusIn,
    Model,
    ResponseIn,
    ResponseOut,
    campaign_out,
    member_out,
)
from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId, Text
from interlock.customers.models import Contact
from interlock.org.models import Team

router = Router(tags=["campaigns"])

CampaignId = Annotated[DbId, Path()]
CampaignPage = page_schema(CampaignOut, "CampaignPage")
CostPage = page_schema(CostOut, "CampaignCostPage")
MemberPage = page_schema(MemberOut, "CampaignMemberPage")
C = "/campaigns/{campaign_id}"


def _campaign(pk: int) -> Campaign:
    found = selectors.campaign_detail(pk)
    if found is None:
        raise Http404
    return found


def _lookup(model: type[models.Model], pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("No such record (id %(id)s).") % {"id": pk}})
    return found


def _refs(fields: dict[str, Any]) -> dict[str, Any]:
    """``owner_id``/``team_id`` from the payload to the objects the services take."""
    out = dict(fields)
    if "owner_id" in out:
        out["owner"] = _lookup(get_user_model(), out.pop("owner_id"), "owner_id")
    if "team_id" in out:
        out["team"] = _lookup(Team, out.pop("team_id"), "team_id")
    return out


@router.get("/campaigns", response={200: CampaignPage, **PROBLEMS}, summary="List campaigns")
def campaigns_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    type: Annotated[CampaignType | None, Query()] = None,
    status: Annotated[CampaignStatus | None, Query()] = None,
    owner: Annotated[DbId | None, Query(description="Owner's user id.")] = None,
    running_from: Annotated[date | None, Query(description="Runs on or after this day.")] = None,
    starting_until: Annotated[date | None, Query(description="Starts on or before.")] = None,
    q: Annotated[Text | None, Query(max_length=100, description="Part of name/UTM.")] = None,
) -> Any:
    """Live campaigns sorted by start (then id)."""
    policy.require(request.auth, "campaign.view")
    qs = selectors.campaigns(
        selectors.CampaignFilters(
            type=type,
            status=status,
            owner=owner,
            starts_from=running_from,
            starts_to=starting_until,
            q=q or "",
        )
    )
    return paginate(qs, Keyset(("starts_on", "id")), cursor=cursor, limit=limit, item=campaign_out)


@router.post("/campaigns", response={201: CampaignOut, **PROBLEMS}, summary="Create a campaign")
def campaigns_create(request: ApiRequest, payload: CampaignIn) -> Any:
    policy.require(request.auth, "campaign.write")
    campaign = services.campaign_create(actor=request.auth, **_refs(payload.dict()))
    return Status(201, campaign_out(_campaign(campaign.pk)))


@router.get(C, response={200: CampaignOut, **PROBLEMS}, summary="One campaign")
def campaigns_get(request: ApiRequest, campaign_id: CampaignId) -> Any:
    policy.require(request.auth, "campaign.view")
    return campaign_out(_campaign(campaign_id))


@router.patch(C, response={200: CampaignOut, **PROBLEMS}, summary="Change a campaign")
def campaigns_update(request: ApiRequest, campaign_id: CampaignId, payload: CampaignPatch) -> Any:
    """Send just the fields to change."""
    policy.require(request.auth, "campaign.write")
    services.campaign_update(
        actor=request.auth, campaign=_campaign(campaign_id), **_refs(payload.changes())
    )
    return campaign_out(_campaign(campaign_id))


@router.delete(C, response={204: None, **PROBLEMS}, summary="Move a campaign to the trash")
def campaigns_delete(request: ApiRequest, campaign_id: CampaignId) -> Any:
    policy.require(request.auth, "campaign.write")
    services.campaign_delete(actor=request.auth, campaign=_campaign(campaign_id))
    return Status(204, None)


# --- costs ----------------------------------------------------------------------------


@router.get(f"{C}/costs", response={200: CostPage, **PROBLEMS}, summary="A campaign's cost lines")
def costs_list(
    request: ApiRequest, campaign_id: CampaignId, cursor: Cursor = None, limit: Limit = 50
) -> Any:
    policy.require(request.auth, "campaign.view")
    qs = CampaignCost.objects.filter(campaign=_campaign(campaign_id))
    return paginate(qs, Keyset(("id",)), cursor=cursor, limit=limit)


@router.post(f"{C}/costs", response={201: CostOut, **PROBLEMS}, summary="Add a cost line")
def costs_add(request: ApiRequest, campaign_id: CampaignId, payload: CostIn) -> Any:
    """In the campaign's currency; amounts are never negative."""
    policy.require(request.auth, "campaign.write")
    cost = services.campaign_cost_add(
        actor=request.auth, campaign=_campaign(campaign_id), **payload.dict()
    )
    return Status(201, cost)


@router.delete(
    f"{C}/costs/{{cost_id}}", response={204: None, **PROBLEMS}, summary="Remove a cost line"
)
def costs_remove(
    request: ApiRequest, campaign_id: CampaignId, cost_id: Annotated[DbId, Path()]
) -> Any:
    policy.require(request.auth, "campaign.write")
    cost = get_object_or_404(CampaignCost, pk=cost_id, campaign=_campaign(campaign_id))
    services.campaign_cost_remove(actor=request.auth, cost=cost)
    return Status(204, None)


# --- members --------------------------------------------------------------------------


@router.get(f"{C}/members", response={200: MemberPage, **PROBLEMS}, summary="A campaign's members")
def members_list(
    request: ApiRequest,
    campaign_id: CampaignId,
    cursor: Cursor = None,
    limit: Limit = 50,
    status: Annotated[MemberStatus | None, Query()] = None,
) -> Any:
    policy.require(request.auth, "campaign.view")
    qs = CampaignMember.objects.filter(campaign=_campaign(campaign_id)).select_related("contact")
    if status:
        qs = qs.filter(status=status)
    return paginate(qs, Keyset(("id",)), cursor=cursor, limit=limit, item=member_out)


@router.post(
    f"{C}/members", response={200: MembersAdded, **PROBLEMS}, summary="Add members (many at once)"
)
def members_add(request: ApiRequest, campaign_id: CampaignId, payload: MembersIn) -> Any:
    """By contact ids and/or e-mail addresses; existing members and unknown ids are skipped."""
    policy.require(request.auth, "campaign.write")
    campaign = _campaign(campaign_id)
    by_mail, unknown = selectors.contacts_by_emails("\n".join(payload.emails))
    added = services.campaign_members_add(
        actor=request.auth,
        campaign=campaign,
        contact_ids=[*payload.contact_ids, *by_mail],
        status=payload.status,
        at=payload.at,
    )
    return {"added": added, "unknown_emails": unknown}


@router.patch(
    f"{C}/members", response={200: MemberOut, **PROBLEMS}, summary="Set a member's status"
)
def members_status(request: ApiRequest, campaign_id: CampaignId, payload: MemberStatusIn) -> Any:
    policy.require(request.auth, "campaign.write")
    member = (
        CampaignMember.objects.select_related("campaign", "contact")
        .filter(campaign=_campaign(campaign_id), contact_id=payload.contact_id)
        .first()
    )
    if member is None:
        raise HttpError(404, _("This contact is not a member of the campaign."))
    member = services.campaign_member_set_status(
        actor=request.auth, member=member, status=payload.status, at=payload.at
    )
    return member_out(member)


# --- responses and attribution --------------------------------------------------------


@router.post(f"{C}/responses", response={201: ResponseOut, **PROBLEMS}, summary="Record a response")
def responses_record(request: ApiRequest, campaign_id: CampaignId, payload: ResponseIn) -> Any:
    """One touch (form, click, attendance …); adds the contact as a member if needed."""
    policy.require(request.auth, "campaign.write")
    campaign = _campaign(campaign_id)
    contact = _lookup(Contact, payload.contact_id, "contact_id")
    response = services.campaign_response_record(
        actor=request.auth,
        campaign=campaign,
        contact=contact,
        kind=payload.kind,
        source=payload.source,
        payload=payload.payload,
        at=payload.at,
    )
    return Status(201, response)


@router.get(
    f"{C}/attribution",
    response={200: AttributionOut, **PROBLEMS},
    summary="MQLs, SQLs, pipeline, revenue, cost per MQL/SQL and ROI of a campaign",
)
def attribution(
    request: ApiRequest,
    campaign_id: CampaignId,
    model: Annotated[Model, Query(description="Attribution model.")] = "linear",
    since: Annotated[date | None, Query(description="Conversions from this day.")] = None,
    until: Annotated[date | None, Query(description="Conversions until this day.")] = None,
) -> Any:
    policy.require(request.auth, "campaign.view")
    campaign = _campaign(campaign_id)
    if since and until and until < since:
        raise HttpError(422, _("“until” must not be before “since”."))
    result = figures.attribution([campaign.pk], since, until)
    if result is None or campaign.pk not in result.figures:
        raise HttpError(404, _("Attribution is not available."))
    found = result.figures[campaign.pk]
    m = found.models[model]
    return {
        "campaign_id": campaign.pk,
        "model": model,
        "currency": result.currency,
        "cost": found.cost,
        "mqls": m.mqls,
        "sqls": m.sqls,
        "pipeline": m.pipeline,
        "won": m.won,
        "cost_per_mql": m.cost_per_mql,
        "cost_per_sql": m.cost_per_sql,
        "roi": m.roi,
        "deals_left_out": result.deals_left_out,
    }
