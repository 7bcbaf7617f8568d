"""SQL of the customers bulk path: read what exists, insert and update many rows.

Used by :mod:`interlock.customers.bulk`. Inserts go through ``executemany`` on
SQLite and ``COPY`` on PostgreSQL (the helpers of :mod:`interlock.org.bulk`),
with one audit entry per row.
"""

# Table and column names in SQL come from the models' _meta; values are parameters.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connection
from django.utils.translation import gettext as _

from interlock.customers.bulk_rules import ACCOUNTS, CONTACTS, FK_FIELDS, Problems, Spec
from interlock.customers.models import Account
from interlock.org import bulk as ob


def select_in(cursor: Any, sql: str, column: str, values: Sequence[Any]) -> list[tuple[Any, ...]]:
    """``sql`` (with a WHERE clause) plus ``AND column IN (values)``, in chunks."""
    found: list[tuple[Any, ...]] = []
    if not values:
        return found
    if connection.vendor == "postgresql":
        cursor.execute(f"{sql} AND {column} = ANY(%s)", [list(values)])
        return list(cursor.fetchall())
    for start in range(0, len(values), 900):
        chunk = list(values[start : start + 900])
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"{sql} AND {column} IN ({marks})", chunk)
        found.extend(cursor.fetchall())
    return found


def existing(
    cursor: Any, spec: Spec, keys: tuple[dict[str, int], dict[str, int]]
) -> tuple[dict[str, int], dict[str, int]]:
    """Live records by external id and by key (the oldest record for a key)."""
    table = spec.model._meta.db_table
    first_ext, first_key = keys
    live = f"SELECT {{col}}, id FROM {table} WHERE deleted_at IS NULL"
    ext_found = dict(
        select_in(
            cursor,
            live.format(col="external_id") + " AND NOT (external_id = '')",
            "external_id",
            list(first_ext),
        )
    )
    key_found: dict[str, int] = {}
    for key, pk in sorted(
        select_in(cursor, live.format(col=spec.key), spec.key, list(first_key)), key=lambda r: r[1]
    ):
        key_found.setdefault(key, pk)
    return ext_found, key_found


def check_references(
    cursor: Any, spec: Spec, cleaned: list[dict[str, Any] | None], problems: dict[int, Problems]
) -> None:
    """Owners must be users; accounts must exist and not be in the trash."""
    targets = [("owner_id", "org_user", "SELECT id FROM org_user WHERE 1 = 1")] + (
        [
            (
                "account_id",
                "account",
                f"SELECT id FROM {Account._meta.db_table} WHERE deleted_at IS NULL",
            )
        ]
        if spec is CONTACTS
        else []
    )
    for name, _table, sql in targets:
        wanted = sorted({r[name] for r in cleaned if r is not None and r.get(name)})
        if not wanted:
            continue
        found = {r[0] for r in select_in(cursor, sql, "id", wanted)}
        for index, row in enumerate(cleaned):
            if row is not None and row.get(name) and row[name] not in found:
                message = (
                    _("no user with id %(id)s")
                    if name == "owner_id"
                    else _("no account with id %(id)s (or it is in the trash)")
                )
                problems.setdefault(index, []).append((name, message % {"id": row[name]}))


def check_matches(
    cursor: Any,
    spec: Spec,
    cleaned: list[dict[str, Any] | None],
    matches: dict[int, int],
    key_found: dict[str, int],
    problems: dict[int, Problems],
    duplicates: dict[int, int],
) -> dict[int, dict[str, Any]]:
    """Load the matched records; flag conflicts; returns their current values by id."""
    table = spec.model._meta.db_table
    cols = ("id", *spec.fields)
    current = {
        r[0]: dict(zip(cols, r, strict=True))
        for r in select_in(
            cursor,
            f"SELECT {', '.join(cols)} FROM {table} WHERE 1 = 1",
            "id",
            sorted(set(matches.values())),
        )
    }
    first_of: dict[int, int] = {}
    for index in sorted(matches):
        pk = matches[index]
        row = cleaned[index]
        assert row is not None
        if pk in first_of:
            duplicates[index] = first_of[pk]
            del matches[index]
            continue
        first_of[pk] = index
        ext, key = row.get("external_id"), row.get(spec.key)
        old_ext = current[pk]["external_id"]
        if ext and old_ext and ext != old_ext:
            problems.setdefault(index, []).append(
                (
                    "external_id",
                    _("%(what)s id %(id)s with this %(field)s has the external id “%(other)s”")
                    % {"what": spec.label, "id": pk, "field": spec.key, "other": old_ext},
                )
            )
        other = key_found.get(key) if key else None
        if other is not None and other != pk:
            problems.setdefault(index, []).append(
                (
                    spec.key,
                    _("already used by %(what)s id %(id)s") % {"what": spec.label, "id": other},
                )
            )
    return current


# --- writing ------------------------------------------------------------------------------

_AUDIT_NAME = {"parent_id": "parent", "owner_id": "owner", "account_id": "account"}


def _text_value(value: Any) -> str:
    return "None" if value is None else str(value)


def _actor_id(actor: Any) -> int | None:
    from interlock.core.context import current

    who = actor if getattr(actor, "pk", None) else current().actor
    return getattr(who, "pk", None) if who is not None else None


def _name(spec: Spec, row: Mapping[str, Any]) -> str:
    if spec is ACCOUNTS:
        return str(row.get("name", ""))
    return " ".join(p for p in (row.get("first_name", ""), row.get("last_name", "")) if p)


