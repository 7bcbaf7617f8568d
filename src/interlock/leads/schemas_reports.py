"""Schemas of the report endpoints (read-only)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from ninja import Field, Schema

from interlock.leads.selectors_reports import (
    FunnelGroup,
    FunnelReport,
    SpeedGroup,
    SpeedReport,
)

Month = Annotated[
    str,
    Field(
        pattern=r"^(19|2\d)\d\d-(0[1-9]|1[0-2])$",
        description="A month as YYYY-MM.",
        examples=["2025-03"],
    ),
]
FunnelGroupBy = Literal["month", "source", "campaign", "segment", "owner"]
SpeedGroupBy = Literal["rep", "team", "source", "month"]
LeadSource = Literal[
    "web_form", "api", "import", "event", "referral", "partner", "outbound", "other"
]
Segment = Literal["1-9", "10-49", "50-249", "250-999", "1000+"]


class StageOut(Schema):
    stage: str
    entered: int = Field(description="Moves into the stage in the period.")
    left: int = Field(description="Moves out of the stage in the period.")
    forward: int = Field(description="Moves out to a later funnel stage.")
    to_next: int = Field(description="Moves straight to the next funnel stage.")
    conversion: float | None = Field(description="forward / left (0–1); null when none left.")
    avg_seconds: float | None = Field(description="Average time in the stage (exact).")
    median_seconds: float | None = Field(description="Median time in the stage (bucketed).")


class FunnelGroupOut(Schema):
    key: str
    label: str
    stages: list[StageOut]


class MonthOut(Schema):
    month: date
    mqls: int
    sqls: int


class FunnelOut(Schema):
    period_from: date
    period_to: date
    group_by: FunnelGroupBy
    groups: list[FunnelGroupOut]
    total: FunnelGroupOut
    months: list[MonthOut]


class SpeedGroupOut(Schema):
    key: str
    label: str
    count: int = Field(description="Handoffs answered.")
    accepted: int
    rejected: int
    avg_seconds: float | None = Field(description="Average business seconds to answer (exact).")
    median_seconds: float | None = Field(description="Median business seconds (bucketed).")
    p90_seconds: float | None = Field(
        description="90th percentile in business seconds (bucketed; 172800 means more than 48 h)."
    )
    within_1h: float | None = Field(description="Share answered within 1 business hour (0–1).")
    within_4h: float | None
    within_8h: float | None
    within_24h: float | None


class SpeedOut(Schema):
    period_from: date
    period_to: date
    group_by: SpeedGroupBy
    groups: list[SpeedGroupOut]
    total: SpeedGroupOut


def _stage_out(group: FunnelGroup) -> dict[str, Any]:
    return {
        "key": group.key,
        "label": group.label,
        "stages": [
            {
                "stage": line.stage,
                "entered": line.entered,
                "left": line.left,
                "forward": line.forward,
                "to_next": line.to_next,
                "conversion": line.conversion,
                "avg_seconds": line.avg_seconds,
                "median_seconds": line.median_seconds,
            }
            for line in group.stages
        ],
    }


def funnel_out(report: FunnelReport) -> dict[str, Any]:
    return {
        "period_from": report.period_from,
        "period_to": report.period_to,
        "group_by": report.group_by,
        "groups": [_stage_out(g) for g in report.groups],
        "total": _stage_out(report.total),
        "months": [
            {"month": m, "mqls": q, "sqls": s}
            for m, q, s in zip(report.months, report.mqls, report.sqls, strict=True)
        ],
    }


def _speed_group_out(group: SpeedGroup) -> dict[str, Any]:
    return {
        "key": group.key,
        "label": group.label,
        "count": group.count,
        "accepted": group.accepted,
        "rejected": group.rejected,
        "avg_seconds": group.avg_seconds,
        "median_seconds": group.median_seconds,
        "p90_seconds": group.p90_seconds,
        **{f"within_{h}h": group.share_within(h) for h in (1, 4, 8, 24)},
    }


def speed_out(report: SpeedReport) -> dict[str, Any]:
    return {
        "period_from": report.period_from,
        "period_to": report.period_to,
        "group_by": report.group_by,
        "groups": [_speed_group_out(g) for g in report.groups],
        "total": _speed_group_out(report.total),
    }
