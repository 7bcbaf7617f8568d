"""REST endpoints of team agreements: drafting, terms, ladder, signing, templates.

Thin: parse, look up, call the service (which asks the policy), answer with
the schema. Errors are problem documents (see ``interlock.core.api``).
"""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from interlock.agreements import catalog, selectors_agreements, services_agreements
from interlock.agreements import services_signing as signing
from interlock.agreements.models import Agreement, AgreementVersion, EscalationStep, Term
from interlock.agreements.schemas_agreements import (
    AgreementIn,
    AgreementOut,
    AtIn,
    SignIn,
    StepIn,
    StepOut,
    TemplateOut,
    TermIn,
    TerminateIn,
    TermOut,
    TermPatch,
    VersionOut,
    VersionPatch,
    VersionStatus,
    agreement_out,
    step_out,
    term_out,
    version_out,
)
from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId, Text
from interlock.org.models import Team

router = Router(tags=["agreements"])

AgreementId = Annotated[DbId, Path()]
Number = Annotated[int, Path(ge=1, le=2_147_483_647)]
AgreementPage = page_schema(AgreementOut, "AgreementPage")
# int converters: "/agreements/scorecards" (another part) must not match an agreement id.
A = "/agreements/{int:agreement_id}"
V = f"{A}/versions/{{int:number}}"


def _agreement(pk: int) -> Agreement:
    try:
        return selectors_agreements.agreement_detail(pk)
    except Agreement.DoesNotExist:
        raise Http404 from None


def _version(agreement_id: int, number: int) -> AgreementVersion:
    try:
        return selectors_agreements.version_of(_agreement(agreement_id), number)
    except AgreementVersion.DoesNotExist:
        raise Http404 from None


def _team(pk: int, field: str) -> Team:
    team = Team.objects.filter(pk=pk).first()
    if team is None:
        raise ValidationError({field: _("No such team (id %(id)s).") % {"id": pk}})
    return team


def _version_answer(version: AgreementVersion) -> dict[str, Any]:
    return version_out(_version(version.agreement_id, version.number))


@router.get("/agreements", response={200: AgreementPage, **PROBLEMS}, summary="List agreements")
def agreements_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    status: Annotated[VersionStatus | None, Query(description="Has a version in it.")] = None,
    team: Annotated[DbId | None, Query(description="Either side's team id.")] = None,
    q: Annotated[Text | None, Query(max_length=100, description="Part of title/purpose.")] = None,
) -> Any:
    policy.require(request.auth, "agreement.view")
    qs = selectors_agreements.agreements_for_list(status=status, team_id=team, q=q or "")
    return paginate(qs, Keyset(("id",)), cursor=cursor, limit=limit, item=agreement_out)


@router.post("/agreements", response={201: AgreementOut, **PROBLEMS}, summary="Draft an agreement")
def agreements_create(request: ApiRequest, payload: AgreementIn) -> Any:
    """Version 1 as a draft; with ``template`` the template's terms and ladder."""
    provider = _team(payload.provider_team_id, "provider_team_id")
    receiver = _team(payload.receiver_team_id, "receiver_team_id")
    if payload.template:
        agreement = services_agreements.agreement_from_template(
            actor=request.auth,
            template_key=payload.template,
            provider_team=provider,
            receiver_team=receiver,
            effective_from=payload.effective_from,
        )
    else:
        agreement = services_agreements.agreement_create(
            actor=request.auth,
            provider_team=provider,
            receiver_team=receiver,
            title=payload.title or "",
            purpose=payload.purpose,
            effective_from=payload.effective_from,
            effective_to=payload.effective_to,
        )
    return Status(201, agreement_out(_agreement(agreement.pk)))


@router.get(A, response={200: AgreementOut, **PROBLEMS}, summary="One agreement and its versions")
def agreements_get(request: ApiRequest, agreement_id: AgreementId) -> Any:
    policy.require(request.auth, "agreement.view")
    return agreement_out(_agreement(agreement_id))


@router.get(V, response={200: VersionOut, **PROBLEMS}, summary="One version with its contract")
def versions_get(request: ApiRequest, agreement_id: AgreementId, number: Number) -> Any:
    policy.require(request.auth, "agreement.view")
    return version_out(_version(agreement_id, number))


@router.patch(V, response={200: VersionOut, **PROBLEMS}, summary="Change a draft version")
def versions_update(
    request: ApiRequest, agreement_id: AgreementId, number: Number, payload: VersionPatch
) -> Any:
    changes = payload.changes()
    clear = "effective_to" in changes and changes["effective_to"] is None
    version = services_agreements.version_update(
        actor=request.auth,
        version=_version(agreement_id, number),
        title=changes.get("title"),
        purpose=changes.get("purpose"),
        effective_from=changes.get("effective_from"),
        effective_to=changes.get("effective_to"),
        clear_effective_to=clear,
    )
    return _version_answer(version)


@router.post(f"{V}/terms", response={201: TermOut, **PROBLEMS}, summary="Add a term to a draft")
def terms_add(
    request: ApiRequest, agreement_id: AgreementId, number: Number, payload: TermIn
) -> Any:
    fields = payload.dict()
    fields["period"] = fields["period"] or ""
    term = services_agreements.term_add(
        actor=request.auth, version=_version(agreement_id, number), **fields
    )
    return Status(201, term_out(term))


