"""API schemas of the customer record: accounts, contacts, activities, timelines.

Outputs are plain pydantic rows built by the ``*_row`` functions, so a list
page validates fast; inputs use the platform's safe types (422, never 500).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from ninja import Field, Schema
from pydantic import BaseModel

from interlock.core.schemas import DbId, Instant, PatchSchema, Text

Short = Annotated[Text, Field(max_length=100)]
Lifecycle = Literal["prospect", "customer", "former_customer"]
Size = Literal["", "1-9", "10-49", "50-249", "250-999", "1000+"]
RevenueBand = Literal["", "<2m", "2-10m", "10-50m", "50-250m", "250m+"]
BuyingRole = Literal[
    "",
    "decision_maker",
    "economic_buyer",
    "technical_buyer",
    "user",
    "influencer",
    "champion",
    "gatekeeper",
]
LogKind = Literal["call", "meeting", "email", "note"]
ActivityKind = Literal["call", "meeting", "email", "note", "task"]


class Ref(BaseModel):
    id: int
    name: str


def ref(obj: Any) -> dict[str, Any] | None:
    return None if obj is None else {"id": obj.pk, "name": str(obj)}


# --- accounts -------------------------------------------------------------------------


class AccountOut(BaseModel):
    id: int
    name: str
    domain: str
    industry: str
    size: str
    revenue_band: str
    country: str
    state: str
    region: str
    parent: Ref | None
    owner: Ref | None
    lifecycle: str
    external_id: str
    created_at: datetime
    updated_at: datetime


def account_row(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "name": a.name,
        "domain": a.domain,
        "industry": a.industry,
        "size": a.size,
        "revenue_band": a.revenue_band,
        "country": str(a.country.code or ""),
        "state": a.state,
        "region": a.region,
        "parent": ref(a.parent) if a.parent_id else None,
        "owner": ref(a.owner) if a.owner_id else None,
        "lifecycle": a.lifecycle,
        "external_id": a.external_id,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
    }


# The columns a list page reads (``values()``: no model instances), and the row built from them.
ACCOUNT_LIST_FIELDS = (
    "id",
    "name",
    "domain",
    "industry",
    "size",
    "revenue_band",
    "country",
    "state",
    "region",
    "parent_id",
    "parent__name",
    "owner_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "lifecycle",
    "external_id",
    "created_at",
    "updated_at",
)


def _owner_ref(v: dict[str, Any]) -> dict[str, Any] | None:
    """The owner's ``Ref`` from ``values()`` columns (``str(user)``, without the instance)."""
    pk = v["owner_id"]
    if pk is None:
        return None
    full = f"{v['owner__first_name']} {v['owner__last_name']}".strip()
    return {"id": pk, "name": full or v["owner__username"]}


def account_list_row(v: dict[str, Any]) -> dict[str, Any]:
    """``account_row`` of a ``values(*ACCOUNT_LIST_FIELDS)`` row."""
    parent = v["parent_id"]
    return {
        "id": v["id"],
        "name": v["name"],
        "domain": v["domain"],
        "industry": v["industry"],
        "size": v["size"],
        "revenue_band": v["revenue_band"],
        "country": str(v["country"] or ""),
        "state": v["state"],
        "region": v["region"],
        "parent": None if parent is None else {"id": parent, "name": v["parent__name"]},
        "owner": _owner_ref(v),
        "lifecycle": v["lifecycle"],
        "external_id": v["external_id"],
        "created_at": v["created_at"],
        "updated_at": v["updated_at"],
    }


class AccountIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=200)]
    domain: Annotated[Text, Field(max_length=300)] = ""
    industry: Short = ""
    size: Size = ""
    revenue_band: RevenueBand = ""
    country: Annotated[Text, Field(max_length=100)] = ""
    state: Annotated[Text, Field(max_length=10)] = ""
    region: Short = ""
    parent_id: DbId | None = None
    owner_id: DbId | None = None
    lifecycle: Lifecycle = "prospect"
    external_id: Short = ""
    allow_duplicate: bool = Field(
        False, description="Create even if an account with this domain exists."
    )


class AccountPatch(PatchSchema):
    nullable = ("parent_id", "owner_id")

    name: Annotated[Text, Field(min_length=1, max_length=200)] | None = None
    domain: Annotated[Text, Field(max_length=300)] | None = None
    industry: Short | None = None
    size: Size | None = None
    revenue_band: RevenueBand | None = None
    country: Annotated[Text, Field(max_length=100)] | None = None
    state: Annotated[Text, Field(max_length=10)] | None = None
    region: Short | None = None
    parent_id: DbId | None = None
    owner_id: DbId | None = None
    lifecycle: Lifecycle | None = None
    external_id: Short | None = None


# --- contacts -------------------------------------------------------------------------


class ContactOut(BaseModel):
    id: int
    name: str
    first_name: str
    last_name: str
    email: str
    phone: str
    title: str
    buying_role: str
    account: Ref | None
    owner: Ref | None
    lifecycle_stage: str
    external_id: str
    created_at: datetime
    updated_at: datetime


