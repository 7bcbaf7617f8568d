"""Benchmark lead_reports: funnel and speed-to-lead reports at 1,000,000 contacts.

Seeds 1,000,000 contacts, 5,000,000 ``LifecycleTransition`` rows (five moves
per contact over two years) and 1,000,000 answered handoffs with their
``lead.accepted``/``lead.rejected`` events, raw and set-based (see
``record_seed``). Then it times building the rollups (``rollups.rebuild()``:
the cost of keeping them, paid once; afterwards ``refresh()`` folds only new
rows, timed after 1,000 new moves and answers), and each report selector
(median of runs, every call including its ``refresh()``), beside the raw
baseline measured in the same run: one plain SQL ``GROUP BY`` over the live
table answering the same question (without medians on SQLite, which has no
percentile function; PostgreSQL's baseline computes them with
``percentile_cont``). ``--quick``: 20,000 contacts, 100,000 moves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.child import log
from bench.common import median, ratio
from bench.record_seed import _drop_indexes, _seed_accounts, _seed_contacts, _seed_owners

SOURCES = ("web_form", "api", "import", "event", "referral", "partner", "outbound", "other")
SEGMENTS = ("1-9", "10-49", "50-249", "250-999", "1000+")
CAMPAIGNS = 30
TEAMS = 4
STEPS = 5
START = datetime(2024, 1, 1, tzinfo=UTC)
PERIOD = (date(2024, 1, 1), date(2025, 12, 1))


def sizes(quick: bool) -> dict[str, int]:
    if quick:
        return {"contacts": 20_000, "accounts": 1_000}
    return {"contacts": 1_000_000, "accounts": 50_000}


def _case(expr: str, values: tuple[str, ...]) -> str:
    whens = " ".join(f"WHEN {i} THEN '{v}'" for i, v in enumerate(values))
    return f"(CASE ({expr}) % {len(values)} {whens} END)"


def _series(count: int) -> tuple[str, str]:
    """(prefix, FROM clause) yielding n = 1…count."""
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


def _fixtures() -> dict[str, Any]:
    from interlock.campaigns.models import Campaign
    from interlock.leads.models import RejectionReason
    from interlock.org.models import Team

    teams = [
        Team.objects.create(name=f"Sales {i}", slug=f"sales-{i}", function="sales").pk
        for i in range(TEAMS)
    ]
    campaigns = [
        Campaign.objects.create(name=f"Kampagne {i}", type="webinar", starts_on=date(2024, 1, 1)).pk
        for i in range(CAMPAIGNS)
    ]
    reason = RejectionReason.objects.get_or_create(
        code="bench", defaults={"name": "Bench", "outcome": "recycled"}
    )[0].pk
    assert campaigns == list(range(campaigns[0], campaigns[0] + CAMPAIGNS))
    return {"teams": teams, "campaigns": campaigns, "reason": reason}


def _seed_transitions(contacts: int, owners: list[int], first_campaign: int, gap_days: int) -> None:
    """Moves n = k·C + c: contact c's k-th move; five per contact, G seconds apart."""
    epoch = int(START.timestamp())
    c = f"((n - 1) % {contacts} + 1)"
    k = f"((n - 1) / {contacts})"
    gap = f"(3600 + ({c} * 7919) % {gap_days * 86400})"
    start = f"({epoch} + ({c} * 48271) % {600 * 86400})"
    lost = f"({c} % 5 = 0)"
    from_stage = (
        f"(CASE {k} WHEN 0 THEN '' WHEN 1 THEN 'lead' WHEN 2 THEN 'mql' "
        f"WHEN 3 THEN (CASE WHEN {lost} THEN 'recycled' ELSE 'sal' END) "
        f"ELSE (CASE WHEN {lost} THEN 'lead' ELSE 'sql' END) END)"
    )
    to_stage = (
        f"(CASE {k} WHEN 0 THEN 'lead' WHEN 1 THEN 'mql' "
        f"WHEN 2 THEN (CASE WHEN {lost} THEN 'recycled' ELSE 'sal' END) "
        f"WHEN 3 THEN (CASE WHEN {lost} THEN 'lead' ELSE 'sql' END) "
        f"ELSE (CASE WHEN {lost} THEN 'mql' ELSE 'opportunity' END) END)"
    )
    campaign = f"(CASE WHEN {c} % 10 = 0 THEN NULL ELSE {first_campaign} + {c} % {CAMPAIGNS} END)"
    owner = f"({owners[0]} + ({c} * 3) % {len(owners)})"
    prefix, source = _series(contacts * STEPS)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"{prefix}INSERT INTO leads_lifecycletransition (id, contact_id, from_stage, "
            "to_stage, at, actor_id, rule, reason, seconds_in_previous, source, campaign_id, "
            "owner_id, segment) "
            f"SELECT n, {c}, {from_stage}, {to_stage}, {_when(f'{start} + {k} * {gap}')}, "
            f"NULL, 'bench', '', CASE WHEN {k} = 0 THEN NULL ELSE {gap} END, "
            f"{_case(c, SOURCES)}, {campaign}, {owner}, {_case(c, SEGMENTS)} {source}"
        )


