"""API schemas of lead routing rules."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Field, Schema

from interlock.core.schemas import DbId, PatchSchema, Text

Method = Literal["round_robin", "account_owner", "queue"]
Values = list[Annotated[Text, Field(max_length=100)]]


class Conditions(Schema):
    """Each list empty = any value; a rule matches when every given list holds."""

    countries: Values = Field(default_factory=list, max_length=500, description="ISO codes.")
    states: Values = Field(default_factory=list, max_length=500)
    regions: Values = Field(default_factory=list, max_length=500)
    sizes: Values = Field(
        default_factory=list, max_length=10, description="1-9, 10-49, 50-249, 250-999, 1000+."
    )
    accounts: list[DbId] = Field(default_factory=list, max_length=500, description="Account ids.")


class RuleOut(Schema):
    id: int
    name: str
    position: int
    active: bool
    team_id: int
    method: str
    member_ids: list[int]
    capacity: int | None
    conditions: Conditions


class RuleIn(Schema):
    name: Annotated[Text, Field(min_length=1, max_length=100)]
    team_id: DbId
    method: Method = "round_robin"
    member_ids: list[DbId] = Field(default_factory=list, max_length=200)
    capacity: Annotated[int, Field(ge=1, le=100000)] | None = None
    conditions: Conditions = Field(default_factory=Conditions)
    active: bool = True


class RulePatch(PatchSchema):
    nullable = ("capacity",)

    name: Annotated[Text, Field(min_length=1, max_length=100)] | None = None
    team_id: DbId | None = None
    method: Method | None = None
    member_ids: list[DbId] | None = Field(None, max_length=200)
    capacity: Annotated[int, Field(ge=1, le=100000)] | None = None
    conditions: Conditions | None = None
    active: bool | None = None
