"""API schemas of breach disputes."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from interlock.agreements.models import BreachDispute
from interlock.core.schemas import Text

DisputeStatus = Literal["open", "upheld", "waived", "settled"]


class DisputeIn(Schema):
    reason: Annotated[Text, Field(min_length=1, max_length=4000)] = Field(
        description="Why this is not a breach."
    )


class DecideIn(Schema):
    decision: Literal["upheld", "waived"] = Field(
        description="`upheld`: the breach stands; `waived`: it does not count."
    )
    note: Annotated[Text, Field(max_length=4000)] = ""


class DisputeOut(Schema):
    id: int
    agreement_id: int
    obligation_id: int | None
    period_result_id: int | None
    deliverable_kind: str
    deliverable_key: str
    term_id: int | None
    period_start: date | None
    reason: str
    raised_by_id: int
    raised_at: datetime
    status: str
    provider_decision: str
    receiver_decision: str
    settled_at: datetime | None
    note: str


def dispute_out(d: BreachDispute) -> dict[str, Any]:
    return {
        "id": d.pk,
        "agreement_id": d.agreement_id,
        "obligation_id": d.obligation_id,
        "period_result_id": d.period_result_id,
        "deliverable_kind": d.deliverable_kind,
        "deliverable_key": d.deliverable_key,
        "term_id": d.term_id_ref,
        "period_start": d.period_start,
        "reason": d.reason,
        "raised_by_id": d.raised_by_id,
        "raised_at": d.raised_at,
        "status": d.status,
        "provider_decision": d.provider_decision,
        "receiver_decision": d.receiver_decision,
        "settled_at": d.settled_at,
        "note": d.note,
    }