def contact_row(c: Any) -> dict[str, Any]:
    return {
        "id": c.pk,
        "name": str(c),
        "first_name": c.first_name,
        "last_name": c.last_name,
        "email": c.email,
        "phone": c.phone,
        "title": c.title,
        "buying_role": c.buying_role,
        "account": ref(c.account) if c.account_id else None,
        "owner": ref(c.owner) if c.owner_id else None,
        "lifecycle_stage": c.lifecycle_stage,
        "external_id": c.external_id,
        "created_at": c.created_at,
        "updated_at": c.updated_at,
    }


CONTACT_LIST_FIELDS = (
    "id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "buying_role",
    "account_id",
    "account__name",
    "owner_id",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
    "lifecycle_stage",
    "external_id",
    "created_at",
    "updated_at",
)


def contact_list_row(v: dict[str, Any]) -> dict[str, Any]:
    """``contact_row`` of a ``values(*CONTACT_LIST_FIELDS)`` row."""
    first, last, account = v["first_name"], v["last_name"], v["account_id"]
    return {
        "id": v["id"],
        "name": f"{first} {last}" if first and last else first or last,
        "first_name": first,
        "last_name": last,
        "email": v["email"],
        "phone": v["phone"],
        "title": v["title"],
        "buying_role": v["buying_role"],
        "account": None if account is None else {"id": account, "name": v["account__name"]},
        "owner": _owner_ref(v),
        "lifecycle_stage": v["lifecycle_stage"],
        "external_id": v["external_id"],
        "created_at": v["created_at"],
        "updated_at": v["updated_at"],
    }


class ContactIn(Schema):
    first_name: Short = ""
    last_name: Annotated[Text, Field(min_length=1, max_length=100)]
    email: Annotated[Text, Field(max_length=254)] = ""
    phone: Annotated[Text, Field(max_length=40)] = ""
    title: Annotated[Text, Field(max_length=150)] = ""
    buying_role: BuyingRole = ""
    account_id: DbId | None = None
    owner_id: DbId | None = None
    external_id: Short = ""
    allow_duplicate: bool = Field(
        False, description="Create even if a contact with this e-mail exists."
    )


class ContactPatch(PatchSchema):
    nullable = ("account_id", "owner_id")

    first_name: Short | None = None
    last_name: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    email: Annotated[Text, Field(max_length=254)] | None = None
    phone: Annotated[Text, Field(max_length=40)] | None = None
    title: Annotated[Text, Field(max_length=150)] | None = None
    buying_role: BuyingRole | None = None
    account_id: DbId | None = None
    owner_id: DbId | None = None
    external_id: Short | None = None


class MergeIn(Schema):
    other_id: DbId = Field(description="The record merged into this one (it goes to the trash).")


# --- activities and tasks -------------------------------------------------------------


class ActivityOut(BaseModel):
    id: int
    kind: str
    subject: str
    body: str
    occurred_at: datetime
    account: Ref | None
    contact: Ref | None
    created_by: Ref | None
    assignee: Ref | None
    due_at: datetime | None
    done_at: datetime | None


def activity_row(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "kind": a.kind,
        "subject": a.subject,
        "body": a.body,
        "occurred_at": a.occurred_at,
        "account": ref(a.account) if a.account_id else None,
        "contact": ref(a.contact) if a.contact_id else None,
        "created_by": ref(a.created_by) if a.created_by_id else None,
        "assignee": ref(a.assignee) if a.assignee_id else None,
        "due_at": a.due_at,
        "done_at": a.done_at,
    }


class ActivityIn(Schema):
    kind: ActivityKind
    subject: Annotated[Text, Field(min_length=1, max_length=200)]
    body: Annotated[Text, Field(max_length=20000)] = ""
    occurred_at: Instant | None = Field(None, description="Default: now. Not for tasks.")
    account_id: DbId | None = None
    contact_id: DbId | None = None
    assignee_id: DbId | None = Field(None, description="Tasks only: who does it.")
    due_at: Instant | None = Field(None, description="Tasks only: when it is due.")


class TaskPatch(PatchSchema):
    done: bool = Field(description="true marks the task done, false reopens it.")


# --- timeline -------------------------------------------------------------------------


class TimelineItem(BaseModel):
    id: int
    kind: str
    title: str
    summary: str
    occurred_at: datetime
    account_id: int | None
    contact_id: int | None


TIMELINE_FIELDS = ("id", "kind", "title", "summary", "occurred_at", "account_id", "contact_id")


def timeline_row(entry: Any) -> dict[str, Any]:
    return {
        "id": entry.pk,
        "kind": entry.kind,
        "title": entry.title,
        "summary": entry.summary,
        "occurred_at": entry.occurred_at,
        "account_id": entry.account_id,
        "contact_id": entry.contact_id,
    }
