"""API schemas of agreements: versions, terms, ladder, signatures, templates, contract."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from ninja import Field, Schema

from interlock.agreements.contract import contract_for
from interlock.agreements.models import Agreement, AgreementVersion, EscalationStep, Term
from interlock.agreements.selectors_agreements import current_version
from interlock.core.schemas import DbId, Instant, PatchSchema, TeamRef, Text

VersionStatus = Literal["draft", "proposed", "active", "superseded", "terminated", "withdrawn"]
TermType = Literal["time", "quantity", "quality"]
Period = Literal["week", "month", "quarter"]
Trigger = Literal["at_risk", "breach"]
Action = Literal[
    "notify_assignee",
    "notify_team_lead",
    "notify_management",
    "reassign_deputy",
    "reassign_queue",
    "return_to_provider",
    "fulfil_by_default",
    "meeting_agenda",
]
Side = Literal["provider", "receiver"]

Title = Annotated[Text, Field(min_length=1, max_length=200)]
Purpose = Annotated[Text, Field(max_length=10_000)]
Hours = Annotated[Decimal, Field(gt=0, le=Decimal("99999.99"), decimal_places=2)]
Offset = Annotated[Decimal, Field(ge=0, le=Decimal("99999.99"), decimal_places=2)]
Count = Annotated[int, Field(ge=0, le=2_147_483_647)]
Percent = Annotated[Decimal, Field(ge=0, le=100, decimal_places=2)]
Place = Annotated[Text, Field(max_length=100)]
Kind = Annotated[Text, Field(min_length=1, max_length=60)]


class AgreementIn(Schema):
    """Either a blank agreement (``title``) or one from a ``template`` (its title then)."""

    provider_team_id: DbId
    receiver_team_id: DbId
    template: Annotated[Text, Field(max_length=40)] | None = None
    title: Title | None = None
    purpose: Purpose = ""
    effective_from: Instant | None = None
    effective_to: Instant | None = None


class VersionPatch(PatchSchema):
    nullable: ClassVar[tuple[str, ...]] = ("effective_to",)

    title: Title | None = None
    purpose: Purpose | None = None
    effective_from: Instant | None = None
    effective_to: Instant | None = Field(None, description="null: open-ended.")


class TermFields(Schema):
    place: Place = ""
    hours: Hours | None = None
    at_risk_percent: Annotated[int, Field(ge=1, le=99)] | None = 75
    period: Period | None = None
    minimum: Count | None = None
    maximum: Count | None = None
    criterion: dict[str, Any] | None = None
    target_percent: Percent | None = None
    min_sample: Count | None = None


class TermIn(TermFields):
    type: TermType
    deliverable: Kind


class TermPatch(PatchSchema):
    nullable: ClassVar[tuple[str, ...]] = (
        "hours",
        "at_risk_percent",
        "period",
        "minimum",
        "maximum",
        "criterion",
        "target_percent",
        "min_sample",
    )

    type: TermType | None = None
    deliverable: Kind | None = None
    place: Place | None = None
    hours: Hours | None = None
    at_risk_percent: Annotated[int, Field(ge=1, le=99)] | None = None
    period: Period | None = None
    minimum: Count | None = None
    maximum: Count | None = None
    criterion: dict[str, Any] | None = None
    target_percent: Percent | None = None
    min_sample: Count | None = None


class StepIn(Schema):
    trigger: Trigger
    offset_hours: Offset = Decimal("0")
    actions: list[Action] = Field(..., min_length=1, max_length=8)


class SignIn(Schema):
    side: Side | None = Field(None, description="Default: the side you lead.")
    at: Instant | None = None


class AtIn(Schema):
    at: Instant | None = None


class TerminateIn(Schema):
    reason: Annotated[Text, Field(min_length=1, max_length=2000)]
    at: Instant | None = None


class TermOut(Schema):
    id: int
    position: int
    type: str
    deliverable: str
    place: str
    hours: Decimal | None
    at_risk_percent: int | None
    period: str
    minimum: int | None
    maximum: int | None
    criterion: dict[str, Any]
    target_percent: Decimal | None
    min_sample: int | None


class StepOut(Schema):
    id: int
    position: int
    trigger: str
    offset_hours: Decimal
    actions: list[str]


class SignatureOut(Schema):
    side: str
    team: TeamRef
    user_id: int
    name: str
    signed_at: datetime
    content_hash: str


class VersionSummary(Schema):
    number: int
    status: str
    title: str
    effective_from: datetime
    effective_to: datetime | None
    activated_at: datetime | None
    ended_at: datetime | None


class VersionOut(VersionSummary):
    agreement_id: int
    purpose: str
    proposed_at: datetime | None
    end_note: str
    terms: list[TermOut]
    ladder: list[StepOut]
    signatures: list[SignatureOut]
    contract: list[str] = Field(description="The terms and ladder as plain sentences.")
    fingerprint: str = Field(description="SHA-256 of the contract text that signatures prove.")


class AgreementOut(Schema):
    id: int
    title: str
    template: str
    provider_team: TeamRef
    receiver_team: TeamRef
    created_at: datetime
    current: VersionSummary | None
    versions: list[VersionSummary]


class TemplateOut(Schema):
    key: str
    title: str
    description: str
    purpose: str
    provider_function: str
    receiver_function: str


def _team(team: Any) -> dict[str, Any]:
    return {"id": team.pk, "name": team.name, "slug": team.slug}


def summary(version: AgreementVersion) -> dict[str, Any]:
    return {
        "number": version.number,
        "status": version.status,
        "title": version.title,
        "effective_from": version.effective_from,
        "effective_to": version.effective_to,
        "activated_at": version.activated_at,
        "ended_at": version.ended_at,
    }


def agreement_out(agreement: Agreement) -> dict[str, Any]:
    versions = sorted(agreement.versions.all(), key=lambda v: v.number, reverse=True)
    current = current_version(agreement)
    return {
        "id": agreement.pk,
        "title": agreement.title,
        "template": agreement.template,
        "provider_team": _team(agreement.provider_team),
        "receiver_team": _team(agreement.receiver_team),
        "created_at": agreement.created_at,
        "current": summary(current) if current else None,
        "versions": [summary(v) for v in versions],
    }


def term_out(term: Term) -> dict[str, Any]:
    return {f: getattr(term, f) for f in TermOut.model_fields}


def step_out(step: EscalationStep) -> dict[str, Any]:
    return {f: getattr(step, f) for f in StepOut.model_fields}


def version_out(version: AgreementVersion) -> dict[str, Any]:
    contract = contract_for(version)
    return {
        **summary(version),
        "agreement_id": version.agreement_id,
        "purpose": version.purpose,
        "proposed_at": version.proposed_at,
        "end_note": version.end_note,
        "terms": [term_out(t) for t in version.terms.all()],
        "ladder": [step_out(s) for s in version.ladder.all()],
        "signatures": [
            {
                "side": s.side,
                "team": _team(s.team),
                "user_id": s.user_id,
                "name": str(s.user),
                "signed_at": s.signed_at,
                "content_hash": s.content_hash,
            }
            for s in version.signatures.all()
        ],
        "contract": [*contract.terms, *contract.ladder],
        "fingerprint": contract.fingerprint,
    }
