"""Benchmark agreements_tick: one clock tick over 1,000,000 open obligations, 20,000 due.

Seeds two teams with Mon–Fri 9–17 calendars, 100 active agreements with one
time term each, and 1,000,000 deliverables with one open obligation each,
set-based (``INSERT … SELECT`` over a number series). 20,000 obligations are
past their due time (their ``check_at`` has come); the rest are due in the
future. It times ``clock.tick(now=…)`` — one indexed query per chunk, the
bulk status updates, 20,000 ``obligation.breached`` events with their
deliveries — as the median of runs, resetting the 20,000 between runs, beside
the raw baseline measured in the same run: one indexed SQL query selecting the
same 20,000 due rows. ``--quick``: 50,000 obligations, 1,000 due.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from datetime import time as dtime
from typing import Any

from django.db import connection, transaction
from django.db.models import F

from bench.child import log
from bench.common import alternate, ratio

AGREEMENTS = 100
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)  # a Wednesday


def sizes(quick: bool) -> dict[str, int]:
    return (
        {"obligations": 50_000, "due": 1_000}
        if quick
        else {"obligations": 1_000_000, "due": 20_000}
    )


def _series(count: int) -> tuple[str, str]:
    if connection.vendor == "postgresql":
        return "", f"FROM generate_series(1, {count}) AS s(n)"
    prefix = (
        f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq WHERE n < {count}) "
    )
    return prefix, "FROM seq"


def _when(seconds_expr: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_timestamp({seconds_expr})"
    return f"datetime({seconds_expr}, 'unixepoch')"


def _fixtures() -> list[tuple[int, int, int, int]]:
    """(agreement, version, term, receiver team) for each agreement."""
    from interlock.agreements.models import Agreement, AgreementVersion, Term
    from interlock.org.models import BusinessCalendar, Team, WorkingHours

    teams = []
    for slug in ("bench-marketing", "bench-sales"):
        team = Team.objects.create(name=slug, slug=slug, function=slug.split("-")[1])
        calendar = BusinessCalendar.objects.create(
            team=team, timezone="Europe/Berlin", country="DE"
        )
        WorkingHours.objects.bulk_create(
            WorkingHours(calendar=calendar, weekday=d, start=dtime(9), end=dtime(17))
            for d in range(5)
        )
        teams.append(team)
    made = []
    start = datetime(2020, 1, 1, tzinfo=UTC)
    for i in range(AGREEMENTS):
        agreement = Agreement.objects.create(
            provider_team=teams[0], receiver_team=teams[1], title=f"Agreement {i}"
        )
        version = AgreementVersion.objects.create(
            agreement=agreement,
            number=1,
            status="active",
            title=agreement.title,
            effective_from=start,
            activated_at=start,
        )
        term = Term.objects.create(version=version, type="time", deliverable="bench.item", hours=8)
        made.append((agreement.pk, version.pk, term.pk, teams[1].pk))
    return made


def seed(quick: bool) -> dict[str, Any]:
    from interlock.agreements.models import Deliverable, Obligation

    sized = sizes(quick)
    total, due = sized["obligations"], sized["due"]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -400000")
            cursor.execute("PRAGMA synchronous = OFF")  # seeding only
        else:
            cursor.execute("SET maintenance_work_mem = '512MB'")
    made = _fixtures()
    a0, v0, t0, team = made[0]
    assert [m[0] for m in made] == list(range(a0, a0 + AGREEMENTS))
    assert [m[1] for m in made] == list(range(v0, v0 + AGREEMENTS))
    assert [m[2] for m in made] == list(range(t0, t0 + AGREEMENTS))
    now = int(NOW.timestamp())
    # due rows: delivered 3 days ago, due 1 minute .. 20 hours ago; the others due ahead
    opened = f"(CASE WHEN n <= {due} THEN {now} - 3 * 86400 ELSE {now} - (n % 3600) END)"
    due_at = f"(CASE WHEN n <= {due} THEN {now} - 60 - (n * 7) % 72000 ELSE {now} + 3 * 3600 + n % 86400 END)"
    risk_at = f"({due_at} - 7200)"
    check = f"(CASE WHEN n <= {due} THEN {due_at} ELSE {risk_at} END)"
    status = f"(CASE WHEN n <= {due} THEN 'at_risk' ELSE 'open' END)"
    k = f"(n % {AGREEMENTS})"
    prefix, source = _series(total)
    d_table, o_table = Deliverable._meta.db_table, Obligation._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"{prefix}INSERT INTO {d_table} (id, kind, key, delivered_at, delivery_event_id, "
            "fulfilled_at, fulfilment_event_id, fulfilled_how, cancelled_at, place, team_id, "
            "assignee_id, subject_type, subject_id, title, due_at) "
            f"SELECT n, 'bench.item', 'item:' || n, {_when(opened)}, NULL, NULL, NULL, '', NULL, "
            f"'', {team}, NULL, '', NULL, 'Item ' || n, NULL {source}"
        )
        cursor.execute(
            f"{prefix}INSERT INTO {o_table} (id, deliverable_id, term_id, version_id, "
            "agreement_id, team_id, assignee_id, routed_to_id, opened_at, at_risk_at, due_at, "
            "status, fulfilled_at, fulfilled_by_default, breached_at, business_seconds, "
            "check_at, waived, problem, changed_at) "
            f"SELECT n, n, {t0} + {k}, {v0} + {k}, {a0} + {k}, {team}, NULL, NULL, "
            f"{_when(opened)}, {_when(risk_at)}, {_when(due_at)}, {status}, NULL, "
            f"{'false' if connection.vendor == 'postgresql' else 0}, NULL, NULL, "
            f"{_when(check)}, {'false' if connection.vendor == 'postgresql' else 0}, '', NULL "
            f"{source}"
        )
        if connection.vendor == "postgresql":
            for table in (d_table, o_table):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"seeded {total:,} obligations ({due:,} due) in {time.perf_counter() - started:.1f} s")
    return sized


def _reset(due: int) -> None:
    """Put the due rows back as they were before the tick; drop what it recorded."""
    from interlock.agreements.models import Obligation
    from interlock.core.models import Event, EventDelivery

    with transaction.atomic():
        Obligation.objects.filter(id__lte=due).update(
            status="at_risk", breached_at=None, check_at=F("due_at")
        )
        recorded = Event.objects.filter(type="obligation.breached")
        EventDelivery.objects.filter(event__in=recorded).delete()
        recorded._raw_delete(recorded.db)


def _baseline(due: int) -> int:
    from interlock.agreements.models import Obligation

    table = Obligation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, status, due_at, at_risk_at, term_id FROM {table} "
            "WHERE check_at IS NOT NULL AND check_at <= %s",
            [connection.ops.adapt_datetimefield_value(NOW)],
        )
        found = len(cursor.fetchall())
    assert found == due, (found, due)
    return found


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    from interlock.agreements import clock

    data = seed(quick)
    due = data["due"]
    counts: dict[str, int] = {}

    def project() -> None:
        counts.update(clock.tick(now=NOW))
        assert counts["breached"] == due, counts

    project_s, baseline_s, timings = alternate(
        runs, project, lambda: _baseline(due), before=lambda: _reset(due), log=log
    )
    return [
        {
            "benchmark": "agreements_tick",
            "description": (
                f"one clock tick over {data['obligations']:,} open obligations, {due:,} breaching "
                "(status, events, deliveries) vs one indexed SELECT of the due rows"
            ),
            "metric": f"{due:,} due of {data['obligations']:,}",
            "unit": "s (median)",
            "project": project_s,
            "baseline": baseline_s,
            "ratio": ratio(project_s, baseline_s),
            "runs": timings,
            "rows": data["obligations"],
            "counts": counts,
            "database": connection.vendor,
            "target": "<= 2 s on SQLite",
        }
    ]
