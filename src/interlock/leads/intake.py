"""The intake: on SQLite, stored submissions wait in a file of their own.

SQLite lets one connection write to a database file at a time. If a web
request stored its submission in the main database, it would wait whenever
the worker holds that file's write lock to process the submissions before
it — the tail of the answer times under a burst. So with an SQLite
database file, :func:`put` appends the submission to ``<database>-intake.sqlite3``
(one row, the capture's columns as JSON) under that file's own writer lock;
web requests queue only behind each other there, and the worker writes the
main file as fast as it can.

A caller who waits for the result (``lead_capture``) writes its capture to
the main table in its own transaction, under an id it takes from the
intake's sequence (:func:`reserve`).

The worker moves what waits into the main ``Capture`` table (``pending``)
with :func:`absorb` before it processes a batch: the rows are inserted in
one transaction of the main file, then deleted from the intake. A capture's
id comes from the intake (a sequence that never goes back, started above
the main table's highest id). A worker stopped between the insert and the
delete finds the rows in the main table already, at the same moment, and
skips them.

Off (setting ``LEAD_CAPTURE_INTAKE`` false, PostgreSQL, an in-memory
database) a submission goes straight into the main table. The worker still
moves what a file left behind holds.
"""

# Table and column names in SQL come from the model's _meta; values are parameters.
# ruff: noqa: S608

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from interlock.core.sqlite.base import writer_lock
from interlock.leads.models import Capture

log = logging.getLogger(__name__)
# The columns a stored submission fills, in the order the intake keeps them.
COLUMNS = (
    "form_id",
    "campaign_id",
    "channel",
    "created",
    "consent_text",
    "utm",
    "ip_hash",
    "at",
    "status",
    "payload",
    "actor_id",
    "error",
)
TABLE = "submission"
_SCHEMA = (
    f"CREATE TABLE IF NOT EXISTS {TABLE} (id INTEGER PRIMARY KEY AUTOINCREMENT, row TEXT NOT NULL)"
)
_TIMEOUT = 5.0  # seconds a writer waits for the intake's lock, as on the main file
_local = threading.local()


def path() -> str:
    """The intake file: setting ``LEAD_CAPTURE_INTAKE_FILE``, else beside an SQLite file; or ''."""
    configured = getattr(settings, "LEAD_CAPTURE_INTAKE_FILE", "")
    if configured:
        return str(configured)
    return beside(settings.DATABASES["default"])


def beside(db: Mapping[str, Any]) -> str:
    """``<name>-intake.sqlite3`` beside the database file of ``db``; '' if it has none."""
    name = db.get("NAME")
    if db.get("ENGINE") != "interlock.core.sqlite" or not isinstance(name, (str, Path)):
        return ""
    name = str(name)
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return ""
    file = Path(name)
    return str(file.with_name(f"{file.stem}-intake.sqlite3"))


def enabled() -> bool:
    """Whether new submissions go to the intake (on, with an SQLite file, unless turned off)."""
    return (
        bool(getattr(settings, "LEAD_CAPTURE_INTAKE", False))
        and connection.vendor == "sqlite"
        and bool(path())
    )


def _main_highest() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT MAX(id) FROM {Capture._meta.db_table}")
        row = cursor.fetchone()
    return int(row[0] or 0)


def _connect(file: str) -> sqlite3.Connection:
    """This thread's connection to ``file`` (made, with the table, on first use)."""
    cached = getattr(_local, "conns", None)
    if cached is None or cached[0] != os.getpid():
        cached = _local.conns = (os.getpid(), {})
    conns: dict[str, sqlite3.Connection] = cached[1]
    conn = conns.get(file)
    if conn is None:
        conn = sqlite3.connect(file, timeout=_TIMEOUT, isolation_level=None)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        _prepare(conn, file)
        conns[file] = conn
    return conn


