"""API schemas of the lists app: saved views, tags, bulk actions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from ninja import Field, Schema

from interlock.core.schemas import DbId, PatchSchema, TeamRef, Text, UserRef

ListKey = Annotated[Text, Field(min_length=1, max_length=30, pattern=r"^[a-z_]+$")]
ColumnKey = Annotated[Text, Field(min_length=1, max_length=30)]
BulkAction = Literal["assign_owner", "add_tag", "remove_tag", "trash"]


class SavedViewOut(Schema):
    id: int
    list_key: str
    name: str
    query: str = Field(..., description="Filters, tag and sort as a URL query string.")
    columns: list[str]
    owner: UserRef
    team: TeamRef | None
    created_at: datetime
    updated_at: datetime


class SavedViewIn(Schema):
    list_key: ListKey = Field(
        ..., description="accounts, contacts, tasks, deals, complaints, ideas"
    )
    name: Annotated[Text, Field(min_length=1, max_length=100)]
    query: Annotated[Text, Field(max_length=2000)] = ""
    columns: Annotated[list[ColumnKey], Field(max_length=50)] = []
    team_id: DbId | None = Field(None, description="Share with this team (one of yours).")


class SavedViewPatch(PatchSchema):
    nullable: ClassVar[tuple[str, ...]] = ("team_id",)

    name: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    query: Annotated[Text, Field(max_length=2000)] | None = None
    columns: Annotated[list[ColumnKey], Field(max_length=50)] | None = None
    team_id: DbId | None = None


class TagOut(Schema):
    id: int
    name: str


class TagIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=50)]


class BulkIn(Schema):
    action: BulkAction
    ids: Annotated[list[DbId], Field(min_length=1, max_length=500)]
    owner_id: DbId | None = Field(None, description="For assign_owner: the new owner.")
    tag: Annotated[Text, Field(min_length=1, max_length=50)] | None = Field(
        None, description="For add_tag and remove_tag: the tag's name."
    )


class BulkOut(Schema):
    action: str
    count: int = Field(..., description="How many rows were changed.")


def saved_view_row(view: Any) -> dict[str, Any]:
    return {
        "id": view.pk,
        "list_key": view.list_key,
        "name": view.name,
        "query": view.query,
        "columns": list(view.columns or []),
        "owner": view.owner,
        "team": view.team,
        "created_at": view.created_at,
        "updated_at": view.updated_at,
    }
