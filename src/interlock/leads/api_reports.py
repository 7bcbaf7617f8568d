"""REST endpoints of lead management: the funnel and speed-to-lead reports."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from ninja import Query, Router

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.schemas import PROBLEMS, DbId
from interlock.leads import selectors_reports
from interlock.leads.forms_reports import default_period, period_problem
from interlock.leads.schemas_reports import (
    FunnelGroupBy,
    FunnelOut,
    LeadSource,
    Month,
    Segment,
    SpeedGroupBy,
    SpeedOut,
    funnel_out,
    speed_out,
)
from interlock.leads.selectors_reports import FunnelFilters, SpeedFilters

router = Router(tags=["leads"])

PERIOD_HELP = "Whole months, YYYY-MM; default the last twelve months, this one included."


def _period(period_from: str | None, period_to: str | None) -> tuple[date, date]:
    start, end = default_period()
    if period_from:
        start = date(int(period_from[:4]), int(period_from[5:7]), 1)
    if period_to:
        end = date(int(period_to[:4]), int(period_to[5:7]), 1)
    problem = period_problem(start, end)
    if problem:
        raise ValidationError({"period_to": problem})
    return start, end


@router.get(
    "/reports/funnel",
    response={200: FunnelOut, **PROBLEMS},
    summary="Lead funnel: entries, conversion and time in stage",
)
def report_funnel(
    request: ApiRequest,
    period_from: Annotated[Month | None, Query(description=PERIOD_HELP)] = None,
    period_to: Annotated[Month | None, Query(description=PERIOD_HELP)] = None,
    group_by: Annotated[FunnelGroupBy, Query()] = "month",
    source: Annotated[LeadSource | None, Query()] = None,
    campaign: Annotated[DbId | None, Query(description="Campaign id.")] = None,
    segment: Annotated[Segment | None, Query(description="Account size.")] = None,
    owner: Annotated[DbId | None, Query(description="Owner's user id.")] = None,
) -> Any:
    """Per group and funnel stage: moves into the stage, moves out, the share of moves out
    that went to a later stage (conversion), and time in stage (average exact, median from
    buckets)."""
    policy.require(request.auth, "lead.view")
    start, end = _period(period_from, period_to)
    filters = FunnelFilters(source=source, campaign_id=campaign, segment=segment, owner_id=owner)
    return funnel_out(selectors_reports.funnel(start, end, group_by, filters))


@router.get(
    "/reports/speed-to-lead",
    response={200: SpeedOut, **PROBLEMS},
    summary="Speed to lead: time from handoff to answer in business hours",
)
def report_speed(
    request: ApiRequest,
    period_from: Annotated[Month | None, Query(description=PERIOD_HELP)] = None,
    period_to: Annotated[Month | None, Query(description=PERIOD_HELP)] = None,
    group_by: Annotated[SpeedGroupBy, Query()] = "rep",
    team: Annotated[DbId | None, Query(description="Receiving team's id.")] = None,
    assignee: Annotated[DbId | None, Query(description="Rep's user id.")] = None,
    source: Annotated[LeadSource | None, Query()] = None,
) -> Any:
    """Answered handoffs by the month they were handed over: count, accepted/rejected,
    median and p90 (from 5- to 60-minute buckets up to 48 h) and exact shares within
    1, 4, 8 and 24 business hours of the receiving team's calendar."""
    policy.require(request.auth, "lead.view")
    start, end = _period(period_from, period_to)
    filters = SpeedFilters(team_id=team, assignee_id=assignee, source=source)
    return speed_out(selectors_reports.speed_to_lead(start, end, group_by, filters))
