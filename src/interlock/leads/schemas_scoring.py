"""API schemas of lead scoring."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from interlock.core.schemas import PatchSchema, Text

Operator = Literal[
    "equals", "not_equals", "in", "contains", "starts_with", "matches", "gte", "lte", "empty", "set"
]
Grade = Literal["A", "B", "C", "D"]
Points = Annotated[int, Field(ge=-1000, le=1000)]
Name = Annotated[Text, Field(max_length=100)]
Value = Annotated[Text, Field(max_length=500)]
Attribute = Annotated[
    Text,
    Field(
        max_length=40,
        description="title, buying_role, email_domain, free_mail, industry, size, "
        "revenue_band, country, state or region.",
    ),
]


class FitRuleOut(Schema):
    id: int
    name: str
    field: str
    operator: str
    value: str
    points: int
    active: bool
    position: int
    text: str = Field(description="The rule in words, e.g. “industry equals Maschinenbau”.")


class FitRuleIn(Schema):
    field: Attribute
    operator: Operator
    value: Value = ""
    points: Points
    name: Name = ""
    active: bool = True


class FitRulePatch(PatchSchema):
    field: Attribute | None = None
    operator: Operator | None = None
    value: Value | None = None
    points: Points | None = None
    name: Name | None = None
    active: bool | None = None


class EngagementRuleIn(Schema):
    points: Points
    active: bool = True


class EngagementRuleOut(Schema):
    trigger: str
    label: str
    points: int
    active: bool


class SettingsOut(Schema):
    half_life_days: int
    grade_a_min: int
    grade_b_min: int
    grade_c_min: int
    mql_min_grade: Grade
    mql_min_engagement: int
    mql_enabled: bool
    version: int
    engagement_rules: list[EngagementRuleOut]


class SettingsPatch(PatchSchema):
    half_life_days: Annotated[int, Field(ge=1, le=3650)] | None = None
    grade_a_min: Annotated[int, Field(ge=-100_000, le=100_000)] | None = None
    grade_b_min: Annotated[int, Field(ge=-100_000, le=100_000)] | None = None
    grade_c_min: Annotated[int, Field(ge=-100_000, le=100_000)] | None = None
    mql_min_grade: Grade | None = None
    mql_min_engagement: Annotated[int, Field(ge=0, le=100_000)] | None = None
    mql_enabled: bool | None = None


class RescoreJobOut(Schema):
    id: int
    status: str
    version: int
    total: int
    done: int
    promoted: int
    error: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None


class LineOut(Schema):
    points: float
    text: str


class ScoreOut(Schema):
    contact_id: int
    fit_points: int
    fit_grade: Grade
    engagement_points: float
    meets_mql: bool
    as_of: datetime
    stored_at: datetime | None = Field(description="When the stored score was computed.")
    fit_lines: list[LineOut]
    engagement_lines: list[LineOut]
