"""Re-score every contact set-based: a few SQL statements, not a million ORM saves.

1. Fit rules are evaluated in Python over the *distinct* values of each
   attribute only (the same :func:`scoring.rule_matches` the per-contact path
   uses, regular expressions included), giving small temporary lookup
   tables: points per account, and points per title, buying role and e-mail
   domain.
2. Engagement: one aggregate over activities and campaign responses joined
   to a points-per-trigger table and a decay-factor-per-day table (ages in
   whole UTC days, as in the per-contact path) into a temporary table.
3. The profiles are written with ``INSERT … SELECT … ON CONFLICT DO UPDATE``
   in contact-id ranges, one transaction each, and ``RescoreJob.done``
   moves after every range (the page polls it).
4. Contacts that now meet the MQL rule and may become MQL are promoted one by
   one through lifecycle management (few: the others are MQL already).
"""

# Table and column names in the SQL below come from the models' _meta or from
# constants here, never from input; every value is a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from interlock.customers.models import Contact
from interlock.leads import scoring
from interlock.leads.models import FitRule, LeadProfile, RescoreJob, ScoringSettings, Stage

log = logging.getLogger(__name__)

BATCH = 100_000
SQLITE_CACHE_KIB = 256 * 1024  # page cache of the re-scoring connection while it runs
SCORE_COLUMNS = (
    "fit_points",
    "fit_grade",
    "engagement_points",
    "engagement_at",
    "scored_at",
    "scoring_version",
)
TEMP_TABLES = (
    "scoring_w",
    "scoring_d",
    "scoring_e",
    "scoring_fa",
    *(f"scoring_f_{k}" for k in ("title", "buying_role", "email")),
)


def _pg() -> bool:
    return connection.vendor == "postgresql"


def _id_type() -> str:
    """SQLite: INTEGER PRIMARY KEY is the rowid itself (no second index)."""
    return "BIGINT" if _pg() else "INTEGER"


def _domain_sql() -> str:
    if _pg():
        return "split_part(c.email, '@', 2)"
    return "CASE WHEN instr(c.email, '@') > 0 THEN substr(c.email, instr(c.email, '@') + 1) ELSE '' END"


def _before_sql(column: str) -> str:
    """``column <= %s``; on SQLite as a filter of the table scan (``+``), since walking the
    occurred_at index would fetch millions of rows in random order."""
    return f"{column} <= %s" if _pg() else f"+{column} <= %s"


def _day_sql(column: str) -> str:
    return f"({column} AT TIME ZONE 'UTC')::date" if _pg() else f"substr({column}, 1, 10)"


def _contact_keys() -> dict[str, tuple[str, Callable[[str], str]]]:
    """Contact columns fit rules read: SQL expression, and how to turn its value into the raw one."""
    return {
        "title": ("c.title", lambda v: v),
        "buying_role": ("c.buying_role", lambda v: v),
        # The SQL yields the domain; "@" + domain derives like the address itself.
        "email": (_domain_sql(), lambda v: "@" + v),
    }


def _drop_temp(cursor: Any) -> None:
    for table in TEMP_TABLES:
        cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _insert(cursor: Any, table: str, columns: int, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        marks = ", ".join(["%s"] * columns)
        cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)


def _rule_points(rules: list[FitRule], raw: dict[str, str]) -> int:
    return sum(
        rule.points
        for rule in rules
        if rule.field in scoring.ATTRIBUTES
        and scoring.rule_matches(rule, scoring.fit_value(raw, scoring.ATTRIBUTES[rule.field]))
    )


