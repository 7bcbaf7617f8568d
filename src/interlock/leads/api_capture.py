"""REST endpoints of lead management: capture (``POST /leads``) and capture forms."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from interlock.campaigns.models import Campaign
from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.middleware import client_addr
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId
from interlock.customers.models import Contact
from interlock.leads import services_capture, services_capture_forms
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


def _campaign(payload: LeadIn) -> Campaign | None:
    if payload.campaign_id is not None:
        found = Campaign.objects.filter(pk=payload.campaign_id).first()
        if found is None:
            raise ValidationError(
                {"campaign_id": _("No such campaign (id %(id)s).") % {"id": payload.campaign_id}}
            )
        return found
    if payload.utm_campaign:
        return Campaign.objects.filter(utm_campaign=payload.utm_campaign).order_by("-pk").first()
    return None


def lead_out(capture: Capture) -> dict[str, Any]:
    """The contact's state after capture, scoring and routing (three small queries)."""
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
    return {
        "capture_id": capture.pk,
        "contact_id": capture.contact_id,
        "created": capture.created,
        "stage": state.get("lifecycle_stage") or "",
        "grade": state.get("lead__fit_grade") or "",
        "assignee_id": (routed or {}).get("assignee_id"),
        "team_id": (routed or {}).get("team_id"),
    }


@router.post(
    "/leads",
    response={200: LeadOut, 201: LeadOut, **PROBLEMS},
    summary="Capture a lead",
)
def leads_capture(request: ApiRequest, payload: LeadIn) -> Any:
    """Create or update the contact by e-mail, attach the campaign response, score and route.

    201 when the contact is new, 200 when an existing one was updated. Two
    posts of the same e-mail at the same moment give one contact.
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
        campaign=_campaign(payload),
        utm={key: getattr(payload, key) for key in UTM_KEYS if getattr(payload, key)},
        consent_text=payload.consent_text,
        source=payload.source,
        newsletter_only=payload.newsletter_only,
    )
    capture = services_capture.lead_capture(
        actor=request.auth, data=data, channel="api", ip=client_addr(request) or ""
    )
    return Status(201 if capture.created else 200, lead_out(capture))


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