def _seed_handoffs(contacts: int, owners: list[int], fixtures: dict[str, Any]) -> None:
    """One answered handoff per contact (at its MQL move) and its answer event."""
    epoch = int(START.timestamp())
    c = "n"
    gap = f"(3600 + ({c} * 7919) % {40 * 86400})"
    handed = f"({epoch} + ({c} * 48271) % {600 * 86400} + {gap})"
    answer = f"((({c} * 48271) % 1000) * (({c} * 48271) % 1000) / 10)"
    status = f"(CASE WHEN {c} % 5 = 0 THEN 'rejected' ELSE 'accepted' END)"
    teams = fixtures["teams"]
    owner = f"({owners[0]} + ({c} * 3) % {len(owners)})"
    prefix, source = _series(contacts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM core_event")
        base = int(cursor.fetchone()[0]) + 1000
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"{prefix}INSERT INTO leads_handoff (id, contact_id, team_id, assignee_id, "
            "handed_at, status, responded_at, response_seconds, reason_id, comment, dispute, "
            "dispute_comment, settlement_note, answer_note, source, campaign_id) "
            f"SELECT n, n, {teams[0]} + n % {len(teams)}, {owner}, {_when(handed)}, {status}, "
            f"{_when(f'{handed} + {answer}')}, {answer}, "
            f"CASE WHEN n % 5 = 0 THEN {fixtures['reason']} ELSE NULL END, '', '', '', '', '', "
            f"{_case(c, SOURCES)}, NULL {source}"
        )
        cursor.execute(
            f"{prefix}INSERT INTO core_event (id, type, subject_type, subject_id, actor_id, "
            "source, occurred_at, payload) "
            f"SELECT {base} + n, CASE WHEN n % 5 = 0 THEN 'lead.rejected' ELSE 'lead.accepted' "
            f"END, 'leads.handoff', n, NULL, 'import', {_when(f'{handed} + {answer}')}, "
            f"'{{}}' {source}"
        )
        if connection.vendor == "postgresql":
            for table in ("core_event", "leads_handoff", "leads_lifecycletransition"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )


def seed(quick: bool) -> dict[str, Any]:
    sized = sizes(quick)
    now_db = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(days=1))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -400000")
            cursor.execute("PRAGMA synchronous = OFF")  # seeding only
        else:
            cursor.execute("SET maintenance_work_mem = '512MB'")
    started = time.perf_counter()
    owners = _seed_owners()
    assert owners == list(range(owners[0], owners[0] + len(owners)))
    fixtures = _fixtures()
    _seed_accounts(sized["accounts"], owners, now_db)
    _seed_contacts(sized["contacts"], sized["accounts"], owners, now_db)
    rebuild = _drop_indexes(("leads_lifecycletransition", "leads_handoff", "core_event"))
    _seed_transitions(sized["contacts"], owners, fixtures["campaigns"][0], 40)
    _seed_handoffs(sized["contacts"], owners, fixtures)
    with connection.cursor() as cursor:
        for ddl in rebuild:
            cursor.execute(ddl)
        cursor.execute("ANALYZE")
    seconds = time.perf_counter() - started
    log(
        f"seeded {sized['contacts']:,} contacts, {sized['contacts'] * STEPS:,} moves, "
        f"{sized['contacts']:,} handoffs in {seconds:.1f} s"
    )
    return {**sized, "transitions": sized["contacts"] * STEPS, "owners": owners, **fixtures}


