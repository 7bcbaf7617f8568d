"""REST endpoints of lead management: capture (``POST /leads``) and capture forms."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from interlock.campaigns import selectors as campaign_selectors
from interlock.campaigns.models import Campaign
from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.middleware import client_addr
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId
from interlock.customers.models import Contact
from interlock.leads import intake, services_capture, services_capture_forms
from interlock.leads.models import Assignment, Capture, CaptureForm, Handoff
from interlock.leads.schemas_capture import (
    CaptureFormIn,
    CaptureFormOut,
    CaptureFormPatch,
    LeadIn,
    LeadOut,
)
from interlock.leads.services_capture import UTM_KEYS, CaptureData

router = Router(tags=["leads"])
FormPage = page_schema(CaptureFormOut, "CaptureFormPage")
FormId = Annotated[DbId, Path()]


def _campaign(payload: LeadIn) -> int | None:
    """The campaign's id: named by id (must exist), or found by ``utm_campaign`` (may not)."""
    if payload.campaign_id is not None:
        found = campaign_selectors.live_campaign_id(pk=payload.campaign_id)
        if found is None:
            raise ValidationError(
                {"campaign_id": _("No such campaign (id %(id)s).") % {"id": payload.campaign_id}}
            )
        return found
    return campaign_selectors.live_campaign_id(utm_campaign=payload.utm_campaign or "")


def lead_out(capture: Capture, request: HttpRequest | None = None) -> dict[str, Any]:
    """The capture and, once processed, the contact's state after scoring and routing."""
    out: dict[str, Any] = {
        "capture_id": capture.pk,
        "status": capture.status,
        "contact_id": capture.contact_id,
        "created": capture.created,
        "stage": "",
        "grade": "",
        "assignee_id": None,
        "team_id": None,
        "error": capture.error,
        "status_url": "",
    }
    if request is not None:
        out["status_url"] = request.build_absolute_uri(f"/api/v1/leads/captures/{capture.pk}")
    if capture.contact_id is None:
        return out
    state: dict[str, Any] = dict(
        Contact.objects.filter(pk=capture.contact_id)
        .values("lifecycle_stage", "lead__fit_grade")
        .first()
        or {}
    )
    routed: Any = (
        Handoff.objects.filter(contact_id=capture.contact_id, status=Handoff.Status.OPEN)
        .order_by("-handed_at", "-id")
        .values("assignee_id", "team_id")
        .first()
    ) or (
        Assignment.objects.filter(contact_id=capture.contact_id)
        .order_by("-at", "-id")
        .values("team_id")
        .first()
    )
    out["stage"] = state.get("lifecycle_stage") or ""
    out["grade"] = state.get("lead__fit_grade") or ""
    out["assignee_id"] = (routed or {}).get("assignee_id")
    out["team_id"] = (routed or {}).get("team_id")
    return out


@router.post(
    "/leads",
    response={200: LeadOut, 201: LeadOut, 202: LeadOut, **PROBLEMS},
    summary="Capture a lead",
)
def leads_capture(request: ApiRequest, payload: LeadIn, wait: bool = False) -> Any:
    """Store the submission; the worker creates or updates the contact, responds, scores, routes.

    202 with ``status`` pending and a ``status_url`` to look at the result.
    With ``wait=true`` the request processes it itself: 201 when the contact
    is new, 200 when an existing one was updated. Two posts of the same
    e-mail at the same moment give one contact.
    """
    policy.require(request.auth, "lead.write")
    data = CaptureData(
        email=payload.email,
        phone=payload.phone,
        first_name=payload.first_name,
        last_name=payload.last_name,
        company=payload.company,
        domain=payload.domain,
        title=payload.title,
        country=payload.country,
        campaign_id=_campaign(payload),
        utm={key: getattr(payload, key) for key in UTM_KEYS if getattr(payload, key)},
        consent_text=payload.consent_text,
        source=payload.source,
        newsletter_only=payload.newsletter_only,
    )
    ip = client_addr(request) or ""
    if wait or services_capture.inline():
        capture = services_capture.lead_capture(actor=request.auth, data=data, channel="api", ip=ip)
        return Status(201 if capture.created else 200, lead_out(capture, request))
    capture = services_capture.capture_queue(actor=request.auth, data=data, channel="api", ip=ip)
    # The answer is plain data built here (LeadOut's fields): no second validation.
    return JsonResponse(lead_out(capture, request), status=202)


