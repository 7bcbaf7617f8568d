"""Scorecard rollups: a full build and an incremental refresh give the obligations' figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from interlock.agreements import rollups
from interlock.agreements.models import (
    Agreement,
    AgreementVersion,
    Deliverable,
    Obligation,
    ScoreRollup,
    ScoreWatermark,
    Term,
)

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 2, 9, tzinfo=UTC)  # a Monday


def make_agreement(people: Any, *, title: str = "MQL handoff", active: bool = True) -> Agreement:
    """Marketing → Sales with one time term (8 business hours) and one quantity term."""
    agreement = Agreement.objects.create(
        provider_team=people.marketing, receiver_team=people.sales, title=title
    )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        title=title,
        status=AgreementVersion.Status.ACTIVE if active else AgreementVersion.Status.DRAFT,
        effective_from=START - timedelta(days=400),
        activated_at=START - timedelta(days=400) if active else None,
    )
    Term.objects.create(
        version=version, position=0, type="time", deliverable="lead.handoff", hours=Decimal(8)
    )
    Term.objects.create(
        version=version,
        position=1,
        type="quantity",
        deliverable="lead.handoff",
        period="month",
        minimum=10,
    )
    return agreement


def time_term(agreement: Agreement) -> Term:
    return Term.objects.get(version__agreement=agreement, type="time", version__number=1)


_serial = iter(range(1, 10**9))


def add_obligations(
    agreement: Agreement,
    specs: list[dict[str, Any]],
    *,
    term: Term | None = None,
    changed_at: datetime | None = None,
) -> list[Obligation]:
    """Obligations from dicts (status, opened_at, seconds, waived, team, assignee …)."""
    term = term or time_term(agreement)
    rows = []
    for spec in specs:
        n = next(_serial)
        opened = spec.get("opened_at", START)
        deliverable = Deliverable.objects.create(
            kind="lead.handoff", key=f"k{n}", delivered_at=opened, title=f"Lead {n}"
        )
        status = spec.get("status", "open")
        seconds = spec.get("seconds")
        rows.append(
            Obligation(
                deliverable=deliverable,
                term=term,
                version_id=term.version_id,
                agreement=agreement,
                team=spec.get("team"),
                assignee=spec.get("assignee"),
                opened_at=opened,
                due_at=opened + timedelta(hours=8),
                status=status,
                fulfilled_at=opened + timedelta(seconds=seconds) if seconds else None,
                breached_at=opened + timedelta(hours=8) if status in ("late", "breached") else None,
                business_seconds=seconds,
                waived=spec.get("waived", False),
                changed_at=changed_at or timezone.now(),
            )
        )
    return Obligation.objects.bulk_create(rows)


MIX = [
    {"status": "fulfilled", "seconds": 3600},
    {"status": "fulfilled", "seconds": 7200},
    {"status": "fulfilled", "seconds": 10800},
    {"status": "late", "seconds": 40000},
    {"status": "late", "seconds": 50000, "waived": True},
    {"status": "breached"},
    {"status": "open"},
    {"status": "at_risk"},
    {"status": "cancelled"},
]


def totals() -> dict[str, int]:
    """Sums of the finest rows, checked against the per-team and per-term grains."""
    grains = {
        "finest": ScoreRollup.objects.exclude(assignee_id=rollups.ALL),
        "team": ScoreRollup.objects.filter(assignee_id=rollups.ALL).exclude(team_id=rollups.ALL),
        "term": ScoreRollup.objects.filter(assignee_id=rollups.ALL, team_id=rollups.ALL),
    }
    sums = {
        grain: {n: sum(getattr(r, n) for r in rows) for n in (*rollups.COUNTS, *rollups.HIST)}
        for grain, rows in grains.items()
    }
    assert sums["finest"] == sums["team"] == sums["term"]
    return {n: sums["finest"][n] for n in rollups.COUNTS}


def test_rebuild_counts_each_outcome(people: Any) -> None:
    agreement = make_agreement(people)
    add_obligations(agreement, [{**s, "team": people.sales} for s in MIX])
    rollups.rebuild()
    assert totals() == {
        "opened": 9,
        "on_time": 3,
        "late": 1,
        "breached_open": 1,
        "waived": 1,
        "open": 2,
        "cancelled": 1,
    }
    row = ScoreRollup.objects.exclude(assignee_id=rollups.ALL).get()
    assert (row.team_id, row.assignee_id, row.agreement_id) == (people.sales.pk, 0, agreement.pk)
    hist = [getattr(row, f"h{i}") for i in range(len(rollups.HIST))]
    assert sum(hist) == 5  # every fulfilled one, waived or not
    assert hist[rollups.bucket_of(3600)] == 1


def test_days_are_site_local(people: Any, settings: Any) -> None:
    # 23:30 UTC on 28 March is 00:30 on 29 March in Berlin (winter time, +1 h);
    # 22:30 UTC on 29 March is 00:30 on 30 March (summer time, +2 h).
    settings.TIME_ZONE = "Europe/Berlin"
    agreement = make_agreement(people)
    add_obligations(
        agreement,
        [
            {"opened_at": datetime(2026, 3, 28, 23, 30, tzinfo=UTC)},
            {"opened_at": datetime(2026, 3, 29, 22, 30, tzinfo=UTC)},
            {"opened_at": datetime(2026, 3, 29, 21, 30, tzinfo=UTC)},
        ],
    )
    rollups.rebuild()
    totals_by_day = ScoreRollup.objects.filter(team_id=rollups.ALL, assignee_id=rollups.ALL)
    days = dict(totals_by_day.values_list("day", "opened"))
    assert {d.isoformat(): n for d, n in days.items()} == {"2026-03-29": 2, "2026-03-30": 1}


def test_refresh_recomputes_only_changed_groups(people: Any) -> None:
    agreement = make_agreement(people)
    old = timezone.now() - timedelta(hours=1)
    first = add_obligations(agreement, [{"status": "open"}], changed_at=old)
    add_obligations(
        agreement, [{"status": "open", "opened_at": START + timedelta(days=3)}], changed_at=old
    )
    assert rollups.refresh() > 0  # first refresh builds everything
    assert rollups.refresh() == 0  # nothing changed: cheap
    # The clock breaches the first one (and sets changed_at, as every writer does).
    Obligation.objects.filter(pk=first[0].pk).update(status="breached", changed_at=timezone.now())
    assert rollups.refresh() == 1  # one (term, day) group
    assert totals()["breached_open"] == 1 and totals()["open"] == 1
    assert rollups.refresh() == 0  # a page right after: nothing new for it
    # The periodic refresh looks back for late commits: same group again, still right.
    assert rollups.refresh(settle=True) == 1
    assert totals()["breached_open"] == 1 and totals()["opened"] == 2


def test_settle_catches_a_late_commit(people: Any) -> None:
    """A writer whose changed_at is older than the last page refresh (it committed late)."""
    agreement = make_agreement(people)
    rollups.refresh()
    rollups.refresh(settle=True)
    late = timezone.now() - timedelta(seconds=30)
    add_obligations(agreement, [{"status": "breached"}], changed_at=late)
    rollups.refresh()  # the page watermark is past it (approximated: it moves on)
    ScoreWatermark.objects.filter(name=rollups.NAME).update(folded_to=timezone.now())
    assert rollups.refresh() == 0
    assert rollups.refresh(settle=True) == 1
    assert totals()["breached_open"] == 1


def test_refresh_matches_rebuild(people: Any) -> None:
    agreement = make_agreement(people)
    add_obligations(
        agreement,
        [
            {
                **spec,
                "opened_at": START + timedelta(days=i % 20, hours=i),
                "assignee": people.member,
            }
            for i, spec in enumerate(MIX * 4)
        ],
    )
    rollups.refresh()
    Obligation.objects.filter(status="open").update(
        status="late", business_seconds=90000, changed_at=timezone.now()
    )
    rollups.refresh()
    incremental = sorted(ScoreRollup.objects.values_list("day", "opened", "late", "h30"))
    rollups.rebuild()
    assert sorted(ScoreRollup.objects.values_list("day", "opened", "late", "h30")) == incremental


def test_quantile_within_bucket() -> None:
    values = [600, 1200, 3600, 7200, 14400, 28800, 57600]
    hist = [0] * len(rollups.HIST)
    for v in values:
        hist[rollups.bucket_of(v)] += 1
    median = rollups.quantile(hist, 0.5)
    assert median is not None and abs(median - 7200) / 7200 < 0.25
    assert rollups.quantile([0] * len(rollups.HIST), 0.5) is None
