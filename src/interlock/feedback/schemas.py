"""API schemas of complaints and ideas."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from ninja import Field, Schema
from pydantic import BaseModel

from interlock.core.schemas import DbId, Instant, PatchSchema, Text

Channel = Literal["phone", "email", "web", "visit", "letter", "social"]
Severity = Literal["low", "medium", "high", "critical"]
ComplaintStatus = Literal["new", "in_progress", "resolved", "closed"]
IdeaStatus = Literal["new", "evaluating", "planned", "shipped", "declined"]
IdeaSource = Literal["customer", "staff"]

Title = Annotated[Text, Field(min_length=1, max_length=200)]
LongText = Annotated[Text, Field(max_length=20000)]


class CategoryOut(Schema):
    id: int
    name: str
    active: bool


class CategoryIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100)]
    active: bool = True


class CategoryPatch(PatchSchema):
    name: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    active: bool | None = None


class Ref(BaseModel):
    id: int
    name: str


class ComplaintOut(BaseModel):
    """A complaint; plain pydantic, built by :func:`complaint_out` (lists are long)."""

    id: int
    account: Ref
    contact: Ref | None
    product: Ref | None
    deal: Ref | None
    channel: str
    category: Ref
    severity: str
    title: str
    description: str
    status: str
    owner: Ref | None
    root_cause: str
    resolution: str
    satisfaction: int | None
    created_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    response_seconds: int | None = Field(
        None, description="Seconds from creation to the first response."
    )


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def complaint_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "account": _ref(c.account),
        "contact": _ref(c.contact),
        "product": _ref(c.product),
        "deal": _ref(c.deal),
        "channel": c.channel,
        "category": _ref(c.category),
        "severity": c.severity,
        "title": c.title,
        "description": c.description,
        "status": c.status,
        "owner": _ref(c.owner),
        "root_cause": c.root_cause,
        "resolution": c.resolution,
        "satisfaction": c.satisfaction,
        "created_at": c.created_at,
        "first_response_at": c.first_response_at,
        "resolved_at": c.resolved_at,
        "closed_at": c.closed_at,
        "response_seconds": (
            int((c.first_response_at - c.created_at).total_seconds())
            if c.first_response_at
            else None
        ),
    }


class ComplaintIn(Schema):
    account_id: DbId
    contact_id: DbId | None = None
    product_id: DbId | None = None
    deal_id: DbId | None = Field(None, description="A deal of the same account.")
    category_id: DbId
    channel: Channel
    severity: Severity = "medium"
    title: Title
    description: LongText = ""
    owner_id: DbId | None = None


class ComplaintPatch(PatchSchema):
    nullable: ClassVar[tuple[str, ...]] = ("contact_id", "owner_id", "product_id", "deal_id")

    contact_id: DbId | None = None
    product_id: DbId | None = None
    deal_id: DbId | None = Field(None, description="A deal of the same account.")
    category_id: DbId | None = None
    channel: Channel | None = None
    severity: Severity | None = None
    title: Title | None = None
    description: LongText | None = None
    owner_id: DbId | None = None
    root_cause: LongText | None = None
    resolution: LongText | None = None


class RespondIn(Schema):
    at: Instant | None = None


class StatusIn(Schema):
    status: ComplaintStatus
    resolution: LongText | None = None
    root_cause: LongText | None = None


class RateIn(Schema):
    satisfaction: Annotated[int, Field(ge=1, le=5, strict=True)]


class IdeaOut(BaseModel):
    id: int
    title: str
    description: str
    status: str
    source: str
    created_by: Ref | None
    created_at: datetime
    vote_count: int
    request_count: int
    revenue_rank: int = Field(
        description="Sum of the revenue-band ranks (1–5) of the accounts that asked."
    )


def idea_out(i: Any) -> dict[str, Any]:
    return {
        "id": i.pk,
        "title": i.title,
        "description": i.description,
        "status": i.status,
        "source": i.source,
        "created_by": _ref(i.created_by),
        "created_at": i.created_at,
        "vote_count": getattr(i, "vote_count", 0),
        "request_count": getattr(i, "request_count", 0),
        "revenue_rank": getattr(i, "revenue_rank", 0),
    }


class IdeaIn(Schema):
    title: Title
    description: LongText = ""
    source: IdeaSource = "customer"


class IdeaPatch(PatchSchema):
    title: Title | None = None
    description: LongText | None = None
    source: IdeaSource | None = None


class IdeaStatusIn(Schema):
    status: IdeaStatus


class IdeaRequestIn(Schema):
    account_id: DbId
    contact_id: DbId | None = None
    note: Annotated[Text, Field(max_length=2000)] = ""


class IdeaRequestOut(BaseModel):
    account: Ref
    contact: Ref | None
    revenue_band: str
    note: str
    created_at: datetime


def idea_request_out(r: Any) -> dict[str, Any]:
    return {
        "account": _ref(r.account),
        "contact": _ref(r.contact),
        "revenue_band": r.account.revenue_band,
        "note": r.note,
        "created_at": r.created_at,
    }


class VoteOut(Schema):
    voted: bool
    vote_count: int


class IdeaComplaintIn(Schema):
    complaint_id: DbId