def _fit_tables(cursor: Any, rules: list[FitRule]) -> str:
    """Build the lookup tables; returns the SQL expression of a contact's fit points."""
    by_source: dict[str, list[FitRule]] = {"contact": [], "account": []}
    for rule in rules:
        attr = scoring.ATTRIBUTES.get(rule.field)
        if attr is not None:
            by_source[attr.source].append(rule)
    terms = ["0"]
    account_rules = by_source["account"]
    if account_rules:
        names = ("industry", "size", "revenue_band", "country", "state", "region")
        empty = {name: "" for name in names}
        nobody = _rule_points(account_rules, empty)
        memo: dict[tuple[str, ...], int] = {}
        cursor.execute(
            f"CREATE TEMP TABLE scoring_fa (id {_id_type()} PRIMARY KEY, points INTEGER)"
        )
        cursor.execute(f"SELECT id, {', '.join(names)} FROM customers_account")
        rows = []
        for row in cursor.fetchall():
            values = tuple(str(v or "") for v in row[1:])
            points = memo.get(values)
            if points is None:
                points = memo[values] = _rule_points(
                    account_rules, dict(zip(names, values, strict=True))
                )
            if points:
                rows.append((row[0], points))
        _insert(cursor, "scoring_fa", 2, rows)
        terms.append(
            f"(CASE WHEN c.account_id IS NULL THEN {int(nobody)} ELSE COALESCE(fa.points, 0) END)"
        )
    keys = _contact_keys()
    for key, (expr, to_raw) in keys.items():
        key_rules = [r for r in by_source["contact"] if scoring.ATTRIBUTES[r.field].key == key]
        if not key_rules:
            continue
        table = f"scoring_f_{key}"
        cursor.execute(f"CREATE TEMP TABLE {table} (value TEXT PRIMARY KEY, points INTEGER)")
        cursor.execute(
            f"SELECT DISTINCT {expr} FROM customers_contact c WHERE c.deleted_at IS NULL"
        )
        rows = []
        for (value,) in cursor.fetchall():
            points = _rule_points(key_rules, {key: to_raw(value or "")})
            if points:
                rows.append((value or "", points))
        _insert(cursor, table, 2, rows)
        terms.append(f"COALESCE(f_{key}.points, 0)")
    return " + ".join(terms)


def _fit_joins(fit_sql: str) -> str:
    joins = []
    if "fa.points" in fit_sql:
        joins.append("LEFT JOIN scoring_fa fa ON fa.id = c.account_id")
    for key, (expr, _raw) in _contact_keys().items():
        if f"f_{key}.points" in fit_sql:
            joins.append(f"LEFT JOIN scoring_f_{key} f_{key} ON f_{key}.value = {expr}")
    return " ".join(joins)


def _engagement_table(cursor: Any, settings: ScoringSettings, at: datetime) -> None:
    """scoring_e: decayed engagement per contact, from activities and campaign responses."""
    day_type = "DATE" if _pg() else "TEXT"
    cursor.execute(
        "CREATE TEMP TABLE scoring_w (src VARCHAR(20), kind VARCHAR(20), points DOUBLE PRECISION, "
        "PRIMARY KEY (src, kind))"
    )
    cursor.execute(
        f"CREATE TEMP TABLE scoring_d (day {day_type} PRIMARY KEY, factor DOUBLE PRECISION)"
    )
    cursor.execute(
        f"CREATE TEMP TABLE scoring_e (contact_id {_id_type()} PRIMARY KEY, points DOUBLE PRECISION)"
    )
    weights = [
        (*trigger.split(":", 1), float(points))
        for trigger, points in scoring.engagement_weights().items()
        if ":" in trigger and points
    ]
    if not weights:
        return
    _insert(cursor, "scoring_w", 3, weights)
    cursor.execute("SELECT MIN(occurred_at) FROM customers_activity")
    first = cursor.fetchone()[0]
    cursor.execute("SELECT MIN(occurred_at) FROM campaigns_campaignresponse")
    first_response = cursor.fetchone()[0]
    firsts = [_as_datetime(v) for v in (first, first_response) if v is not None]
    if not firsts:
        return
    today = scoring.utc_day(at)
    start = min(scoring.utc_day(v) for v in firsts)
    days = []
    day = start
    while day <= today:
        age = (today - day).days
        days.append(
            (day if _pg() else day.isoformat(), scoring.decay(age, settings.half_life_days))
        )
        day += timedelta(days=1)
    _insert(cursor, "scoring_d", 2, days)
    cutoff = connection.ops.adapt_datetimefield_value(at)
    cursor.execute(
        "INSERT INTO scoring_e (contact_id, points) "
        "SELECT t.contact_id, SUM(t.p) FROM ("
        "SELECT a.contact_id AS contact_id, w.points * d.factor AS p FROM customers_activity a "
        "JOIN scoring_w w ON w.src = 'activity' AND w.kind = a.kind "
        f"JOIN scoring_d d ON d.day = {_day_sql('a.occurred_at')} "
        f"WHERE a.deleted_at IS NULL AND a.contact_id IS NOT NULL AND {_before_sql('a.occurred_at')} "
        "UNION ALL "
        "SELECT r.contact_id, w.points * d.factor FROM campaigns_campaignresponse r "
        "JOIN scoring_w w ON w.src = 'campaign' AND w.kind = r.kind "
        f"JOIN scoring_d d ON d.day = {_day_sql('r.occurred_at')} "
        f"WHERE {_before_sql('r.occurred_at')}"
        ") t GROUP BY t.contact_id",
        [cutoff, cutoff],
    )