# --- the raw baselines -----------------------------------------------------------------------


def _raw(sql: str, params: list[Any]) -> Callable[[], int]:
    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return len(cursor.fetchall())

    return run


def _bounds() -> list[Any]:
    low = datetime(PERIOD[0].year, PERIOD[0].month, 1, tzinfo=UTC)
    high = datetime(2026, 1, 1, tzinfo=UTC)
    return [connection.ops.adapt_datetimefield_value(v) for v in (low, high)]


def funnel_baseline(group: str) -> Callable[[], int]:
    key = {
        "month": (
            "date_trunc('month', at)"
            if connection.vendor == "postgresql"
            else "strftime('%Y-%m', at)"
        ),
        "owner": "owner_id",
    }[group]
    median_sql = (
        ", percentile_cont(0.5) WITHIN GROUP (ORDER BY seconds_in_previous)"
        if connection.vendor == "postgresql"
        else ""
    )
    sql = (
        f"SELECT {key}, from_stage, to_stage, COUNT(*), COUNT(seconds_in_previous), "
        f"SUM(seconds_in_previous){median_sql} FROM leads_lifecycletransition "
        f"WHERE at >= %s AND at < %s GROUP BY {key}, from_stage, to_stage"
    )
    return _raw(sql, _bounds())


def speed_baseline(group: str) -> Callable[[], int]:
    key = {"rep": "assignee_id", "team": "team_id"}[group]
    within = ", ".join(
        f"SUM(CASE WHEN response_seconds <= {h * 3600} THEN 1 ELSE 0 END)" for h in (1, 4, 8, 24)
    )
    pct = (
        ", percentile_cont(0.5) WITHIN GROUP (ORDER BY response_seconds), "
        "percentile_cont(0.9) WITHIN GROUP (ORDER BY response_seconds)"
        if connection.vendor == "postgresql"
        else ""
    )
    sql = (
        f"SELECT {key}, status, COUNT(*), SUM(response_seconds), {within}{pct} "
        "FROM leads_handoff WHERE handed_at >= %s AND handed_at < %s "
        "AND status IN ('accepted', 'rejected') AND response_seconds IS NOT NULL "
        f"GROUP BY {key}, status"
    )
    return _raw(sql, _bounds())


def _time(fn: Callable[[], Any], runs: int) -> float | None:
    started = time.perf_counter()
    fn()  # warm up: caches, imports
    first = time.perf_counter() - started
    if first > 10:  # a full scan of millions of rows: one more run tells enough
        started = time.perf_counter()
        fn()
        return min(first, time.perf_counter() - started)
    times = []
    for _ in range(max(3, runs)):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return median(times)


