"""Benchmark lead_scoring: re-score 1,000,000 contacts (10 fit rules, 5,000,000 activities).

Seeds accounts and contacts with ``bench.record_seed`` (raw ``executemany``/
``COPY``) and the activities with one ``INSERT … SELECT`` over a number
series, adds 10 fit rules of mixed operators (regular expressions included),
then times ``rescore_all`` (everything: lookup tables, the engagement
aggregate with decay, the upsert of every profile in ranges with progress,
the MQL query) beside the baseline: ONE SQL aggregate over the same
activities (``SELECT contact_id, COUNT(*) … GROUP BY contact_id``, fetched
fully), alternating in the same run. ``--quick``: 20,000 contacts, 100,000
activities.
"""

from __future__ import annotations

import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.child import log
from bench.common import median, ratio
from bench.record_seed import (
    _drop_indexes,
    _seed_accounts,
    _seed_contacts,
    _seed_owners,
    sizes,
)

FIT_RULES = [
    ("industry", "equals", "Machinery", 20),
    ("size", "gte", "50-249", 15),
    ("revenue_band", "in", "10-50m, 50-250m", 10),
    ("country", "in", "DE, AT, CH", 10),
    ("title", "matches", r"^(head|leiter) of", 15),
    ("title", "contains", "purchasing", 5),
    ("buying_role", "equals", "decision_maker", 20),
    ("buying_role", "empty", "", -5),
    ("free_mail", "equals", "true", -10),
    ("email_domain", "starts_with", "account1", 3),
]
KINDS = ("call", "email", "meeting", "note")


def _seed_activities(count: int, contacts: int, accounts: int) -> None:
    """Activities round robin over the contacts, spread over two years, newest first."""
    epoch = int(timezone.now().timestamp())
    contact = f"((n - 1) % {contacts} + 1)"
    account = f"(({contact} - 1) % {accounts} + 1)"
    kind = "CASE n % 4 WHEN 0 THEN 'call' WHEN 1 THEN 'email' WHEN 2 THEN 'meeting' ELSE 'note' END"
    seconds = f"((n * 7919) % {730 * 86400})"
    if connection.vendor == "postgresql":
        prefix, source = "", f"FROM generate_series(1, {count}) AS s(n)"
        when = f"to_timestamp({epoch} - {seconds})"
    else:
        prefix = (
            "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
            f"WHERE n < {count}) "
        )
        source = "FROM seq"
        when = f"datetime({epoch} - {seconds}, 'unixepoch')"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"{prefix}INSERT INTO customers_activity (id, kind, subject, body, occurred_at, "
            "account_id, contact_id) "
            f"SELECT n, {kind}, 'Touch ' || n, '', {when}, {account}, {contact} {source}"
        )
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('customers_activity', 'id'), "
                "(SELECT MAX(id) FROM customers_activity))"
            )


def _seed(quick: bool) -> dict[str, int]:
    sized = sizes(quick)
    activities = 100_000 if quick else 5_000_000
    now_db = connection.ops.adapt_datetimefield_value(timezone.now())
    started = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA cache_size = -400000")
            cursor.execute("PRAGMA synchronous = OFF")
        else:
            cursor.execute("SET maintenance_work_mem = '512MB'")
    rebuild = _drop_indexes(("customers_contact", "customers_activity"))
    owners = _seed_owners()
    _seed_accounts(sized["accounts"], owners, now_db)
    _seed_contacts(sized["contacts"], sized["accounts"], owners, now_db)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for table in ("customers_account", "customers_contact"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    _seed_activities(activities, sized["contacts"], sized["accounts"])
    with connection.cursor() as cursor:
        for ddl in rebuild:
            cursor.execute(ddl)
        if connection.vendor == "postgresql":
            for table in ("customers_account", "customers_contact", "customers_activity"):
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log(
        f"seeded {sized['contacts']:,} contacts and {activities:,} activities "
        f"in {time.perf_counter() - started:.1f} s"
    )
    return {"contacts": sized["contacts"], "accounts": sized["accounts"], "activities": activities}


def _rules() -> None:
    from interlock.leads.models import FitRule, ScoringSettings
    from interlock.leads.scoring import validate_rule

    for position, (field, operator, value, points) in enumerate(FIT_RULES, start=1):
        FitRule.objects.create(
            field=field,
            operator=operator,
            value=validate_rule(field, operator, value),
            points=points,
            position=position,
        )
    # The promotion query runs; nobody meets the bar, so no per-contact promotion is timed.
    ScoringSettings.objects.filter(pk=1).update(mql_min_engagement=1_000_000)


def _baseline() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT contact_id, COUNT(*) FROM customers_activity "
            "WHERE contact_id IS NOT NULL GROUP BY contact_id"
        )
        return len(cursor.fetchall())


def _project() -> dict[str, Any]:
    from interlock.leads.models import RescoreJob
    from interlock.leads.scoring_bulk import rescore_all

    job = RescoreJob.objects.create(version=1)
    done = rescore_all(job_id=job.pk)
    return {
        "status": done.status,
        "done": done.done,
        "total": done.total,
        "promoted": done.promoted,
    }


def _show_phases() -> None:
    """Print the job's own phase timings (fit lookups, engagement, profiles, promotion)."""
    import logging

    class Forward(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            log(record.getMessage())

    logger = logging.getLogger("interlock.leads.scoring_bulk")
    logger.setLevel(logging.INFO)
    logger.addHandler(Forward())
    logger.propagate = False


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    _show_phases()
    data = _seed(quick)
    _rules()
    timings: dict[str, list[float]] = {"project": [], "baseline": []}
    report: dict[str, Any] = {}
    for kind in (["project", "baseline", "baseline", "project"] * runs)[: 2 * runs]:
        started = time.perf_counter()
        if kind == "project":
            report = _project()
            assert report["status"] == "done" and report["done"] == data["contacts"], report
        else:
            _baseline()
        elapsed = time.perf_counter() - started
        timings[kind].append(round(elapsed, 3))
        log(f"{kind}: {elapsed:.2f} s")
    from django.db.models import Count

    from interlock.leads.models import LeadProfile

    grades = dict(
        LeadProfile.objects.values_list("fit_grade")
        .annotate(n=Count("pk"))
        .values_list("fit_grade", "n")
    )
    project, baseline = median(timings["project"]), median(timings["baseline"])
    return [
        {
            "benchmark": "lead_scoring",
            "description": (
                f"re-score {data['contacts']:,} contacts (10 fit rules, "
                f"{data['activities']:,} activities) vs one GROUP BY over the activities"
            ),
            "metric": f"{data['contacts']:,} contacts",
            "unit": "s (median)",
            "project": project,
            "baseline": baseline,
            "ratio": ratio(project, baseline),
            "runs": timings,
            "rows": data["contacts"],
            "counts": report | {"grades": grades},
            "database": connection.vendor,
        }
    ]
