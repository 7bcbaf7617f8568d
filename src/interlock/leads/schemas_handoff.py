"""API schemas of the lifecycle and the handoff."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel

from interlock.core.schemas import Text

StageName = Literal[
    "subscriber",
    "lead",
    "mql",
    "sal",
    "sql",
    "opportunity",
    "customer",
    "recycled",
    "disqualified",
]
HandoffStatus = Literal["open", "accepted", "rejected", "withdrawn"]
Comment = Annotated[Text, Field(max_length=2000)]


class StageIn(Schema):
    to_stage: StageName = Field(description="The stage to move to (see the allowed moves).")
    reason: Comment = Field("", description="Required for recycled and disqualified.")


class QualificationIn(Schema):
    budget: Annotated[Text, Field(max_length=200)] = ""
    authority: Annotated[Text, Field(max_length=200)] = ""
    need: Annotated[Text, Field(max_length=500)] = ""
    timing: Annotated[Text, Field(max_length=200)] = ""
    advance: bool = Field(True, description="Make an SAL an SQL when all four are filled.")


class QualificationOut(Schema):
    contact_id: int
    stage: str
    budget: str
    authority: str
    need: str
    timing: str
    complete: bool


class AcceptIn(Schema):
    comment: Comment = ""


class RejectIn(Schema):
    reason_code: Annotated[Text, Field(max_length=40)] = Field(
        description="Code of an active rejection reason (GET /rejection-reasons)."
    )
    comment: Comment = ""


class DisputeIn(Schema):
    comment: Annotated[Text, Field(min_length=1, max_length=2000)]


class SettleIn(Schema):
    overturn: bool = Field(
        description="true: the contact returns to MQL and is handed over again; false: upheld."
    )
    note: Comment = ""


class TransitionOut(BaseModel):
    id: int
    contact_id: int
    from_stage: str
    to_stage: str
    at: datetime
    actor_id: int | None
    rule: str
    reason: str
    seconds_in_previous: int | None


def transition_out(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk,
        "contact_id": t.contact_id,
        "from_stage": t.from_stage,
        "to_stage": t.to_stage,
        "at": t.at,
        "actor_id": t.actor_id,
        "rule": t.rule,
        "reason": t.reason,
        "seconds_in_previous": t.seconds_in_previous,
    }


class ReasonOut(BaseModel):
    code: str
    name: str
    label: str = Field(description="The name in the request's language.")
    outcome: str
    active: bool


class HandoffOut(BaseModel):
    id: int
    contact_id: int
    account_id: int | None
    team_id: int
    assignee_id: int | None
    status: str
    handed_at: datetime
    due_at: datetime | None
    responded_at: datetime | None
    responded_by_id: int | None
    response_seconds: int | None = Field(
        None, description="Business seconds from handoff to answer in the team's calendar."
    )
    reason_code: str | None
    comment: str
    dispute: str
    dispute_comment: str
    settlement_note: str
    source: str
    campaign_id: int | None


def handoff_out(h: Any) -> dict[str, Any]:
    return {
        "id": h.pk,
        "contact_id": h.contact_id,
        "account_id": h.contact.account_id,
        "team_id": h.team_id,
        "assignee_id": h.assignee_id,
        "status": h.status,
        "handed_at": h.handed_at,
        "due_at": h.due_at,
        "responded_at": h.responded_at,
        "responded_by_id": h.responded_by_id,
        "response_seconds": h.response_seconds,
        "reason_code": h.reason.code if h.reason_id else None,
        "comment": h.comment,
        "dispute": h.dispute,
        "dispute_comment": h.dispute_comment,
        "settlement_note": h.settlement_note,
        "source": h.source,
        "campaign_id": h.campaign_id,
    }