def insert(
    cursor: Any,
    spec: Spec,
    rows: Sequence[dict[str, Any]],
    actor: Any,
    *,
    event_extra: dict[str, Any] | None = None,
) -> list[int]:
    """Insert new rows with their audit entries and ``<record>.created`` events; returns ids.

    ``event_extra``: more keys for every event's payload (e.g. ``scored``).
    """
    import json
    from datetime import UTC

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    if not rows:
        return []
    table = spec.model._meta.db_table
    ids = ob.reserve_ids(cursor, table, len(rows))
    now = timezone.now()
    adapt = ob.adapt_datetime
    now_db = adapt(now)
    now_text = str(timezone.make_naive(now, UTC))
    defaults = dict(spec.defaults)
    fk = FK_FIELDS
    q = ob.quote_json
    ctx = ob.audit_context()
    actor_id = _actor_id(actor)
    content_type = ContentType.objects.get_for_model(spec.model).pk
    create = 0  # auditlog's LogEntry.Action.CREATE
    subject = spec.model._meta.label_lower
    event_type = f"{spec.event}.created"
    records: list[tuple[Any, ...]] = []
    audits: list[tuple[Any, ...]] = []
    happened: list[tuple[Any, ...]] = []
    names = [_AUDIT_NAME.get(f, f) for f in spec.fields]
    quoted = [q(n) for n in names]
    tail = "".join(f", {json.dumps(k)}: {json.dumps(v)}" for k, v in (event_extra or {}).items())
    for pk, row in zip(ids, rows, strict=True):
        values = [row.get(f, None if f in fk else defaults.get(f, "")) for f in spec.fields]
        when = row.get("created_at")
        when_db = now_db if when is None else adapt(when)
        when_text = now_text if when is None else str(timezone.make_naive(when, UTC))
        records.append((pk, None, None, *values, when_db, when_db))
        body = ", ".join(
            f'{n}: ["None", {q(_text_value(v))}]' for n, v in zip(quoted, values, strict=True)
        )
        changes = (
            f'{{{body}, "id": ["None", "{pk}"], "created_at": ["None", {q(when_text)}], '
            f'"updated_at": ["None", {q(when_text)}], "deleted_at": ["None", "None"], '
            f'"deleted_by": ["None", "None"]}}'
        )
        name = _name(spec, row)
        audits.append(ob.audit_row(ctx, content_type, pk, name, create, changes, when_db))
        if spec is ACCOUNTS:
            payload = f'{{"account_id": {pk}, "name": {q(name)}{tail}}}'
        else:
            account = row.get("account_id")
            payload = (
                f'{{"account_id": {"null" if account is None else int(account)}, '
                f'"contact_id": {pk}, "name": {q(name)}{tail}}}'
            )
        happened.append((event_type, subject, pk, actor_id, ctx["source"], when_db, payload))
    cols = ("id", "deleted_at", "deleted_by_id", *spec.fields, "created_at", "updated_at")
    ob.write_rows(cursor, table, cols, records)
    ob.write_rows(cursor, ob.AUDIT_TABLE, ob.AUDIT_COLS, audits)
    ob.write_events(cursor, event_type, happened)
    return ids


def update_rows(
    cursor: Any,
    spec: Spec,
    cleaned: list[dict[str, Any] | None],
    matches: dict[int, int],
    current: dict[int, dict[str, Any]],
    actor: Any,
) -> set[int]:
    """Write the changed fields of matched rows (empty values never overwrite)."""
    import json

    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    changed_rows: set[int] = set()
    if not matches:
        return changed_rows
    table = spec.model._meta.db_table
    now_db = ob.adapt_datetime(timezone.now())
    ctx = ob.audit_context()
    actor_id = _actor_id(actor)
    content_type = ContentType.objects.get_for_model(spec.model).pk
    subject = spec.model._meta.label_lower
    groups: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    audits: list[tuple[Any, ...]] = []
    happened: list[tuple[Any, ...]] = []
    for index, pk in sorted(matches.items()):
        row = cleaned[index]
        assert row is not None
        old = current[pk]
        diff = {
            f: (old[f], row[f])
            for f in spec.fields
            if f in row and row[f] not in ("", None) and row[f] != old[f]
        }
        if not diff:
            continue
        changed_rows.add(index)
        names = tuple(sorted(diff))
        groups.setdefault(names, []).append((*(diff[n][1] for n in names), now_db, pk))
        changes = {
            _AUDIT_NAME.get(n, n): [_text_value(a), _text_value(b)] for n, (a, b) in diff.items()
        }
        merged = {**old, **{n: b for n, (_a, b) in diff.items()}}
        audits.append(
            ob.audit_row(ctx, content_type, pk, _name(spec, merged), 1, json.dumps(changes), now_db)
        )
        fields = sorted(_AUDIT_NAME.get(n, n) for n in names)
        payload: dict[str, Any] = {f"{spec.event}_id": pk, "fields": fields}
        if spec is CONTACTS:
            payload = {"account_id": merged["account_id"], "contact_id": pk, "fields": fields}
        happened.append(
            (
                f"{spec.event}.updated",
                subject,
                pk,
                actor_id,
                ctx["source"],
                now_db,
                json.dumps(payload),
            )
        )
    for names, values in groups.items():
        sets = ", ".join(f"{n} = %s" for n in (*names, "updated_at"))
        cursor.executemany(f"UPDATE {table} SET {sets} WHERE id = %s", values)
    ob.write_rows(cursor, ob.AUDIT_TABLE, ob.AUDIT_COLS, audits)
    ob.write_events(cursor, f"{spec.event}.updated", happened)
    return changed_rows