def _as_datetime(value: Any) -> datetime:
    """MIN() comes back as text on SQLite."""
    if isinstance(value, datetime):
        return (
            value
            if timezone.is_aware(value)
            else timezone.make_aware(value, timezone.get_fixed_timezone(0))
        )
    parsed = datetime.fromisoformat(str(value))
    return (
        timezone.make_aware(parsed, timezone.get_fixed_timezone(0))
        if timezone.is_naive(parsed)
        else parsed
    )


def _extra_columns() -> list[tuple[str, Any]]:
    """NOT NULL columns of the profile this path does not compute: their defaults on insert."""
    extra = []
    for f in LeadProfile._meta.concrete_fields:
        if f.column == "contact_id" or f.column in SCORE_COLUMNS or f.null:
            continue
        extra.append((str(f.column), f.get_db_prep_save(f.get_default(), connection)))
    return extra


def _write_sql(fit_sql: str) -> tuple[str, list[Any]]:
    extra = _extra_columns()
    columns = ", ".join(("contact_id", *SCORE_COLUMNS, *(name for name, _v in extra)))
    rounded = (
        "ROUND(CAST(COALESCE(e.points, 0) AS NUMERIC), 2)"
        if _pg()
        else "ROUND(COALESCE(e.points, 0), 2)"
    )
    extra_marks = "".join(", %s" for _e in extra)
    updates = ", ".join(f"{name} = excluded.{name}" for name in SCORE_COLUMNS)
    sql = (
        f"INSERT INTO leads_leadprofile ({columns}) "
        "SELECT s.id, s.fit, CASE WHEN s.fit >= %s THEN 'A' WHEN s.fit >= %s THEN 'B' "
        "WHEN s.fit >= %s THEN 'C' ELSE 'D' END, s.eng, %s, %s, %s"
        f"{extra_marks} FROM ("
        f"SELECT c.id AS id, ({fit_sql}) AS fit, {rounded} AS eng FROM customers_contact c "
        f"{_fit_joins(fit_sql)} LEFT JOIN scoring_e e ON e.contact_id = c.id "
        "WHERE c.deleted_at IS NULL AND c.id >= %s AND c.id < %s) s WHERE 1 = 1 "
        f"ON CONFLICT (contact_id) DO UPDATE SET {updates}"
    )
    return sql, [value for _name, value in extra]


def _eligible_stages() -> list[str]:
    return [s for s in ["", *Stage.values] if scoring.may_become_mql(s)]


def _promote(settings: ScoringSettings, at: datetime) -> int:
    if not settings.mql_enabled:
        return 0
    grades = [g for g in scoring.GRADES if scoring.grade_at_least(g, settings.mql_min_grade)]
    candidates = (
        LeadProfile.objects.filter(
            scoring_version=settings.version,
            fit_grade__in=grades,
            engagement_points__gte=settings.mql_min_engagement,
            contact__deleted_at__isnull=True,
            contact__lifecycle_stage__in=_eligible_stages(),
        )
        .order_by("contact_id")
        .values_list("contact_id", flat=True)
    )
    promoted = 0
    for contact_id in list(candidates):
        contact = Contact.objects.filter(pk=contact_id).first()
        profile = LeadProfile.objects.filter(pk=contact_id).first()
        if contact is None or profile is None:
            continue
        if scoring.promote_contact(contact, profile, at=at):
            promoted += 1
    return promoted


