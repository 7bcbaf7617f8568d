"""Seeding for ``record_http``: a million contacts and five million timeline entries, raw.

20 owners, accounts, contacts (``executemany``/``COPY`` from Python tuples),
and ``activity.logged`` events plus the ``customers_timelineentry`` rows the
timeline subscriber would write for them (``INSERT … SELECT`` over a number
series: ``generate_series`` on PostgreSQL, a recursive CTE on SQLite). The
secondary indexes of the big tables are dropped for the load and rebuilt
afterwards (one sort each instead of millions of random inserts).
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from bench.child import log
from bench.common import raw_insert_users, user_tuples

OWNERS = 20
BUSY_ACCOUNTS = 100
LIFECYCLES = ("", "lead", "marketing_qualified", "sales_qualified", "customer")
BUYING_ROLES = ("", "decision_maker", "user", "influencer", "champion")


def sizes(quick: bool) -> dict[str, int]:
    if quick:
        return {"contacts": 20_000, "accounts": 1_000, "entries": 100_000, "busy": 20_000}
    return {"contacts": 1_000_000, "accounts": 50_000, "entries": 5_000_000, "busy": 1_000_000}


def _copy_or_executemany(
    cursor: Any, table: str, columns: tuple[str, ...], rows: list[Any]
) -> None:
    cols = ", ".join(columns)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(columns))
    cursor.executemany(f"INSERT INTO {table} ({cols}) VALUES ({marks})", rows)


def _seed_owners() -> list[int]:
    from interlock.org.models import User

    rows = [
        {
            "username": f"owner{n:02d}",
            "first_name": f"Owner{n:02d}",
            "last_name": "Bench",
            "email": f"owner{n:02d}@example.com",
            "role": "member",
            "language": "en",
            "title": "",
        }
        for n in range(OWNERS)
    ]
    now_db = connection.ops.adapt_datetimefield_value(timezone.now())
    with transaction.atomic(), connection.cursor() as cursor:
        raw_insert_users(cursor, user_tuples(rows, now_db))
    return list(
        User.objects.filter(username__startswith="owner")
        .order_by("id")
        .values_list("id", flat=True)
    )


def _seed_accounts(count: int, owners: list[int], now_db: Any) -> None:
    from interlock.org.demo import LAST_NAMES

    columns = (
        "id",
        "name",
        "domain",
        "industry",
        "size",
        "revenue_band",
        "country",
        "state",
        "region",
        "owner_id",
        "lifecycle",
        "external_id",
        "created_at",
        "updated_at",
    )
    rows = [
        (
            n,
            f"{LAST_NAMES[n % len(LAST_NAMES)]} Maschinenbau {n}",
            f"account{n}.example.com",
            "Machinery",
            "50-249",
            "10-50m",
            ("DE", "AT", "CH", "FR")[n % 4],
            "",
            "",
            owners[n % len(owners)],
            ("prospect", "customer")[n % 2],
            "",
            now_db,
            now_db,
        )
        for n in range(1, count + 1)
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        _copy_or_executemany(cursor, "customers_account", columns, rows)


def _seed_contacts(count: int, accounts: int, owners: list[int], now_db: Any) -> None:
    from interlock.org.demo import FIRST_NAMES, LAST_NAMES

    columns = (
        "id",
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
    chunk = 100_000
    for offset in range(1, count + 1, chunk):
        rows = [
            (
                n,
                FIRST_NAMES[(n * 7) % len(FIRST_NAMES)],
                LAST_NAMES[(n * 13) % len(LAST_NAMES)],
                f"contact{n:07d}@account{(n - 1) % accounts + 1}.example.com",
                "+49 711 123456",
                "Head of Purchasing",
                BUYING_ROLES[n % len(BUYING_ROLES)],
                (n - 1) % accounts + 1,
                owners[(n * 3) % len(owners)],
                LIFECYCLES[n % len(LIFECYCLES)],
                "",
                now_db,
                now_db,
            )
            for n in range(offset, min(count + 1, offset + chunk))
        ]
        with transaction.atomic(), connection.cursor() as cursor:
            _copy_or_executemany(cursor, "customers_contact", columns, rows)


def _seed_timeline(entries: int, busy: int, accounts: int, contacts: int) -> int:
    """Events and their timeline rows, set-based; returns the first event id used.

    Entry ``n`` (1…entries): the first ``busy`` go to the ``BUSY_ACCOUNTS``
    accounts 1…100 (round robin), the rest round robin over all accounts;
    the contact is one of the account's (contact ids ≡ account id mod
    accounts). One entry every 10 seconds, backwards from now.
    """
    per_account = max(1, contacts // accounts)
    with connection.cursor() as cursor:
        cursor.execute("SELECT COALESCE(MAX(id), 0) FROM core_event")
        base = int(cursor.fetchone()[0]) + 1000
        epoch = int(timezone.now().timestamp())
        account_expr = (
            f"(CASE WHEN n <= {busy} THEN (n - 1) % {BUSY_ACCOUNTS} + 1 "
            f"ELSE (n - 1) % {accounts} + 1 END)"
        )
        contact_expr = f"({account_expr} + {accounts} * ((n / {BUSY_ACCOUNTS}) % {per_account}))"
        if connection.vendor == "postgresql":
            series = f"generate_series(1, {entries}) AS s(n)"
            when = f"to_timestamp({epoch} - n * 10)"
            payload = (
                f"json_build_object('account_id', {account_expr}, 'contact_id', "
                f"{contact_expr}, 'kind', 'call', 'subject', 'Call ' || n)::jsonb"
            )
            source = f"FROM {series}"
            prefix = ""
        else:
            prefix = (
                "WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
                f"WHERE n < {entries}) "
            )
            when = f"datetime({epoch} - n * 10, 'unixepoch')"
            payload = (
                f"json_object('account_id', {account_expr}, 'contact_id', "
                f"{contact_expr}, 'kind', 'call', 'subject', 'Call ' || n)"
            )
            source = "FROM seq"
        with transaction.atomic():
            cursor.execute(
                f"{prefix}INSERT INTO core_event "
                "(id, type, subject_type, subject_id, actor_id, source, occurred_at, payload) "
                f"SELECT {base} + n, 'activity.logged', 'customers.activity', n, NULL, "
                f"'import', {when}, {payload} {source}"
            )
            cursor.execute(
                f"{prefix}INSERT INTO customers_timelineentry "
                "(id, event_id, account_id, contact_id, kind, occurred_at, title, summary) "
                f"SELECT n, {base} + n, {account_expr}, {contact_expr}, 'activity', {when}, "
                f"'Call: Call ' || n, 'Talked about the next order.' {source}"
            )
        if connection.vendor == "postgresql":
            for table in ("core_event", "customers_timelineentry"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
    return base


BULK_TABLES = ("customers_contact", "core_event", "customers_timelineentry")


def _drop_indexes(tables: tuple[str, ...]) -> list[str]:
    """Drop the secondary indexes of ``tables``; returns the statements that rebuild them.

    Loading millions of rows into a table with many indexes costs far more
    than building the indexes once afterwards (a sort each). Indexes behind
    constraints (primary keys, UNIQUE constraints) stay.
    """
    rebuild: list[str] = []
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s "
                    "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                    [table],
                )
            else:
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                    "AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
            for name, ddl in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
                rebuild.append(ddl)
    return rebuild


def seed(quick: bool) -> dict[str, Any]:
    sized = sizes(quick)
    now_db = connection.ops.adapt_datetimefield_value(timezone.now() - timedelta(days=1))
    started = time.perf_counter()
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size = -400000")  # 400 MB for this connection
            cursor.execute("PRAGMA synchronous = OFF")  # seeding only; a crash loses the run
    else:
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '512MB'")
    rebuild = _drop_indexes(BULK_TABLES)
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
    log(f"seeded {sized['contacts']:,} contacts in {time.perf_counter() - started:.1f} s")
    mark = time.perf_counter()
    _seed_timeline(sized["entries"], sized["busy"], sized["accounts"], sized["contacts"])
    log(f"seeded {sized['entries']:,} timeline entries in {time.perf_counter() - mark:.1f} s")
    mark = time.perf_counter()
    with connection.cursor() as cursor:
        for ddl in rebuild:
            cursor.execute(ddl)
    log(f"rebuilt {len(rebuild)} indexes in {time.perf_counter() - mark:.1f} s")
    mark = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # also sets the visibility map, so autovacuum does not start mid-measurement
            for table in ("customers_account", "customers_contact", *BULK_TABLES[1:]):
                cursor.execute(f"VACUUM ANALYZE {table}")
        else:
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log(f"analysed in {time.perf_counter() - mark:.1f} s")
    return {"owners": owners, **sized, "seed_seconds": round(time.perf_counter() - started, 1)}
