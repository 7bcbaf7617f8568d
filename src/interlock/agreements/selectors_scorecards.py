"""Scorecards: figures per agreement, term, period, team and person, read from the rollups.

Obligations count in the period (site-local day) they were opened, with the
status they have now. Compliance = on time ÷ (on time + late + breached and
still open); breaches waived by a settled dispute count neither way, open
obligations not yet due are not decided yet. Median and p90 of the business
time to fulfilment come from the rollup histograms (see ``rollups.quantile``).

Terms are matched across versions by (type, deliverable, place): the
scorecard shows the terms of the version in force (else the newest) and
counts obligations measured under earlier versions of the same term.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet
from django.utils.text import capfirst

from interlock.agreements import rollups
from interlock.agreements.models import (
    Agreement,
    AgreementVersion,
    BreachDispute,
    Obligation,
    PeriodResult,
    Term,
)
from interlock.core import deliverables

PeriodKind = Literal["week", "month", "quarter"]
PERIODS: tuple[str, ...] = ("week", "month", "quarter")
TREND = 12


# --- periods -------------------------------------------------------------------------------


def period_start(day: date, kind: str) -> date:
    if kind == "week":
        return day - timedelta(days=day.weekday())
    if kind == "quarter":
        return date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
    return day.replace(day=1)


def next_period(start: date, kind: str) -> date:
    if kind == "week":
        return start + timedelta(days=7)
    months = 3 if kind == "quarter" else 1
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


def previous_period(start: date, kind: str) -> date:
    return period_start(start - timedelta(days=1), kind)


def periods_back(today: date, kind: str, count: int = TREND) -> list[date]:
    """Starts of the last ``count`` periods, oldest first, the current one last."""
    starts = [period_start(today, kind)]
    while len(starts) < count:
        starts.append(previous_period(starts[-1], kind))
    return starts[::-1]


# --- figures -------------------------------------------------------------------------------


_WIDTH = len(rollups.COUNTS) + len(rollups.HIST)
_AT = {name: i for i, name in enumerate(rollups.COUNTS)}


def _count(name: str) -> property:
    index = _AT[name]
    return property(lambda self: self.values[index])


class Figures:
    """Sums of rollup rows: the counts (``rollups.COUNTS``) then the histogram, as one list
    (adding a row is one list comprehension: scorecards add a thousand rows per view)."""

    __slots__ = ("values",)

    def __init__(self, values: list[int] | None = None) -> None:
        self.values = list(values) if values is not None else [0] * _WIDTH

    opened = _count("opened")
    on_time = _count("on_time")
    late = _count("late")
    breached_open = _count("breached_open")
    waived = _count("waived")
    open = _count("open")
    cancelled = _count("cancelled")

    @property
    def hist(self) -> list[int]:
        return self.values[len(rollups.COUNTS) :]

    def add_row(self, row: Sequence[Any]) -> None:
        """Add a row of ``_WIDTH`` numbers (NULLs count as 0)."""
        self.values = [a + (b or 0) for a, b in zip(self.values, row, strict=True)]

    def add(self, other: Figures) -> None:
        self.add_row(other.values)

    @property
    def deliverables(self) -> int:
        return self.opened - self.cancelled

    @property
    def breached(self) -> int:
        return self.late + self.breached_open

    @property
    def decided(self) -> int:
        return self.on_time + self.late + self.breached_open

    @property
    def compliance(self) -> float | None:
        """On time ÷ decided (0…1), None while nothing is decided."""
        return self.on_time / self.decided if self.decided else None

    @property
    def median_seconds(self) -> float | None:
        return rollups.quantile(self.hist, 0.5)

    @property
    def p90_seconds(self) -> float | None:
        return rollups.quantile(self.hist, 0.9)


@dataclass
class Group:
    key: int  # team or user id, 0 = none
    label: str
    figures: Figures


@dataclass
class TermCard:
    term: Term
    label: str
    term_ids: list[int]
    current: Figures | None = None  # time terms only
    previous: Figures | None = None
    trend: list[Figures] = field(default_factory=list)
    teams: list[Group] = field(default_factory=list)
    people: list[Group] = field(default_factory=list)
    results: list[PeriodResult] = field(default_factory=list)  # quantity / quality


@dataclass
class Scorecard:
    agreement: Agreement
    version: AgreementVersion | None
    period: str
    starts: list[date]  # trend periods, current last
    terms: list[TermCard]

    @property
    def current_start(self) -> date:
        return self.starts[-1]

    @property
    def current_end(self) -> date:
        return next_period(self.starts[-1], self.period)

    @property
    def previous_start(self) -> date:
        return self.starts[-2]


def term_label(term: Term) -> str:
    try:
        kind = str(deliverables.get(term.deliverable).label)
    except LookupError:
        kind = term.deliverable
    return f"{capfirst(term.get_type_display())} · {kind}"


def version_shown(agreement: Agreement) -> AgreementVersion | None:
    versions = list(agreement.versions.order_by("-number"))
    active = [v for v in versions if v.status == AgreementVersion.Status.ACTIVE]
    shown = active or versions
    return shown[0] if shown else None


def _term_key(term: Term) -> tuple[str, str, str]:
    return (term.type, term.deliverable, term.place)


def term_groups(agreement: Agreement) -> list[tuple[Term, list[int]]]:
    """(representative term, ids of the same term in every version), shown version first."""
    shown = version_shown(agreement)
    terms = list(
        Term.objects.filter(version__agreement=agreement)
        .select_related("version")
        .order_by("-version__number", "position", "id")
    )
    groups: dict[tuple[str, str, str], tuple[Term, list[int]]] = {}
    for term in sorted(terms, key=lambda t: (t.version_id != getattr(shown, "pk", None),)):
        key = _term_key(term)
        if key in groups:
            groups[key][1].append(term.pk)
        else:
            groups[key] = (term, [term.pk])
    return list(groups.values())


def _names(model: Any, ids: Iterable[int]) -> dict[int, str]:
    return {obj.pk: str(obj) for obj in model.objects.filter(pk__in=[i for i in ids if i])}


def scorecard(
    agreement: Agreement,
    *,
    today: date,
    period: str = "month",
    term_id: int | None = None,
    refresh: bool = True,
) -> Scorecard:
    """The scorecard of ``agreement`` for the period containing ``today`` and the 11 before."""
    from interlock.org.models import Team, User

    if refresh:
        rollups.refresh()
    starts = periods_back(today, period)
    card = Scorecard(agreement, version_shown(agreement), period, starts, [])
    groups = term_groups(agreement)
    if term_id is not None:
        groups = [g for g in groups if term_id in g[1]]
    trend_from, current, end = starts[0], starts[-1], next_period(starts[-1], period)
    every = rollups.ALL
    rows_by_day = rollups.read_rows(
        ("term_id", "day"),
        "agreement_id = %s AND assignee_id = %s AND team_id = %s AND day >= %s AND day < %s",
        [agreement.pk, every, every, rollups.to_db_day(trend_from), rollups.to_db_day(end)],
        grouped=False,  # one row per (term, day) at this grain
    )
    in_period = "agreement_id = %s AND day >= %s AND day < %s"
    bounds = [agreement.pk, rollups.to_db_day(current), rollups.to_db_day(end)]
    team_rows = rollups.read_rows(
        ("term_id", "team_id"),
        f"{in_period} AND assignee_id = %s AND team_id <> %s",
        [*bounds, every, every],
        grouped=True,
    )
    person_rows = rollups.read_rows(
        ("term_id", "assignee_id"),
        f"{in_period} AND assignee_id <> %s",
        [*bounds, every],
        grouped=True,
    )
    team_names = _names(Team, {r[1] for r in team_rows})
    user_names = _names(User, {r[1] for r in person_rows})
    for term, ids in groups:
        tc = TermCard(term=term, label=term_label(term), term_ids=ids)
        if term.type == Term.Type.TIME:
            index = {start: i for i, start in enumerate(starts)}
            tc.trend = [Figures() for _ in starts]
            for row in rows_by_day:
                if row[0] in ids:
                    tc.trend[index[period_start(rollups.from_db_day(row[1]), period)]].add_row(
                        row[2:]
                    )
            tc.current, tc.previous = tc.trend[-1], tc.trend[-2]
            tc.teams = _grouped(team_rows, ids, team_names)
            tc.people = _grouped(person_rows, ids, user_names)
        else:
            tc.results = list(
                PeriodResult.objects.filter(term_id__in=ids, period_start__lt=end).order_by(
                    "-period_start"
                )[:TREND]
            )
        card.terms.append(tc)
    return card


def _grouped(rows: list[tuple[Any, ...]], ids: list[int], names: dict[int, str]) -> list[Group]:
    """(term, key, values…) rows of the terms ``ids``, summed per key, worst first."""
    found: dict[int, Figures] = {}
    for row in rows:
        if row[0] in ids:
            found.setdefault(row[1], Figures()).add_row(row[2:])
    groups = [Group(k, names.get(k, "—"), f) for k, f in found.items()]
    return sorted(groups, key=lambda g: (g.figures.compliance is None, g.figures.compliance or 0))


# --- company overview ---------------------------------------------------------------------


@dataclass
class OverviewRow:
    agreement: Agreement
    current: Figures
    previous: Figures
    open_disputes: int


def overview(*, today: date, period: str = "month", refresh: bool = True) -> list[OverviewRow]:
    """Every agreement with a version in force, worst compliance this period first."""
    if refresh:
        rollups.refresh()
    current = period_start(today, period)
    previous, end = previous_period(current, period), next_period(current, period)
    agreements = list(
        Agreement.objects.filter(versions__status=AgreementVersion.Status.ACTIVE)
        .select_related("provider_team", "receiver_team")
        .annotate(
            open_disputes=Count("disputes", filter=Q(disputes__status=BreachDispute.Status.OPEN))
        )
        .distinct()
    )
    figures = {a.pk: (Figures(), Figures()) for a in agreements}
    if agreements:
        marks = ", ".join(["%s"] * len(agreements))
        rows = rollups.read_rows(
            ("agreement_id", "day"),
            f"agreement_id IN ({marks}) AND assignee_id = %s AND team_id = %s "
            "AND day >= %s AND day < %s",
            [
                *figures,
                rollups.ALL,
                rollups.ALL,
                rollups.to_db_day(previous),
                rollups.to_db_day(end),
            ],
            grouped=False,
        )
        for row in rows:
            figures[row[0]][0 if rollups.from_db_day(row[1]) >= current else 1].add_row(row[2:])
    out = [
        OverviewRow(a, *figures[a.pk], open_disputes=a.open_disputes)  # type: ignore[attr-defined]
        for a in agreements
    ]

    def worst_first(row: OverviewRow) -> tuple[float, int, str]:
        share = row.current.compliance
        return (2.0 if share is None else share, -row.current.breached, row.agreement.title)

    return sorted(out, key=worst_first)


# --- the obligations behind a figure ------------------------------------------------------

STATUSES = tuple(Obligation.Status.values)


@dataclass(frozen=True)
class ObligationFilters:
    term_ids: tuple[int, ...] = ()
    statuses: tuple[str, ...] = ()
    team_id: int | None = None  # 0: no team
    assignee_id: int | None = None  # 0: nobody
    day_from: date | None = None
    day_to: date | None = None  # inclusive
    breached: bool = False  # late or still breached, not waived
    waived: bool | None = None


def obligations(agreement: Agreement, filters: ObligationFilters) -> QuerySet[Obligation]:
    """The obligations of ``agreement`` behind a scorecard figure, newest first."""
    qs = Obligation.objects.filter(agreement=agreement)
    f = filters
    if f.term_ids:
        qs = qs.filter(term_id__in=f.term_ids)
    if f.statuses:
        qs = qs.filter(status__in=f.statuses)
    if f.team_id is not None:
        qs = qs.filter(team__isnull=True) if f.team_id == 0 else qs.filter(team_id=f.team_id)
    if f.assignee_id is not None:
        qs = (
            qs.filter(assignee__isnull=True)
            if f.assignee_id == 0
            else qs.filter(assignee_id=f.assignee_id)
        )
    if f.day_from is not None:
        qs = qs.filter(opened_at__gte=rollups.day_start(f.day_from))
    if f.day_to is not None:
        qs = qs.filter(opened_at__lt=rollups.day_start(f.day_to + timedelta(days=1)))
    if f.breached:
        qs = qs.filter(status__in=("late", "breached"), waived=False)
    if f.waived is not None:
        qs = qs.filter(waived=f.waived)
    return qs.select_related("deliverable", "assignee", "team", "term").order_by(
        "-opened_at", "-id"
    )


def same_terms(agreement: Agreement, term_id: int) -> tuple[int, ...]:
    """The ids of ``term_id`` in every version of the agreement (empty if not its term)."""
    for _term, ids in term_groups(agreement):
        if term_id in ids:
            return tuple(ids)
    return ()


def now_day(now: datetime) -> date:
    return rollups.local_day(now)
