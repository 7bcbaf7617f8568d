"""REST endpoints of lead management: lifecycle stages, handoffs, rejection reasons."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId
from interlock.customers.models import Contact
from interlock.leads import selectors_handoff as selectors
from interlock.leads import services_lifecycle as services
from interlock.leads.models import Handoff, LeadProfile, RejectionReason
from interlock.leads.moves import BANT_FIELDS
from interlock.leads.schemas_handoff import (
    AcceptIn,
    DisputeIn,
    HandoffOut,
    HandoffStatus,
    QualificationIn,
    QualificationOut,
    ReasonOut,
    RejectIn,
    SettleIn,
    StageIn,
    TransitionOut,
    handoff_out,
    transition_out,
)
from interlock.leads.services_handoff import reason_label

router = Router(tags=["leads"])

ContactId = Annotated[DbId, Path()]
HandoffId = Annotated[DbId, Path()]
TransitionPage = page_schema(TransitionOut, "LifecycleTransitionPage")
HandoffPage = page_schema(HandoffOut, "HandoffPage")


def _contact(pk: int) -> Contact:
    return get_object_or_404(Contact.objects.select_related("account"), pk=pk)


def _handoff(pk: int) -> Handoff:
    return get_object_or_404(Handoff.objects.select_related("contact", "team"), pk=pk)


def _handoff_read(pk: int) -> dict[str, Any]:
    return handoff_out(selectors.handoffs().get(pk=pk))


@router.post(
    "/contacts/{contact_id}/stage",
    response={200: TransitionOut, **PROBLEMS},
    summary="Move a contact to another lifecycle stage",
)
def contact_stage(request: ApiRequest, contact_id: ContactId, payload: StageIn) -> Any:
    """Refused (422) when the move is not allowed or a reason is missing."""
    policy.require(request.auth, "lead.write")
    moved = services.lifecycle_change(
        actor=request.auth,
        contact=_contact(contact_id),
        to_stage=payload.to_stage,
        reason=payload.reason,
    )
    return transition_out(moved)


@router.get(
    "/contacts/{contact_id}/transitions",
    response={200: TransitionPage, **PROBLEMS},
    summary="A contact's lifecycle history, newest first",
)
def contact_transitions(
    request: ApiRequest, contact_id: ContactId, cursor: Cursor = None, limit: Limit = 50
) -> Any:
    policy.require(request.auth, "lead.view")
    contact = _contact(contact_id)
    return paginate(
        selectors.transitions(contact.pk),
        Keyset(("at", "id"), descending=True),
        cursor=cursor,
        limit=limit,
        item=transition_out,
    )


@router.put(
    "/contacts/{contact_id}/qualification",
    response={200: QualificationOut, **PROBLEMS},
    summary="Set a contact's qualification (budget, authority, need, timing)",
)
def contact_qualification(
    request: ApiRequest, contact_id: ContactId, payload: QualificationIn
) -> Any:
    """With ``advance`` (default), an SAL becomes SQL once all four fields are filled."""
    policy.require(request.auth, "lead.write")
    contact = _contact(contact_id)
    profile: LeadProfile = services.lead_qualify(
        actor=request.auth,
        contact=contact,
        budget=payload.budget,
        authority=payload.authority,
        need=payload.need,
        timing=payload.timing,
        advance=payload.advance,
    )
    return {
        "contact_id": contact.pk,
        "stage": contact.lifecycle_stage,
        "budget": profile.budget,
        "authority": profile.authority,
        "need": profile.need,
        "timing": profile.timing,
        "complete": all(getattr(profile, f) for f in BANT_FIELDS),
    }


@router.get("/handoffs", response={200: HandoffPage, **PROBLEMS}, summary="List handoffs")
def handoffs_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    status: Annotated[HandoffStatus | None, Query()] = None,
    team: Annotated[DbId | None, Query(description="Team (queue) id.")] = None,
    assignee: Annotated[
        Literal["me"] | DbId | None, Query(description="A user id, or `me`.")
    ] = None,
    disputed: Annotated[
        bool | None, Query(description="Only disputed (true) or undisputed (false).")
    ] = None,
) -> Any:
    """Newest handoff first."""
    policy.require(request.auth, "lead.view")
    assignee_id = request.auth.pk if assignee == "me" else assignee
    qs = selectors.handoffs(
        status=status,
        team_id=team,
        assignee_id=assignee_id if isinstance(assignee_id, int) else None,
        disputed=disputed,
    )
    keyset = Keyset(("handed_at", "id"), descending=True)
    return paginate(qs, keyset, cursor=cursor, limit=limit, item=handoff_out)


@router.get("/handoffs/{handoff_id}", response={200: HandoffOut, **PROBLEMS}, summary="One handoff")
def handoffs_get(request: ApiRequest, handoff_id: HandoffId) -> Any:
    policy.require(request.auth, "lead.view")
    return handoff_out(get_object_or_404(selectors.handoffs(), pk=handoff_id))


@router.post(
    "/handoffs/{handoff_id}/accept",
    response={200: HandoffOut, **PROBLEMS},
    summary="Accept a lead (the contact becomes SAL)",
)
def handoffs_accept(request: ApiRequest, handoff_id: HandoffId, payload: AcceptIn) -> Any:
    handoff = _handoff(handoff_id)
    services.handoff_accept(actor=request.auth, handoff=handoff, comment=payload.comment)
    return _handoff_read(handoff_id)


@router.post(
    "/handoffs/{handoff_id}/reject",
    response={200: HandoffOut, **PROBLEMS},
    summary="Reject a lead with a reason (it returns to marketing)",
)
def handoffs_reject(request: ApiRequest, handoff_id: HandoffId, payload: RejectIn) -> Any:
    handoff = _handoff(handoff_id)
    services.handoff_reject(
        actor=request.auth,
        handoff=handoff,
        reason_code=payload.reason_code,
        comment=payload.comment,
    )
    return _handoff_read(handoff_id)


@router.post(
    "/handoffs/{handoff_id}/dispute",
    response={200: HandoffOut, **PROBLEMS},
    summary="Dispute a rejection (marketing, once)",
)
def handoffs_dispute(request: ApiRequest, handoff_id: HandoffId, payload: DisputeIn) -> Any:
    handoff = _handoff(handoff_id)
    services.handoff_dispute(actor=request.auth, handoff=handoff, comment=payload.comment)
    return _handoff_read(handoff_id)


@router.post(
    "/handoffs/{handoff_id}/settle",
    response={200: HandoffOut, **PROBLEMS},
    summary="Settle a disputed rejection",
)
def handoffs_settle(request: ApiRequest, handoff_id: HandoffId, payload: SettleIn) -> Any:
    handoff = _handoff(handoff_id)
    services.handoff_settle(
        actor=request.auth, handoff=handoff, overturn=payload.overturn, note=payload.note
    )
    return _handoff_read(handoff_id)


@router.get(
    "/rejection-reasons",
    response={200: list[ReasonOut], **PROBLEMS},
    summary="The rejection reasons",
)
def rejection_reasons(
    request: ApiRequest,
    active: Annotated[bool | None, Query(description="Only active (true) or retired.")] = None,
) -> Any:
    policy.require(request.auth, "lead.view")
    qs = RejectionReason.objects.order_by("position", "name")
    if active is not None:
        qs = qs.filter(active=active)
    return [
        {
            "code": r.code,
            "name": r.name,
            "label": reason_label(r),
            "outcome": r.outcome,
            "active": r.active,
        }
        for r in qs
    ]
