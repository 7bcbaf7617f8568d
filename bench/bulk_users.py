"""Benchmark: 100,000 users through the service bulk path vs a plain write.

Project: ``org.services.users_bulk_create`` — policy check, validation of every
row (incl. uniqueness against the table), users, one audit entry and one
``user.created`` event per user, in one transaction.

Baseline, same connection, same run: the same kind of 100,000 user rows
written raw into the same table (``executemany``; ``COPY`` on PostgreSQL),
without validation, audit or events. Runs alternate (P B B P P B …) so that
the table's growth and the machine's noise fall on both alike.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.child import log
from bench.common import admin, median, ratio, raw_insert_users, user_tuples


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    from interlock.core.context import Source, acting
    from interlock.org import services
    from interlock.org.demo import synthetic_rows

    size = 10_000 if quick else 100_000
    actor = admin()
    order = (["project", "baseline", "baseline", "project"] * runs)[: 2 * runs]
    timings: dict[str, list[float]] = {"project": [], "baseline": []}
    for number, kind in enumerate(order):
        rows = synthetic_rows(random.Random(number), size, start=number * size + 1)
        if kind == "project":
            started = time.perf_counter()
            with acting(actor, Source.IMPORT):
                ids = services.users_bulk_create(actor=actor, rows=rows)
            elapsed = time.perf_counter() - started
            assert len(ids) == size
        else:
            for row in rows:
                row["username"] = "raw-" + row["username"]
                row["email"] = "raw-" + row["email"]
            started = time.perf_counter()
            now_db = connection.ops.adapt_datetimefield_value(timezone.now())
            with transaction.atomic(), connection.cursor() as cursor:
                raw_insert_users(cursor, user_tuples(rows, now_db))
            elapsed = time.perf_counter() - started
        timings[kind].append(elapsed)
        log(f"{kind}: {size:,} users in {elapsed:.2f} s")
    project, baseline = median(timings["project"]), median(timings["baseline"])
    return [
        {
            "benchmark": "bulk_users",
            "description": f"write {size:,} audited, event-recording users (service bulk path)",
            "metric": f"{size:,} users",
            "unit": "s (median)",
            "project": project,
            "baseline": baseline,
            "ratio": ratio(project, baseline),
            "runs": timings,
            "rows": size,
            "database": connection.vendor,
        }
    ]
