"""Benchmark: import 1,000,000 contacts from CSV vs a plain write of the same rows.

Project: the whole import path as ``interlock import contacts`` runs it —
parse the CSV (delimiter and encoding detection), map the columns (HubSpot
preset), resolve the account of each row by its external id, validate every
row with the services' rules, de-duplicate on e-mail (1 % of the rows repeat
an earlier address), write the contacts with one audit entry and one
``contact.created`` event (plus delivery rows) each, in one transaction.

Baseline, same connection, same run: the same contact rows written raw into
``customers_contact`` (``executemany`` on SQLite, ``COPY`` on PostgreSQL), no
parsing, validation, audit or events. Runs alternate (P B B P …) so that the
table's growth falls on both alike. ``--quick``: 20,000 rows.
"""

from __future__ import annotations

import random
import time
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.child import log
from bench.common import admin, median, ratio

ACCOUNTS = 10_000
_COLS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "buying_role",
    "account_id",
    "owner_id",
    "lifecycle_stage",
    "external_id",
    "created_at",
    "updated_at",
)
FIRST = ["Jana", "Tom", "Eva", "Max", "Lena", "Paul", "Mia", "Jonas", "Lea", "Felix"]
LAST = ["Kessler", "Brandt", "Weber", "Schmidt", "Müller", "Fischer", "Wagner", "Becker"]
TITLES = ["CEO", "Head of Purchasing", "Plant Manager", "Buyer", ""]


def _accounts() -> dict[str, int]:
    from interlock.customers import bulk

    rows = [
        {"name": f"Account {i}", "domain": f"account{i}.example.com", "external_id": f"C{i}"}
        for i in range(ACCOUNTS)
    ]
    ids = bulk.bulk_create_accounts(rows)
    return {row["external_id"]: pk for row, pk in zip(rows, ids, strict=True)}


def _rows(rng: random.Random, size: int, run: int) -> list[tuple[str, str, str, str, str]]:
    """(first, last, email, title, account external id); 1 % repeat an earlier e-mail."""
    rows = []
    for i in range(size):
        if i and rng.random() < 0.01:
            email = rows[rng.randrange(len(rows))][2].upper()
        else:
            email = f"p{i}.r{run}@firm{i % 5000}.example.com"
        rows.append(
            (
                rng.choice(FIRST),
                rng.choice(LAST),
                email,
                rng.choice(TITLES),
                f"C{rng.randrange(ACCOUNTS)}",
            )
        )
    return rows


def _csv(rows: list[tuple[str, str, str, str, str]]) -> bytes:
    lines = ["First Name,Last Name,Email,Job Title,Associated Company ID"]
    lines.extend(",".join(row) for row in rows)
    return ("\n".join(lines) + "\n").encode("utf-8")


def _project(actor: Any, data: bytes) -> dict[str, Any]:
    from interlock.core.context import Source, acting
    from interlock.imports import fields
    from interlock.imports.engine import Options, run_import
    from interlock.imports.parsing import read_table

    table = read_table("contacts.csv", data)
    mapping = fields.suggest("contacts", table.headers, preset="hubspot")
    with acting(actor, Source.IMPORT):
        return run_import(
            actor=actor, kind="contacts", table=table, mapping=mapping, options=Options()
        )


def _baseline(rows: list[tuple[str, str, str, str, str]], accounts: dict[str, int]) -> None:
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    values = [
        (f, last, "raw-" + e.lower(), "", t, "", accounts[a], None, "", "", now, now)
        for f, last, e, t, a in rows
    ]
    cols = ", ".join(_COLS)
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY customers_contact ({cols}) FROM STDIN") as copy:
                for row in values:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(_COLS))
            cursor.executemany(
                f"INSERT INTO customers_contact ({cols}) VALUES ({marks})",
                values,
            )


def run(*, quick: bool, runs: int) -> list[dict[str, Any]]:
    size = 20_000 if quick else 1_000_000
    actor = admin()
    accounts = _accounts()
    order = (["project", "baseline", "baseline", "project"] * runs)[: 2 * runs]
    timings: dict[str, list[float]] = {"project": [], "baseline": []}
    counts: dict[str, int] = {}
    for number, kind in enumerate(order):
        rows = _rows(random.Random(number), size, number)
        if kind == "project":
            data = _csv(rows)
            started = time.perf_counter()
            report = _project(actor, data)
            elapsed = time.perf_counter() - started
            counts = report["counts"]
            assert counts["created"] + counts["duplicates"] == size, counts
        else:
            started = time.perf_counter()
            _baseline(rows, accounts)
            elapsed = time.perf_counter() - started
        timings[kind].append(elapsed)
        log(f"{kind}: {size:,} contacts in {elapsed:.2f} s")
    project, baseline = median(timings["project"]), median(timings["baseline"])
    return [
        {
            "benchmark": "import_contacts",
            "description": (
                f"import {size:,} contacts from CSV (account links, e-mail de-duplication, "
                "audit, events)"
            ),
            "metric": f"{size:,} contacts",
            "unit": "s (median)",
            "project": project,
            "baseline": baseline,
            "ratio": ratio(project, baseline),
            "runs": timings,
            "rows": size,
            "counts": counts,
            "database": connection.vendor,
        }
    ]