@contextmanager
def _roomy(cursor: Any) -> Iterator[None]:
    """SQLite: sort the aggregate in memory with a bigger page cache for this run, then reset."""
    if _pg() or connection.in_atomic_block:  # temp_store cannot change inside a transaction
        yield
        return
    cursor.execute("PRAGMA cache_size")
    cache = int(cursor.fetchone()[0])
    cursor.execute("PRAGMA temp_store")
    temp = int(cursor.fetchone()[0])
    cursor.execute(f"PRAGMA cache_size = {min(cache, -SQLITE_CACHE_KIB)}")
    cursor.execute("PRAGMA temp_store = MEMORY")
    try:
        yield
    finally:
        cursor.execute(f"PRAGMA cache_size = {cache}")
        cursor.execute(f"PRAGMA temp_store = {temp}")


def rescore_all(*, job_id: int, at: datetime | None = None, batch: int = BATCH) -> RescoreJob:
    """Score every live contact for the job; its ``done`` moves as ranges are written."""
    at = at or timezone.now()
    job = RescoreJob.objects.get(pk=job_id)
    settings = scoring.scoring_settings()
    contacts = Contact.objects.all()
    # Claim the job: a second task for it (enqueued again by a later change) finds it taken.
    claimed = RescoreJob.objects.filter(pk=job.pk, status=RescoreJob.Status.QUEUED).update(
        status=RescoreJob.Status.RUNNING,
        started_at=timezone.now(),
        version=settings.version,
        total=contacts.count(),
        done=0,
        error="",
    )
    if not claimed:
        return job
    try:
        with connection.cursor() as cursor, _roomy(cursor):
            _drop_temp(cursor)
            mark = time.perf_counter()
            fit_sql = _fit_tables(cursor, scoring.active_fit_rules())
            log.info("re-scoring %s: fit lookups in %.1f s", job.pk, time.perf_counter() - mark)
            mark = time.perf_counter()
            _engagement_table(cursor, settings, at)
            log.info("re-scoring %s: engagement in %.1f s", job.pk, time.perf_counter() - mark)
            mark = time.perf_counter()
            sql, extra = _write_sql(fit_sql)
            bounds = Contact.objects.order_by("pk").values_list("pk", flat=True)
            low, high = bounds.first(), bounds.last()
            start = low or 0
            while low is not None and high is not None and start <= high:
                with transaction.atomic():
                    cursor.execute(
                        sql,
                        [
                            settings.grade_a_min,
                            settings.grade_b_min,
                            settings.grade_c_min,
                            connection.ops.adapt_datetimefield_value(at),
                            connection.ops.adapt_datetimefield_value(at),
                            settings.version,
                            *extra,
                            start,
                            start + batch,
                        ],
                    )
                    written = max(0, cursor.rowcount)
                    RescoreJob.objects.filter(pk=job.pk).update(done=F("done") + written)
                start += batch
            _drop_temp(cursor)
            log.info("re-scoring %s: profiles in %.1f s", job.pk, time.perf_counter() - mark)
        mark = time.perf_counter()
        promoted = _promote(settings, at)
        log.info("re-scoring %s: promotion in %.1f s", job.pk, time.perf_counter() - mark)
    except Exception as exc:
        log.exception("re-scoring job %s failed", job.pk)
        RescoreJob.objects.filter(pk=job.pk).update(
            status=RescoreJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        raise
    RescoreJob.objects.filter(pk=job.pk).update(
        status=RescoreJob.Status.DONE, promoted=promoted, finished_at=timezone.now()
    )
    job.refresh_from_db()
    return job