@router.get(
    "/leads/captures/{capture_id}",
    response={200: LeadOut, **PROBLEMS},
    summary="Look at a captured lead",
)
def leads_capture_get(request: ApiRequest, capture_id: Annotated[DbId, Path()]) -> Any:
    """Whether the submission was processed, and the contact's state if so."""
    policy.require(request.auth, "lead.view")
    capture = Capture.objects.filter(pk=capture_id).first() or intake.find(capture_id)
    if capture is None:
        raise Http404
    return lead_out(capture, request)


# --- capture forms ------------------------------------------------------------------------


def form_out(form: CaptureForm, request: HttpRequest) -> dict[str, Any]:
    return {
        "id": form.pk,
        "name": form.name,
        "key": form.key,
        "campaign_id": form.campaign_id,
        "allowed_origins": [o for o in form.allowed_origins.splitlines() if o],
        "consent_text": form.consent_text,
        "thank_you": form.thank_you,
        "redirect_url": form.redirect_url,
        "language": form.language,
        "active": form.active,
        "post_url": request.build_absolute_uri(reverse("leads:capture_post", args=[form.key])),
        "created_at": form.created_at,
    }


def _fields(changes: dict[str, Any]) -> dict[str, Any]:
    if "campaign_id" in changes:
        pk = changes.pop("campaign_id")
        campaign = None
        if pk is not None:
            campaign = Campaign.objects.filter(pk=pk).first()
            if campaign is None:
                raise ValidationError(
                    {"campaign_id": _("No such campaign (id %(id)s).") % {"id": pk}}
                )
        changes["campaign"] = campaign
    if "allowed_origins" in changes:
        changes["allowed_origins"] = "\n".join(changes["allowed_origins"])
    return changes


@router.get("/capture-forms", response={200: FormPage, **PROBLEMS}, summary="List capture forms")
def capture_forms_list(request: ApiRequest, cursor: Cursor = None, limit: Limit = 50) -> Any:
    policy.require(request.auth, "lead.view")
    return paginate(
        CaptureForm.objects.all(),
        Keyset(("name", "id")),
        cursor=cursor,
        limit=limit,
        item=lambda f: form_out(f, request),
    )


@router.post(
    "/capture-forms", response={201: CaptureFormOut, **PROBLEMS}, summary="Create a capture form"
)
def capture_forms_create(request: ApiRequest, payload: CaptureFormIn) -> Any:
    fields = _fields(payload.dict())
    form = services_capture_forms.capture_form_create(actor=request.auth, **fields)
    return Status(201, form_out(form, request))


@router.get(
    "/capture-forms/{form_id}",
    response={200: CaptureFormOut, **PROBLEMS},
    summary="One capture form",
)
def capture_forms_get(request: ApiRequest, form_id: FormId) -> Any:
    policy.require(request.auth, "lead.view")
    return form_out(get_object_or_404(CaptureForm, pk=form_id), request)


@router.patch(
    "/capture-forms/{form_id}",
    response={200: CaptureFormOut, **PROBLEMS},
    summary="Change a capture form",
)
def capture_forms_update(request: ApiRequest, form_id: FormId, payload: CaptureFormPatch) -> Any:
    policy.require(request.auth, "lead.configure")
    form = get_object_or_404(CaptureForm, pk=form_id)
    form = services_capture_forms.capture_form_update(
        actor=request.auth, form=form, **_fields(payload.changes())
    )
    return form_out(form, request)


@router.delete(
    "/capture-forms/{form_id}", response={204: None, **PROBLEMS}, summary="Delete a capture form"
)
def capture_forms_delete(request: ApiRequest, form_id: FormId) -> Any:
    policy.require(request.auth, "lead.configure")
    services_capture_forms.capture_form_delete(
        actor=request.auth, form=get_object_or_404(CaptureForm, pk=form_id)
    )
    return Status(204, None)
