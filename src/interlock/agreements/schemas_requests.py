"""API schemas of hand-made requests."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from interlock.core.schemas import DbId, Text

RequestStatus = Literal["open", "delivered", "cancelled"]


class RequestIn(Schema):
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    description: Annotated[Text, Field(max_length=5000)] = ""
    requesting_team_id: DbId = Field(description="The team that asks.")
    provider_team_id: DbId = Field(description="The team asked to deliver.")
    assignee_id: DbId | None = Field(None, description="A person of the asked team (optional).")
    due_at: datetime | None = Field(None, description="Wanted by (with its time zone).")


class DeliverIn(Schema):
    note: Annotated[Text, Field(max_length=2000)] = ""


class CancelIn(Schema):
    reason: Annotated[Text, Field(max_length=2000)] = ""


class RequestOut(Schema):
    id: int
    title: str
    description: str
    requesting_team_id: int
    provider_team_id: int
    assignee_id: int | None
    requested_by_id: int | None
    requested_at: datetime
    due_at: datetime | None
    status: RequestStatus
    delivered_at: datetime | None
    delivered_by_id: int | None
    delivery_note: str


def request_out(r: Any) -> dict[str, Any]:
    return {
        "id": r.pk,
        "title": r.title,
        "description": r.description,
        "requesting_team_id": r.requesting_team_id,
        "provider_team_id": r.provider_team_id,
        "assignee_id": r.assignee_id,
        "requested_by_id": r.requested_by_id,
        "requested_at": r.requested_at,
        "due_at": r.due_at,
        "status": r.status,
        "delivered_at": r.delivered_at,
        "delivered_by_id": r.delivered_by_id,
        "delivery_note": r.delivery_note,
    }
