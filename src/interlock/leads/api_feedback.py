"""REST endpoints of lead management: marketing's answer to a rejection."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Field, Path, Router, Schema

from interlock.core.api import ApiRequest
from interlock.core.schemas import PROBLEMS, DbId, Text
from interlock.leads.models import Handoff
from interlock.leads.services_feedback import handoff_answer_rejection

router = Router(tags=["leads"])

HandoffId = Annotated[DbId, Path()]


class AnswerIn(Schema):
    note: Annotated[Text, Field(min_length=1, max_length=2000)] = Field(
        description="What marketing does with the lead, e.g. “back into the nurture track”."
    )


class AnswerOut(Schema):
    id: int
    status: str
    answered_at: datetime | None
    answered_by_id: int | None
    answer_note: str


@router.post(
    "/handoffs/{handoff_id}/answer",
    response={200: AnswerOut, **PROBLEMS},
    summary="Answer a rejection (marketing acknowledges it, once)",
)
def handoffs_answer(request: ApiRequest, handoff_id: HandoffId, payload: AnswerIn) -> Any:
    """422 when the lead is not rejected or its rejection was already answered or disputed."""
    handoff = get_object_or_404(Handoff.objects.select_related("contact"), pk=handoff_id)
    answered = handoff_answer_rejection(actor=request.auth, handoff=handoff, note=payload.note)
    return {
        "id": answered.pk,
        "status": answered.status,
        "answered_at": answered.answered_at,
        "answered_by_id": answered.answered_by_id,
        "answer_note": answered.answer_note,
    }