def _term(term_id: int) -> Term:
    term = Term.objects.select_related("version__agreement").filter(pk=term_id).first()
    if term is None:
        raise Http404
    return term


@router.patch(
    "/agreement-terms/{int:term_id}", response={200: TermOut, **PROBLEMS}, summary="Change a term"
)
def terms_update(request: ApiRequest, term_id: Annotated[DbId, Path()], payload: TermPatch) -> Any:
    fields = payload.changes()
    if "period" in fields:
        fields["period"] = fields["period"] or ""
    term = services_agreements.term_update(actor=request.auth, term=_term(term_id), **fields)
    return term_out(term)


@router.delete(
    "/agreement-terms/{int:term_id}", response={204: None, **PROBLEMS}, summary="Remove a term"
)
def terms_remove(request: ApiRequest, term_id: Annotated[DbId, Path()]) -> Any:
    services_agreements.term_remove(actor=request.auth, term=_term(term_id))
    return Status(204, None)


@router.post(f"{V}/steps", response={201: StepOut, **PROBLEMS}, summary="Add a ladder step")
def steps_add(
    request: ApiRequest, agreement_id: AgreementId, number: Number, payload: StepIn
) -> Any:
    step = services_agreements.step_add(
        actor=request.auth,
        version=_version(agreement_id, number),
        trigger=payload.trigger,
        offset_hours=payload.offset_hours,
        actions=list(payload.actions),
    )
    return Status(201, step_out(step))


@router.delete(
    "/agreement-steps/{int:step_id}",
    response={204: None, **PROBLEMS},
    summary="Remove a ladder step",
)
def steps_remove(request: ApiRequest, step_id: Annotated[DbId, Path()]) -> Any:
    step = EscalationStep.objects.select_related("version__agreement").filter(pk=step_id).first()
    if step is None:
        raise Http404
    services_agreements.step_remove(actor=request.auth, step=step)
    return Status(204, None)


@router.post(f"{V}/propose", response={200: VersionOut, **PROBLEMS}, summary="Propose a draft")
def versions_propose(
    request: ApiRequest, agreement_id: AgreementId, number: Number, payload: AtIn | None = None
) -> Any:
    at = payload.at if payload else None
    version = signing.version_propose(
        actor=request.auth, version=_version(agreement_id, number), at=at
    )
    return _version_answer(version)


@router.post(f"{V}/sign", response={200: VersionOut, **PROBLEMS}, summary="Sign for your team")
def versions_sign(
    request: ApiRequest, agreement_id: AgreementId, number: Number, payload: SignIn | None = None
) -> Any:
    """A team lead signs for their side; with both sides signed the version is active."""
    version = _version(agreement_id, number)
    signing.version_sign(
        actor=request.auth,
        version=version,
        side=payload.side if payload else None,
        at=payload.at if payload else None,
    )
    return _version_answer(version)


@router.post(
    f"{V}/withdraw", response={200: VersionOut, **PROBLEMS}, summary="Withdraw a draft or proposal"
)
def versions_withdraw(
    request: ApiRequest, agreement_id: AgreementId, number: Number, payload: AtIn | None = None
) -> Any:
    version = signing.version_withdraw(
        actor=request.auth,
        version=_version(agreement_id, number),
        at=payload.at if payload else None,
    )
    return _version_answer(version)


@router.post(
    f"{V}/revise", response={200: VersionOut, **PROBLEMS}, summary="Take a proposal back to draft"
)
def versions_revise(request: ApiRequest, agreement_id: AgreementId, number: Number) -> Any:
    version = signing.version_revise(actor=request.auth, version=_version(agreement_id, number))
    return _version_answer(version)


@router.post(
    f"{A}/new-version", response={201: VersionOut, **PROBLEMS}, summary="Start a new version"
)
def agreements_new_version(request: ApiRequest, agreement_id: AgreementId) -> Any:
    """A draft copying the active (else latest) version; it needs both signatures again."""
    version = signing.agreement_new_version(actor=request.auth, agreement=_agreement(agreement_id))
    return Status(201, _version_answer(version))


@router.post(
    f"{A}/terminate", response={200: VersionOut, **PROBLEMS}, summary="Terminate an agreement"
)
def agreements_terminate(
    request: ApiRequest, agreement_id: AgreementId, payload: TerminateIn
) -> Any:
    version = signing.agreement_terminate(
        actor=request.auth, agreement=_agreement(agreement_id), reason=payload.reason, at=payload.at
    )
    return _version_answer(version)


@router.get(
    "/agreement-templates",
    response={200: list[TemplateOut], **PROBLEMS},
    summary="Starting templates",
)
def templates_list(request: ApiRequest) -> Any:
    policy.require(request.auth, "agreement.view")
    return [
        {
            "key": t.key,
            "title": str(t.title),
            "description": str(t.description),
            "purpose": str(t.purpose),
            "provider_function": t.provider_function,
            "receiver_function": t.receiver_function,
        }
        for t in catalog.templates()
    ]
