"""Funnel and speed-to-lead reports, read from the rollups (see ``rollups.py``).

Both start with ``rollups.refresh()`` (one indexed ``MAX(id)`` when nothing is
new) and then read a few hundred rollup rows at most, whatever the number of
contacts. Periods are whole calendar months in the site's time zone.

**Funnel definitions** (per group and funnel stage X, for moves in the period):

- *entered*: moves into X.
- *left*: moves out of X, wherever to (a later stage, recycled, disqualified).
- *conversion*: of the moves out of X, the share that went to a later funnel
  stage (skipping counts, e.g. MQL → opportunity). Contacts still in X are not
  counted yet; this is the "exit" conversion rate, always 0–100 %.
- *to next*: moves from X straight to the next funnel stage.
- *time in stage*: time spent in X by the moves out of X; average exact,
  median from the rollup's buckets (1 h steps up to 12 h, then 1–7 days,
  then weeks and months: good to the bucket's width).

**Speed to lead** (per group; handoffs by the month they were handed over):
time from handoff to accept or reject in business hours of the receiving
team's calendar; median and p90 to 5 minutes up to 2 h, 15 minutes up to
8 h, 30 minutes up to 24 h, 1 hour up to 48 h (beyond: "more than 48 h");
shares within 1, 4, 8 and 24 business hours are exact.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Sum
from django.utils.translation import gettext as _

from interlock.campaigns.models import Campaign
from interlock.customers.models import Account
from interlock.leads import rollups
from interlock.leads.lifecycle import FUNNEL
from interlock.leads.models.lifecycle import Source, Stage
from interlock.leads.models.reports import (
    FUNNEL_BUCKETS,
    SPEED_BUCKETS,
    FunnelRollup,
    SpeedRollup,
)
from interlock.org.models import Team

FUNNEL_GROUPS = ("month", "source", "campaign", "segment", "owner")
SPEED_GROUPS = ("rep", "team", "source", "month")
_FUNNEL_FIELDS = {
    "month": "month",
    "source": "source",
    "campaign": "campaign_id",
    "segment": "segment",
    "owner": "owner_id",
}
_SPEED_FIELDS = {"rep": "assignee_id", "team": "team_id", "source": "source", "month": "month"}
_D = [f"d{i}" for i in range(FUNNEL_BUCKETS)]
_M = [f"m{i}" for i in range(SPEED_BUCKETS)]


@dataclass(frozen=True)
class FunnelFilters:
    source: str | None = None
    campaign_id: int | None = None
    segment: str | None = None
    owner_id: int | None = None


@dataclass(frozen=True)
class SpeedFilters:
    team_id: int | None = None
    assignee_id: int | None = None
    source: str | None = None


@dataclass
class StageLine:
    stage: str
    label: str
    entered: int = 0
    left: int = 0
    forward: int = 0
    to_next: int = 0
    timed: int = 0
    sum_seconds: int = 0
    histogram: list[int] = field(default_factory=lambda: [0] * FUNNEL_BUCKETS)

    @property
    def conversion(self) -> float | None:
        return self.forward / self.left if self.left else None

    @property
    def avg_seconds(self) -> float | None:
        return self.sum_seconds / self.timed if self.timed else None

    @property
    def median_seconds(self) -> float | None:
        return rollups.quantile(self.histogram, rollups.FUNNEL_EDGES, 0.5)


@dataclass
class FunnelGroup:
    key: str
    label: str
    stages: list[StageLine]


@dataclass
class FunnelReport:
    period_from: date
    period_to: date
    group_by: str
    groups: list[FunnelGroup]
    total: FunnelGroup
    months: list[date]
    mqls: list[int]
    sqls: list[int]


@dataclass
class SpeedGroup:
    key: str
    label: str
    count: int = 0
    accepted: int = 0
    rejected: int = 0
    sum_seconds: int = 0
    within: dict[int, int] = field(default_factory=lambda: dict.fromkeys(rollups.WITHIN_HOURS, 0))
    histogram: list[int] = field(default_factory=lambda: [0] * SPEED_BUCKETS)

    @property
    def median_seconds(self) -> float | None:
        return rollups.quantile(self.histogram, rollups.SPEED_EDGES, 0.5)

    @property
    def p90_seconds(self) -> float | None:
        return rollups.quantile(self.histogram, rollups.SPEED_EDGES, 0.9)

    @property
    def avg_seconds(self) -> float | None:
        return self.sum_seconds / self.count if self.count else None

    def share_within(self, hours: int) -> float | None:
        return self.within[hours] / self.count if self.count else None


@dataclass
class SpeedReport:
    period_from: date
    period_to: date
    group_by: str
    groups: list[SpeedGroup]
    total: SpeedGroup


def month_start(day: date) -> date:
    return day.replace(day=1)


def _months(period_from: date, period_to: date) -> list[date]:
    months, current = [], month_start(period_from)
    while current <= period_to:
        months.append(current)
        current = date(current.year + current.month // 12, current.month % 12 + 1, 1)
    return months


def _key(value: Any) -> str:
    if isinstance(value, date):
        return value.strftime("%Y-%m")
    return str(value)


def _labels(kind: str, keys: Iterable[Any]) -> dict[str, str]:
    """Readable names of group keys; 0 or "" is "none"."""
    keys = list(keys)
    none = _("(none)")
    if kind == "month":
        return {_key(k): _key(k) for k in keys}
    if kind == "source":
        return {k: (str(Source(k).label) if k in Source.values else k) if k else none for k in keys}
    if kind == "segment":
        sizes = dict(Account.Size.choices)
        return {k: str(sizes.get(k, k)) if k else none for k in keys}
    if kind in {"campaign", "owner", "rep", "team"}:
        model: Any = {
            "campaign": Campaign.all_objects,
            "team": Team.objects,
        }.get(kind, get_user_model().objects)
        names = {obj.pk: str(obj) for obj in model.filter(pk__in=[k for k in keys if k])}
        return {str(k): names.get(k, f"#{k}") if k else none for k in keys}
    raise ValueError(kind)


def _grain(group_by: str, filters: FunnelFilters) -> int:
    campaign = group_by == "campaign" or filters.campaign_id is not None
    owner = group_by == "owner" or filters.owner_id is not None
    return {(True, True): 0, (True, False): 1, (False, True): 2, (False, False): 3}[
        (campaign, owner)
    ]


def _funnel_rows(
    period_from: date, period_to: date, field_name: str, filters: FunnelFilters, grain: int
) -> list[dict[str, Any]]:
    qs = FunnelRollup.objects.filter(
        grain=grain, month__gte=month_start(period_from), month__lte=month_start(period_to)
    )
    for name in ("source", "campaign_id", "segment", "owner_id"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    sums = {name: Sum(name) for name in ("count", "timed", "sum_seconds", *_D)}
    return list(
        qs.order_by().values(field_name, "from_stage", "to_stage").annotate(**sums)  # type: ignore[arg-type]
    )


def _stage_lines(rows: Iterable[dict[str, Any]]) -> list[StageLine]:
    order = {stage: i for i, stage in enumerate(FUNNEL)}
    lines = {stage: StageLine(stage, str(Stage(stage).label)) for stage in FUNNEL}
    for row in rows:
        to, frm = row["to_stage"], row["from_stage"]
        if to in lines:
            lines[to].entered += row["count"]
        if frm in lines:
            line = lines[frm]
            line.left += row["count"]
            if order.get(to, -1) > order[frm]:
                line.forward += row["count"]
            if order.get(to, -1) == order[frm] + 1:
                line.to_next += row["count"]
            line.timed += row["timed"]
            line.sum_seconds += row["sum_seconds"]
            for i, name in enumerate(_D):
                line.histogram[i] += row[name]
    return list(lines.values())


def funnel(
    period_from: date,
    period_to: date,
    group_by: str = "month",
    filters: FunnelFilters | None = None,
) -> FunnelReport:
    """Entries, conversion and time in stage per group (definitions: module docstring)."""
    if group_by not in FUNNEL_GROUPS:
        raise ValueError(group_by)
    filters = filters or FunnelFilters()
    rollups.refresh()
    grain = _grain(group_by, filters)
    field_name = _FUNNEL_FIELDS[group_by]
    rows = _funnel_rows(period_from, period_to, field_name, filters, grain)
    by_group: dict[Any, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_group[row[field_name]].append(row)
    labels = _labels(group_by, by_group)
    groups = [
        FunnelGroup(_key(k), labels[_key(k)], _stage_lines(by_group[k])) for k in sorted(by_group)
    ]
    total = FunnelGroup("", _("All"), _stage_lines(rows))
    months = _months(period_from, period_to)
    monthly = (
        rows
        if group_by == "month"
        else _funnel_rows(period_from, period_to, "month", filters, grain)
    )
    mql: dict[date, int] = defaultdict(int)
    sql: dict[date, int] = defaultdict(int)
    for row in monthly:
        if row["to_stage"] == Stage.MQL:
            mql[row["month"]] += row["count"]
        elif row["to_stage"] == Stage.SQL:
            sql[row["month"]] += row["count"]
    return FunnelReport(
        period_from=month_start(period_from),
        period_to=month_start(period_to),
        group_by=group_by,
        groups=groups,
        total=total,
        months=months,
        mqls=[mql[m] for m in months],
        sqls=[sql[m] for m in months],
    )


def _add_speed(group: SpeedGroup, row: dict[str, Any]) -> None:
    group.count += row["count"]
    if row["outcome"] == "accepted":
        group.accepted += row["count"]
    else:
        group.rejected += row["count"]
    group.sum_seconds += row["sum_seconds"]
    for hours in rollups.WITHIN_HOURS:
        group.within[hours] += row[f"within_{hours}h"]
    for i, name in enumerate(_M):
        group.histogram[i] += row[name]


def speed_to_lead(
    period_from: date,
    period_to: date,
    group_by: str = "rep",
    filters: SpeedFilters | None = None,
) -> SpeedReport:
    """Time from handoff to answer per group (definitions: module docstring)."""
    if group_by not in SPEED_GROUPS:
        raise ValueError(group_by)
    filters = filters or SpeedFilters()
    rollups.refresh()
    qs = SpeedRollup.objects.filter(
        month__gte=month_start(period_from), month__lte=month_start(period_to)
    )
    for name in ("team_id", "assignee_id", "source"):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{name: value})
    field_name = _SPEED_FIELDS[group_by]
    sums = {
        name: Sum(name)
        for name in (
            "count",
            "sum_seconds",
            *(f"within_{h}h" for h in rollups.WITHIN_HOURS),
            *_M,
        )
    }
    rows = list(qs.order_by().values(field_name, "outcome").annotate(**sums))  # type: ignore[arg-type]
    keys = sorted({row[field_name] for row in rows})
    labels = _labels(group_by, keys)
    groups = {k: SpeedGroup(_key(k), labels[_key(k)]) for k in keys}
    total = SpeedGroup("", _("All"))
    for row in rows:
        _add_speed(groups[row[field_name]], row)
        _add_speed(total, row)
    return SpeedReport(
        period_from=month_start(period_from),
        period_to=month_start(period_to),
        group_by=group_by,
        groups=list(groups.values()),
        total=total,
    )
