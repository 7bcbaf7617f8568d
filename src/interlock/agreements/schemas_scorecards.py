"""API schemas of the scorecards (figures, overview, obligations)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema

from interlock.agreements.models import Obligation, PeriodResult
from interlock.agreements.selectors_scorecards import (
    Figures,
    OverviewRow,
    Scorecard,
    TermCard,
    next_period,
)
from interlock.core.pagination import page_schema

Period = Literal["week", "month", "quarter"]


class FiguresOut(Schema):
    deliverables: int = Field(description="Obligations opened in the period, cancelled ones not.")
    on_time: int
    late: int = Field(description="Fulfilled late (breaches waived by a dispute not counted).")
    breached_open: int = Field(description="Past due and still not fulfilled (not waived).")
    breached: int = Field(description="late + breached_open.")
    waived: int = Field(description="Breaches waived by a settled dispute.")
    open: int = Field(description="Open or at risk, not due yet.")
    cancelled: int
    compliance: float | None = Field(
        description="on_time ÷ (on_time + late + breached_open), 0…1; null if nothing decided."
    )
    median_business_hours: float | None = Field(
        description="From histogram buckets: off by less than 25 % of the value."
    )
    p90_business_hours: float | None


class PeriodFiguresOut(FiguresOut):
    period_from: date
    period_until: date = Field(description="Exclusive.")


class GroupOut(FiguresOut):
    id: int | None = Field(description="Team or user id; null: none.")
    name: str


class PeriodResultOut(Schema):
    period_from: date
    period_until: date
    status: str
    final: bool
    count: int
    decided: int
    met: int
    percent: float | None
    forecast: int | None
    waived: bool


class TermScoreOut(Schema):
    term_id: int
    term_ids: list[int] = Field(description="The same term in every version of the agreement.")
    type: str
    deliverable: str
    label: str
    current: PeriodFiguresOut | None = Field(description="Time terms only.")
    previous: PeriodFiguresOut | None
    trend: list[PeriodFiguresOut] = Field(description="The last 12 periods, oldest first.")
    teams: list[GroupOut] = Field(description="This period, worst compliance first.")
    people: list[GroupOut]
    results: list[PeriodResultOut] = Field(description="Quantity and quality terms only.")


class ScorecardOut(Schema):
    agreement_id: int
    title: str
    period: Period
    version: int | None
    terms: list[TermScoreOut]


class OverviewRowOut(Schema):
    agreement_id: int
    title: str
    provider_team: str
    receiver_team: str
    current: FiguresOut
    previous: FiguresOut
    open_disputes: int


class OverviewOut(Schema):
    period: Period
    period_from: date
    agreements: list[OverviewRowOut] = Field(description="Worst compliance this period first.")


class ObligationOut(Schema):
    id: int
    term_id: int
    version_id: int
    deliverable_kind: str
    deliverable_key: str
    title: str
    team_id: int | None
    assignee_id: int | None
    opened_at: datetime
    due_at: datetime
    fulfilled_at: datetime | None
    breached_at: datetime | None
    status: str
    waived: bool
    business_hours: float | None


ObligationPage = page_schema(ObligationOut, "ObligationPage")


def figures_out(f: Figures) -> dict[str, object]:
    def hours(seconds: float | None) -> float | None:
        return None if seconds is None else round(seconds / 3600, 2)

    return {
        "deliverables": f.deliverables,
        "on_time": f.on_time,
        "late": f.late,
        "breached_open": f.breached_open,
        "breached": f.breached,
        "waived": f.waived,
        "open": f.open,
        "cancelled": f.cancelled,
        "compliance": None if f.compliance is None else round(f.compliance, 4),
        "median_business_hours": hours(f.median_seconds),
        "p90_business_hours": hours(f.p90_seconds),
    }


def _period(f: Figures, start: date, period: str) -> dict[str, object]:
    return {**figures_out(f), "period_from": start, "period_until": next_period(start, period)}


def _result(r: PeriodResult) -> dict[str, object]:
    return {
        "period_from": r.period_start,
        "period_until": r.period_end,
        "status": r.status,
        "final": r.final,
        "count": r.count,
        "decided": r.decided,
        "met": r.met,
        "percent": None if r.percent is None else float(r.percent),
        "forecast": r.forecast,
        "waived": r.waived,
    }


def _term(card: Scorecard, tc: TermCard) -> dict[str, object]:
    starts, period = card.starts, card.period
    return {
        "term_id": tc.term.pk,
        "term_ids": tc.term_ids,
        "type": tc.term.type,
        "deliverable": tc.term.deliverable,
        "label": tc.label,
        "current": tc.current and _period(tc.current, starts[-1], period),
        "previous": tc.previous and _period(tc.previous, starts[-2], period),
        "trend": [_period(f, s, period) for s, f in zip(starts, tc.trend, strict=False)],
        "teams": [
            {**figures_out(g.figures), "id": g.key or None, "name": g.label} for g in tc.teams
        ],
        "people": [
            {**figures_out(g.figures), "id": g.key or None, "name": g.label} for g in tc.people
        ],
        "results": [_result(r) for r in tc.results],
    }


def scorecard_out(card: Scorecard) -> dict[str, object]:
    return {
        "agreement_id": card.agreement.pk,
        "title": card.agreement.title,
        "period": card.period,
        "version": card.version.number if card.version else None,
        "terms": [_term(card, tc) for tc in card.terms],
    }


def overview_out(rows: list[OverviewRow], period: str, start: date) -> dict[str, object]:
    return {
        "period": period,
        "period_from": start,
        "agreements": [
            {
                "agreement_id": r.agreement.pk,
                "title": r.agreement.title,
                "provider_team": str(r.agreement.provider_team),
                "receiver_team": str(r.agreement.receiver_team),
                "current": figures_out(r.current),
                "previous": figures_out(r.previous),
                "open_disputes": r.open_disputes,
            }
            for r in rows
        ],
    }


def obligation_out(o: Obligation) -> dict[str, object]:
    return {
        "id": o.pk,
        "term_id": o.term_id,
        "version_id": o.version_id,
        "deliverable_kind": o.deliverable.kind,
        "deliverable_key": o.deliverable.key,
        "title": str(o.deliverable),
        "team_id": o.team_id,
        "assignee_id": o.assignee_id,
        "opened_at": o.opened_at,
        "due_at": o.due_at,
        "fulfilled_at": o.fulfilled_at,
        "breached_at": o.breached_at,
        "status": o.status,
        "waived": o.waived,
        "business_hours": None
        if o.business_seconds is None
        else round(o.business_seconds / 3600, 2),
    }