def _prepare(conn: sqlite3.Connection, file: str) -> None:
    """The table, and its sequence above every capture id of the main table."""
    highest = _main_highest()
    with _writing(file):
        conn.execute("BEGIN IMMEDIATE")
        try:
            conn.execute(_SCHEMA)
            moved = conn.execute(
                "UPDATE sqlite_sequence SET seq = MAX(seq, ?) WHERE name = ?", [highest, TABLE]
            ).rowcount
            if not moved:
                conn.execute(
                    "INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", [TABLE, highest]
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


class _writing:
    """The intake file's writer lock (threads and processes queue on it, see ``core.sqlite``)."""

    def __init__(self, file: str) -> None:
        self.lock = writer_lock(f"{file}-writer.lock", paced=False)

    def __enter__(self) -> None:
        self.lock.acquire(_TIMEOUT)

    def __exit__(self, *exc: object) -> None:
        self.lock.release()


def put(values: list[Any]) -> int:
    """Append one submission (the capture's columns in ``COLUMNS`` order); returns its id."""
    file = path()
    conn = _connect(file)
    with _writing(file):
        return int(
            conn.execute(f"INSERT INTO {TABLE} (row) VALUES (?)", [json.dumps(values)]).lastrowid
            or 0
        )


def _rows(file: str, *, limit: int) -> list[tuple[int, str]]:
    query = f"SELECT id, row FROM {TABLE} ORDER BY id LIMIT ?"
    return list(_connect(file).execute(query, [limit]))


def absorb(*, limit: int = 500) -> int:
    """Move up to ``limit`` waiting submissions into the main table, in order; how many.

    Nothing to do without an intake file. The worker's drain calls it,
    outside any transaction: the rows leave the intake once the main file
    has them.
    """
    file = path()
    if not file or not os.path.exists(file):
        return 0
    rows = _rows(file, limit=limit)
    if not rows:
        return 0
    with transaction.atomic():
        _insert(rows)
    with _writing(file):
        _connect(file).execute(f"DELETE FROM {TABLE} WHERE id <= ?", [rows[-1][0]])
    return len(rows)


def reserve() -> int:
    """An id from the intake's sequence for a capture stored in the main table directly.

    The caller who waits for the result (``lead_capture``) writes its row in
    its own transaction; the id is the intake's next one, so it never meets
    a submission that waits there.
    """
    file = path()
    conn = _connect(file)
    with _writing(file):
        conn.execute("BEGIN IMMEDIATE")
        try:
            pk = int(conn.execute(f"INSERT INTO {TABLE} (row) VALUES ('')").lastrowid or 0)
            conn.execute(f"DELETE FROM {TABLE} WHERE id = ?", [pk])
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return pk


def _insert(rows: list[tuple[int, str]]) -> None:
    """Insert the submissions as pending captures, each under its intake id if it is free.

    An id already taken by the same submission (same moment) was moved
    before — the worker stopped between the insert and the delete — and is
    skipped. One taken by another capture (the intake was turned off while
    this one waited, and the main table counted on) gets a new id: nothing
    is lost either way.
    """
    table = Capture._meta.db_table
    taken = dict(Capture.objects.filter(pk__in=[pk for pk, _row in rows]).values_list("pk", "at"))
    at = COLUMNS.index("at")
    keep, renumber = [], []
    for pk, row in rows:
        values = json.loads(row)  # status among them: pending
        if pk not in taken:
            keep.append((pk, *values))
        elif taken[pk] != _moment(values[at]):
            log.warning("capture id %s was taken meanwhile: the submission gets a new one", pk)
            renumber.append(tuple(values))
    with connection.cursor() as cursor:
        for columns, params in ((("id", *COLUMNS), keep), (COLUMNS, renumber)):
            if params:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(
                    f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", params
                )


def _moment(value: Any) -> datetime | None:
    """A stored ``at`` (SQLite's text, UTC without offset) as an aware datetime."""
    at = parse_datetime(str(value))
    if at is not None and settings.USE_TZ and timezone.is_naive(at):
        at = timezone.make_aware(at, UTC)
    return at


def waiting() -> int:
    """How many submissions wait in the intake."""
    file = path()
    if not file or not os.path.exists(file):
        return 0
    return int(_connect(file).execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0])


def find(pk: int) -> Capture | None:
    """A submission still waiting in the intake, as an unsaved pending ``Capture``; or None."""
    file = path()
    if not file or not os.path.exists(file):
        return None
    row = _connect(file).execute(f"SELECT row FROM {TABLE} WHERE id = ?", [pk]).fetchone()
    if row is None:
        return None
    values = dict(zip(COLUMNS, json.loads(row[0]), strict=True))
    values["utm"] = json.loads(values["utm"] or "{}")
    values["payload"] = json.loads(values["payload"] or "{}")
    values["at"] = _moment(values["at"])
    capture = Capture(pk=pk, **{**values, "status": Capture.Status.PENDING})
    capture._state.adding = False
    return capture