def _add_new_rows(seeded: dict[str, Any], count: int) -> None:
    """``count`` more moves and answered handoffs, as the services would write them."""
    from interlock.core.models import Event
    from interlock.leads.models import Handoff, LifecycleTransition

    at = datetime(2025, 12, 15, 10, tzinfo=UTC)
    moves = [
        LifecycleTransition(
            contact_id=c,
            from_stage="opportunity",
            to_stage="customer",
            at=at,
            seconds_in_previous=86400,
            source="event",
            segment="10-49",
            owner_id=seeded["owners"][0],
        )
        for c in range(1, count + 1)
    ]
    with transaction.atomic():
        LifecycleTransition.objects.bulk_create(moves, batch_size=500)
        Handoff.objects.filter(pk__lte=count).update(handed_at=at)  # moved; no double count
        handoffs = Handoff.objects.bulk_create(
            [
                Handoff(
                    contact_id=c,
                    team_id=seeded["teams"][0],
                    assignee_id=seeded["owners"][1],
                    handed_at=at,
                    status="accepted",
                    responded_at=at + timedelta(hours=1),
                    response_seconds=1800,
                    source="event",
                )
                for c in range(1, count + 1)
            ],
            batch_size=500,
        )
        Event.objects.bulk_create(
            [
                Event(
                    type="lead.accepted",
                    subject_type="leads.handoff",
                    subject_id=h.pk,
                    source="import",
                    occurred_at=at,
                )
                for h in handoffs
            ],
            batch_size=500,
        )


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    from interlock.leads import rollups, selectors_reports
    from interlock.leads.models.reports import FunnelRollup, SpeedRollup
    from interlock.leads.selectors_reports import FunnelFilters

    seeded = seed(quick)
    build = 0.0
    for name in ("funnel", "speed"):
        started = time.perf_counter()
        rollups.rebuild(only=[name])
        build += time.perf_counter() - started
        log(f"{name} rollup built in {time.perf_counter() - started:.1f} s")
    log(
        f"rollups built in {build:.1f} s: {FunnelRollup.objects.count():,} funnel rows, "
        f"{SpeedRollup.objects.count():,} speed rows"
    )
    full_scan = _time(funnel_baseline("month"), 1)
    campaign = seeded["campaigns"][3]
    cases: list[tuple[str, Callable[[], Any], Callable[[], Any]]] = [
        (
            "funnel by month, 24 months",
            lambda: selectors_reports.funnel(*PERIOD, "month"),
            funnel_baseline("month"),
        ),
        (
            "funnel by owner, 24 months",
            lambda: selectors_reports.funnel(*PERIOD, "owner"),
            funnel_baseline("owner"),
        ),
        (
            "funnel by source, one campaign",
            lambda: selectors_reports.funnel(
                *PERIOD, "source", FunnelFilters(campaign_id=campaign)
            ),
            funnel_baseline("month"),
        ),
        (
            "speed to lead by rep, 24 months",
            lambda: selectors_reports.speed_to_lead(*PERIOD, "rep"),
            speed_baseline("rep"),
        ),
        (
            "speed to lead by team, 24 months",
            lambda: selectors_reports.speed_to_lead(*PERIOD, "team"),
            speed_baseline("team"),
        ),
    ]
    common = {
        "benchmark": "lead_reports",
        "contacts": seeded["contacts"],
        "transitions": seeded["transitions"],
        "handoffs": seeded["contacts"],
        "database": connection.vendor,
    }
    out: list[dict[str, Any]] = [
        {
            **common,
            "description": "build the rollups from every row (rebuild; paid once)",
            "metric": "rollup build",
            "unit": "s",
            "project": round(build, 3),
            "baseline": full_scan and round(full_scan, 3),
            "ratio": ratio(build, full_scan),
        }
    ]
    for name, project_fn, baseline_fn in cases:
        project = _time(project_fn, runs)
        baseline = _time(baseline_fn, runs)
        log(f"{name}: {project:.3f} s (raw GROUP BY {baseline:.3f} s)")
        out.append(
            {
                **common,
                "description": name,
                "metric": "report time",
                "unit": "s (median of runs; limit 1 s)",
                "project": round(project or 0, 4),
                "baseline": round(baseline or 0, 4),
                "ratio": ratio(project, baseline),
            }
        )
    _add_new_rows(seeded, 1000)
    started = time.perf_counter()
    folded = rollups.refresh()
    refresh = time.perf_counter() - started
    log(f"refresh after 1,000 moves and answers: {refresh:.3f} s ({folded})")
    out.append(
        {
            **common,
            "description": "refresh after 1,000 new moves and 1,000 answers",
            "metric": "incremental refresh",
            "unit": "s",
            "project": round(refresh, 4),
            "baseline": round(full_scan or 0, 4),
            "ratio": ratio(refresh, full_scan),
        }
    )
    return out
