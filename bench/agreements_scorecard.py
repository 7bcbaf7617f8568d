"""Benchmark agreements_scorecard: an agreement's scorecard over a year of 1,000,000 obligations.

Seeds one active agreement (Marketing → Sales) with 3 time terms, 4 receiving
teams of 10 people each, and 1,000,000 deliverables with one obligation each,
spread over the last 365 days (70 % on time, 15 % late, a few waived,
breached, open, cancelled), raw and set-based (one ``INSERT … SELECT`` per
table). Then it times building the rollups once (``rollups.rebuild()``), the
scorecard selector (median of runs, its ``refresh()`` included: nothing
changed, so one indexed query) and the company overview, beside the raw
baseline in the same run: one plain SQL ``GROUP BY`` over the obligations
table for the same counts (term × status × waived over the 12 trend
periods, without medians: SQLite has no percentile function). Last, the
incremental refresh after 1,000 obligations changed. Target: ≤ 300 ms.
``--quick``: 50,000 obligations.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.child import log
from bench.common import median, ratio
from bench.record_seed import _drop_indexes

TEAMS = 4
PEOPLE_PER_TEAM = 10
TERMS = 3
YEAR = 365 * 86400


def sizes(quick: bool) -> int:
    return 50_000 if quick else 1_000_000


def _series(count: int) -> tuple[str, str]:
    """(prefix, FROM clause) yielding n = 1…count."""
    if connection.vendor == "postgresql":
        return "", f"FROM generate_series(1::bigint, {count}) AS s(n)"
    prefix = (
        f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count}) "
    )
    return prefix, "FROM seq"


def _when(seconds_expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_timestamp({seconds_expr})"
    return f"datetime({seconds_expr}, 'unixepoch')"


def _fixtures(start: datetime) -> dict[str, Any]:
    from interlock.agreements.models import Agreement, AgreementVersion, Term
    from interlock.org.models import Membership, Team, User

    marketing = Team.objects.create(name="Marketing", slug="marketing", function="marketing")
    teams, people = [], []
    for t in range(TEAMS):
        team = Team.objects.create(name=f"Sales {t}", slug=f"sales-{t}", function="sales")
        teams.append(team.pk)
        for p in range(PEOPLE_PER_TEAM):
            user = User.objects.create(
                username=f"rep-{t}-{p}", first_name="Rep", last_name=f"{t}-{p}"
            )
            Membership.objects.create(user=user, team=team)
            people.append(user.pk)
    agreement = Agreement.objects.create(
        provider_team=marketing, receiver_team_id=teams[0], title="MQL handoff"
    )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        title="MQL handoff",
        status="active",
        effective_from=start - timedelta(days=30),
        activated_at=start - timedelta(days=30),
    )
    terms = [
        Term.objects.create(
            version=version, position=i, type="time", deliverable=kind, hours=Decimal(8 * (i + 1))
        ).pk
        for i, kind in enumerate(("lead.handoff", "lead.feedback", "deal.handover"))
    ]
    return {
        "agreement": agreement,
        "version": version.pk,
        "terms": terms,
        "teams": teams,
        "people": people,
    }


def seed(quick: bool) -> dict[str, Any]:
    count = sizes(quick)
    now = timezone.now()
    start = now - timedelta(days=365)
    fixtures = _fixtures(start)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -400000")
            cursor.execute("PRAGMA synchronous = OFF")  # seeding only
        else:
            cursor.execute("SET maintenance_work_mem = '512MB'")
    started = time.perf_counter()
    rebuild = _drop_indexes(("agreements_deliverable", "agreements_obligation"))
    epoch = int(start.timestamp())
    opened = f"({epoch} + n * {YEAR // count} + (n * 7919) % {YEAR // count})"
    k = "(n % 20)"
    status = (
        f"(CASE WHEN {k} < 14 THEN 'fulfilled' WHEN {k} < 17 THEN 'late' "
        f"WHEN {k} = 17 THEN 'breached' WHEN {k} = 18 THEN 'open' ELSE 'cancelled' END)"
    )
    seconds = (
        f"(CASE WHEN {k} < 14 THEN 300 + (n * 7919) % 28000 "
        f"WHEN {k} < 17 THEN 28800 + (n * 104729) % 90000 ELSE NULL END)"
    )
    fulfilled = f"(CASE WHEN {k} < 17 THEN {_when(f'{opened} + 2 * {seconds}')} ELSE NULL END)"
    breached = f"(CASE WHEN {k} >= 14 AND {k} < 18 THEN {_when(f'{opened} + 86400')} ELSE NULL END)"
    waived = "(CASE WHEN n % 100 = 15 THEN TRUE ELSE FALSE END)"
    if connection.vendor == "sqlite":
        waived = "(CASE WHEN n % 100 = 15 THEN 1 ELSE 0 END)"
    person = f"(n * 31) % {len(fixtures['people'])}"
    people, teams, terms = fixtures["people"], fixtures["teams"], fixtures["terms"]
    changed = connection.ops.adapt_datetimefield_value(now - timedelta(hours=1))
    changed = f"'{changed.isoformat() if isinstance(changed, datetime) else changed}'"
    prefix, source = _series(count)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"{prefix}INSERT INTO agreements_deliverable (id, kind, key, delivered_at, "
            "fulfilled_how, place, subject_type, title) "
            f"SELECT n, 'lead.handoff', 'b' || n, {_when(opened)}, '', '', '', 'Lead ' || n "
            f"{source}"
        )
        cursor.execute(
            f"{prefix}INSERT INTO agreements_obligation (id, deliverable_id, term_id, version_id, "
            "agreement_id, team_id, assignee_id, opened_at, due_at, status, fulfilled_at, "
            "fulfilled_by_default, breached_at, business_seconds, waived, problem, changed_at) "
            f"SELECT n, n, {terms[0]} + n % {TERMS}, {fixtures['version']}, "
            f"{fixtures['agreement'].pk}, {teams[0]} + ({person}) / {PEOPLE_PER_TEAM}, "
            f"{people[0]} + {person}, {_when(opened)}, {_when(f'{opened} + 86400')}, {status}, "
            f"{fulfilled}, {'FALSE' if connection.vendor == 'postgresql' else 0}, {breached}, "
            f"{seconds}, {waived}, '', {changed} {source}"
        )
        if connection.vendor == "postgresql":
            for table in ("agreements_deliverable", "agreements_obligation"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        for ddl in rebuild:
            cursor.execute(ddl)
        cursor.execute("ANALYZE")
    log(f"seeded {count:,} deliverables and obligations in {time.perf_counter() - started:.1f} s")
    assert people == list(range(people[0], people[0] + len(people)))
    assert teams == list(range(teams[0], teams[0] + len(teams)))
    assert terms == list(range(terms[0], terms[0] + len(terms)))
    return {**fixtures, "count": count}


def baseline(agreement_id: int, low: Any, high: Any) -> Callable[[], int]:
    """The same counts straight from the obligations: term × status × waived."""
    sql = (
        "SELECT term_id, status, waived, COUNT(*), SUM(business_seconds) "
        "FROM agreements_obligation WHERE agreement_id = %s AND opened_at >= %s "
        "AND opened_at < %s GROUP BY term_id, status, waived"
    )
    params = [agreement_id, *(connection.ops.adapt_datetimefield_value(v) for v in (low, high))]

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    return run


def _time(fn: Callable[[], Any], runs: int) -> float | None:
    fn()  # warm up: caches, imports
    times = []
    for _ in range(max(3, runs)):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return median(times)


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    from interlock.agreements import rollups
    from interlock.agreements import selectors_scorecards as sel
    from interlock.agreements.models import Obligation, ScoreRollup

    seeded = seed(quick)
    agreement = seeded["agreement"]
    started = time.perf_counter()
    rows = rollups.rebuild()
    build = time.perf_counter() - started
    log(f"rollups built in {build:.1f} s: {rows:,} rows")
    today = sel.now_day(timezone.now())
    starts = sel.periods_back(today, "month")
    low = rollups.day_start(starts[0])
    high = rollups.day_start(sel.next_period(starts[-1], "month"))
    raw = baseline(agreement.pk, low, high)
    card = sel.scorecard(agreement, today=today, period="month")
    decided = sum(f.decided for tc in card.terms for f in tc.trend)
    log(f"scorecard: {len(card.terms)} terms, {decided:,} decided obligations in 12 months")
    common = {
        "benchmark": "agreements_scorecard",
        "obligations": seeded["count"],
        "rollup_rows": rows,
        "database": connection.vendor,
    }
    full_scan = _time(raw, 1)
    out: list[dict[str, Any]] = [
        {
            **common,
            "description": "build the rollups from every obligation (rebuild; paid once)",
            "metric": "rollup build",
            "unit": "s",
            "project": round(build, 3),
            "baseline": full_scan and round(full_scan, 4),
            "ratio": ratio(build, full_scan),
        }
    ]
    cases = [
        (
            "scorecard of one agreement, 3 terms, 12 months",
            lambda: sel.scorecard(agreement, today=today, period="month"),
        ),
        (
            "scorecard by week, 12 weeks",
            lambda: sel.scorecard(agreement, today=today, period="week"),
        ),
        ("company overview", lambda: sel.overview(today=today)),
    ]
    for name, fn in cases:
        project = _time(fn, runs)
        log(f"{name}: {project:.4f} s (raw GROUP BY {full_scan:.4f} s)")
        out.append(
            {
                **common,
                "description": name,
                "metric": "scorecard time",
                "unit": "s (median of runs; limit 0.3 s)",
                "project": round(project or 0, 4),
                "baseline": round(full_scan or 0, 4),
                "ratio": ratio(project, full_scan),
            }
        )
    changed = list(Obligation.objects.filter(status="open").values_list("pk", flat=True)[:1000])
    Obligation.objects.filter(pk__in=changed).update(status="breached", changed_at=timezone.now())
    started = time.perf_counter()
    groups = rollups.refresh()
    refresh = time.perf_counter() - started
    log(f"refresh after {len(changed):,} changed obligations: {refresh:.3f} s ({groups} term days)")
    out.append(
        {
            **common,
            "description": f"refresh after {len(changed):,} obligations changed",
            "metric": "incremental refresh",
            "unit": "s",
            "project": round(refresh, 4),
            "baseline": round(full_scan or 0, 4),
            "ratio": ratio(refresh, full_scan),
        }
    )
    assert ScoreRollup.objects.filter(agreement_id=agreement.pk).exists()
    return out
