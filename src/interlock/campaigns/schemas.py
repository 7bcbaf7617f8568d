"""API schemas of campaigns, their costs, members, responses and attribution."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from ninja import Field, Schema
from pydantic import model_validator

from interlock.core.schemas import DbId, Instant, PatchSchema, Text

CampaignType = Literal[
    "event", "webinar", "email", "paid_ads", "trade_fair", "content", "direct_mail"
]
CampaignStatus = Literal["planned", "active", "completed", "cancelled"]
MemberStatus = Literal[
    "targeted", "sent", "responded", "registered", "attended", "no_show", "unsubscribed"
]
ResponseKind = Literal["form", "responded", "registered", "attended", "clicked", "opened"]
Model = Literal["first", "last", "linear"]

Name = Annotated[Text, Field(min_length=1, max_length=200)]
Utm = Annotated[Text, Field(max_length=100)]
Currency = Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. EUR.")]
Money = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Day = Annotated[date, Field(ge=date(1900, 1, 1), le=date(2999, 12, 31))]


class Ref(Schema):
    id: int
    name: str


class CampaignOut(Schema):
    id: int
    name: str
    type: str
    status: str
    description: str
    starts_on: date
    ends_on: date | None
    owner: Ref | None
    team: Ref | None
    budget: Decimal
    currency: str
    actual_cost: Decimal = Field(description="Sum of the cost lines.")
    member_count: int
    response_count: int
    utm_source: str
    utm_medium: str
    utm_campaign: str
    utm_term: str
    utm_content: str
    created_at: datetime


def _ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


def campaign_out(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": c.name,
        "type": c.type,
        "status": c.status,
        "description": c.description,
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "owner": _ref(c.owner),
        "team": _ref(c.team),
        "budget": c.budget,
        "currency": c.currency,
        "actual_cost": getattr(c, "cost_total", Decimal("0")),
        "member_count": getattr(c, "member_count", 0),
        "response_count": getattr(c, "response_count", 0),
        "utm_source": c.utm_source,
        "utm_medium": c.utm_medium,
        "utm_campaign": c.utm_campaign,
        "utm_term": c.utm_term,
        "utm_content": c.utm_content,
        "created_at": c.created_at,
    }


class CampaignIn(Schema):
    name: Name
    type: CampaignType
    status: CampaignStatus = "planned"
    description: Annotated[Text, Field(max_length=20000)] = ""
    starts_on: Day
    ends_on: Day | None = None
    owner_id: DbId | None = None
    team_id: DbId | None = None
    budget: Money = Decimal("0")
    currency: Currency = "EUR"
    utm_source: Utm = ""
    utm_medium: Utm = ""
    utm_campaign: Utm = ""
    utm_term: Utm = ""
    utm_content: Utm = ""


class CampaignPatch(PatchSchema):
    nullable: ClassVar[tuple[str, ...]] = ("ends_on", "owner_id", "team_id")

    name: Name | None = None
    type: CampaignType | None = None
    status: CampaignStatus | None = None
    description: Annotated[Text, Field(max_length=20000)] | None = None
    starts_on: Day | None = None
    ends_on: Day | None = None
    owner_id: DbId | None = None
    team_id: DbId | None = None
    budget: Money | None = None
    currency: Currency | None = None
    utm_source: Utm | None = None
    utm_medium: Utm | None = None
    utm_campaign: Utm | None = None
    utm_term: Utm | None = None
    utm_content: Utm | None = None


class CostOut(Schema):
    id: int
    description: str
    amount: Decimal
    currency: str
    incurred_on: date


class CostIn(Schema):
    description: Annotated[Text, Field(min_length=1, max_length=200)]
    amount: Money
    incurred_on: Day
    currency: Currency | None = Field(None, description="Defaults to the campaign's currency.")


class ContactRef(Schema):
    id: int
    name: str
    email: str


class MemberOut(Schema):
    id: int
    contact: ContactRef
    status: str
    added_at: datetime
    first_responded_at: datetime | None
    status_changed_at: datetime


def member_out(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "contact": {"id": m.contact_id, "name": str(m.contact), "email": m.contact.email},
        "status": m.status,
        "added_at": m.added_at,
        "first_responded_at": m.first_responded_at,
        "status_changed_at": m.status_changed_at,
    }


class MembersIn(Schema):
    contact_ids: Annotated[list[DbId], Field(max_length=5000)] = []
    emails: Annotated[list[Annotated[Text, Field(max_length=254)]], Field(max_length=5000)] = []
    status: MemberStatus = "targeted"
    at: Instant | None = None

    @model_validator(mode="after")
    def _some(self) -> MembersIn:
        if not self.contact_ids and not self.emails:
            raise ValueError("Give contact_ids or emails (or both).")
        return self


class MembersAdded(Schema):
    added: int = Field(description="Contacts that were not members before.")
    unknown_emails: list[str] = Field(description="Addresses no live contact has.")


class MemberStatusIn(Schema):
    contact_id: DbId
    status: MemberStatus
    at: Instant | None = None


class ResponseIn(Schema):
    contact_id: DbId
    kind: ResponseKind
    source: Annotated[Text, Field(max_length=20)] = "api"
    payload: dict[str, Any] | None = None
    at: Instant | None = None


class ResponseOut(Schema):
    id: int
    campaign_id: int
    contact_id: int
    kind: str
    occurred_at: datetime
    source: str


class AttributionOut(Schema):
    campaign_id: int
    model: str
    currency: str = Field(description="Money is reported in the company currency only.")
    cost: Decimal | None
    mqls: Decimal
    sqls: Decimal
    pipeline: Decimal
    won: Decimal
    cost_per_mql: Decimal | None
    cost_per_sql: Decimal | None
    roi: Decimal | None = Field(description="(won − cost) / cost; null without a cost.")
    deals_left_out: int = Field(description="Deals in other currencies, not counted.")
