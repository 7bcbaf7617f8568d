"""Benchmark agreements_replay: rebuild obligations from 5,000,000 events.

Registers a kind of its own ("bench.handoff": delivered by
``bench.handed_off``, fulfilled by ``bench.accepted``/``bench.rejected``,
read from the event's subject, like the lead handoff), seeds one active
agreement with an 8-business-hour term on it and 5,000,000 events —
2,500,000 handoffs each followed by its answer, a fifth of them late —
with one ``INSERT … SELECT`` over a number series. Then it times
``rebuild.rebuild()`` (read every event in id order, apply the engine's
rules in memory with the calendar cache, write 2,500,000 deliverables and
obligations set-based) beside the raw baseline in the same run: one plain
``SELECT count(*), max(id) FROM core_event`` scan plus ``executemany`` of the
same number of obligation-shaped rows into a scratch table.
``--quick``: 100,000 events.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from datetime import time as dtime
from typing import Any

from django.db import connection, transaction

from bench.child import log
from bench.common import alternate, ratio

KIND = "bench.handoff"
START = datetime(2024, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


def sizes(quick: bool) -> dict[str, int]:
    return {"events": 100_000} if quick else {"events": 5_000_000}


def register_kind(team_id: int) -> None:
    from interlock.core.deliverables import DeliverableKind, Delivery, register

    def delivery(event: Any) -> Delivery:
        return Delivery(
            key=f"handoff:{event.subject_id}",
            at=event.occurred_at,
            team_id=team_id,
            subject=("leads.handoff", event.subject_id),
        )

    register(
        DeliverableKind(
            key=KIND,
            label="Bench handoff",
            description="",
            delivered_by=frozenset({"bench.handed_off"}),
            fulfilled_by=frozenset({"bench.accepted", "bench.rejected"}),
            delivery=delivery,
            instance_key=lambda event: f"handoff:{event.subject_id}",
        )
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


def seed(quick: bool) -> dict[str, Any]:
    from interlock.agreements.models import Agreement, AgreementVersion, Term
    from interlock.org.models import BusinessCalendar, Team, WorkingHours

    total = sizes(quick)["events"]
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -400000")
            cursor.execute("PRAGMA synchronous = OFF")  # seeding only
        else:
            cursor.execute("SET maintenance_work_mem = '512MB'")
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
    agreement = Agreement.objects.create(
        provider_team=teams[0], receiver_team=teams[1], title="Marketing → Sales"
    )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        status="active",
        title=agreement.title,
        effective_from=START,
        activated_at=START,
    )
    Term.objects.create(version=version, type="time", deliverable=KIND, hours=8)
    epoch = int(START.timestamp())
    pair = "((n + 1) / 2)"
    handed = f"({epoch} + {pair} * 25)"  # one handoff every 25 s: 2.5 M over two years
    answer = f"(CASE WHEN {pair} % 5 = 0 THEN 4 * 86400 ELSE 1800 + {pair} % 7200 END)"
    kind = (
        f"CASE WHEN n % 2 = 1 THEN 'bench.handed_off' "
        f"WHEN {pair} % 7 = 0 THEN 'bench.rejected' ELSE 'bench.accepted' END"
    )
    when = f"CASE WHEN n % 2 = 1 THEN {_when(handed)} ELSE {_when(f'{handed} + {answer}')} END"
    prefix, source = _series(total)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM core_event")
        base = int(cursor.fetchone()[0])
        cursor.execute(
            f"{prefix}INSERT INTO core_event (id, type, subject_type, subject_id, actor_id, "
            "source, occurred_at, payload) "
            f"SELECT {base} + n, {kind}, 'leads.handoff', {pair}, NULL, 'import', {when}, '{{}}' "
            f"{source}"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('core_event', 'id'), "
                "(SELECT MAX(id) FROM core_event))"
            )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    log(f"seeded {total:,} events in {time.perf_counter() - started:.1f} s")
    return {"events": total, "team": teams[1].pk}


def _baseline(rows: int) -> int:
    """One scan of the event table, and the plain write of as many obligation rows."""
    from interlock.agreements.models import Obligation

    table = Obligation._meta.db_table
    now = connection.ops.adapt_datetimefield_value(NOW)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT count(*), max(id) FROM core_event")
        cursor.fetchone()
        cursor.execute("DROP TABLE IF EXISTS bench_obligation")
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMP TABLE bench_obligation (LIKE {table})")
        else:
            cursor.execute(f"CREATE TEMP TABLE bench_obligation AS SELECT * FROM {table} WHERE 0")
        cols = (
            "id, deliverable_id, term_id, version_id, agreement_id, status, opened_at, due_at, "
            "fulfilled_by_default, waived, problem"
        )
        cursor.executemany(
            f"INSERT INTO bench_obligation ({cols}) VALUES "
            "(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(n, n, 1, 1, 1, "fulfilled", now, now, False, False, "") for n in range(1, rows + 1)],
        )
        cursor.execute("DROP TABLE bench_obligation")
    return rows


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    from interlock.agreements import rebuild, scheduling

    data = seed(quick)
    register_kind(data["team"])
    runs = runs if quick else min(runs, 2)
    counts: dict[str, int] = {}
    pairs = data["events"] // 2

    def project() -> None:
        counts.update(rebuild.rebuild(now=NOW))
        assert counts["obligations"] == pairs, counts

    project_s, baseline_s, timings = alternate(
        runs, project, lambda: _baseline(pairs), before=scheduling.clear_cache, log=log
    )
    return [
        {
            "benchmark": "agreements_replay",
            "description": (
                f"rebuild {pairs:,} deliverables and obligations from {data['events']:,} events "
                "vs one scan of the events plus executemany of as many rows"
            ),
            "metric": f"{data['events']:,} events",
            "unit": "s (median)",
            "project": project_s,
            "baseline": baseline_s,
            "ratio": ratio(project_s, baseline_s),
            "runs": timings,
            "rows": data["events"],
            "counts": counts,
            "database": connection.vendor,
            "target": "<= 300 s",
        }
    ]
