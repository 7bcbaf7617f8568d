"""The bulk path for users: validated rows written with executemany.

:func:`bulk_insert_users` applies the rules of :func:`interlock.org.services.user_create`
to every row first; if any row is invalid it raises one ``ValidationError`` that
names the row numbers (1-based) and reasons, and writes nothing. Otherwise it
writes, in one transaction and without the ORM's per-object path:

- the users (``executemany`` on SQLite, ``COPY`` on PostgreSQL), each with an
  unusable password; their ids are read back by username (unique), scanning
  only the ids above the largest one before the write;
- their memberships of ``team`` when one is given;
- one django-auditlog entry per user (and membership), in the same shape the
  auditlog signal writes for a single create, stamped with the acting user and
  source from :func:`interlock.core.context.current`;
- one ``user.created`` domain event per user (and ``team.member_set`` per
  membership) plus their delivery rows.

Measured figures are in docs/benchmarks.md (``make bench``).
"""

# Table and column names in the SQL below come from the models' _meta, never
# from input; every value is a query parameter.
# ruff: noqa: S608

from __future__ import annotations

import contextlib
import json
import re
import secrets
import unicodedata
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from auditlog.cid import get_cid
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.core import events
from interlock.core.context import current
from interlock.core.models import AuditEntry, Event
from interlock.org.models import Membership, Team, User

FIELDS = ("username", "email", "first_name", "last_name", "role", "language", "title", "is_active")
# Django's UnicodeUsernameValidator, compiled once.
_USERNAME_RE = re.compile(r"^[\w.@+-]+\Z")
_email_ok = EmailValidator()
_EMAIL_USER = re.compile(EmailValidator.user_regex.pattern, EmailValidator.user_regex.flags)
_EMAIL_DOMAIN = re.compile(EmailValidator.domain_regex.pattern, EmailValidator.domain_regex.flags)
_TEXT_FIELDS = ("username", "email", "first_name", "last_name", "role", "language", "title")
_FIELD_SET = frozenset(FIELDS)
_MAX_ERRORS = 50  # rows listed in the error; the count says how many more
_CHUNK = 900  # parameters per IN (...) lookup on SQLite


def _max_length(model: type[Any], name: str) -> int:
    length = model._meta.get_field(name).max_length
    assert length is not None
    return int(length)


def _fast_email(value: str) -> bool:
    """Django's EmailValidator on compiled patterns (its lazy ones cost 10 µs a call)."""
    if len(value) > 320 or "@" not in value:
        return False
    user, domain = value.rsplit("@", 1)
    if _EMAIL_USER.match(user) and _EMAIL_DOMAIN.match(domain):
        return True
    try:  # domain literals, the allow-list, IDNA: the full validator decides
        _email_ok(value)
    except ValidationError:
        return False
    return True


def _problems_in_text(raw: dict[str, Any]) -> list[str]:
    problems = []
    for name in _TEXT_FIELDS:
        value = raw.get(name)
        if value is None:
            continue
        if not isinstance(value, str):
            problems.append(f"{name}: must be text")
            continue
        if "\x00" in value:
            problems.append(f"{name}: contains a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            problems.append(f"{name}: is not valid Unicode text")
    return problems


def _clean_row(
    raw: Any, limits: dict[str, int], roles: frozenset[str]
) -> tuple[dict[str, Any], list[str]]:
    """One row normalised as user_create normalises it, and what is wrong with it."""
    if not isinstance(raw, dict):
        return {}, ["not a mapping of fields"]
    problems: list[str] = []
    if not _FIELD_SET.issuperset(raw):
        unknown = sorted(map(str, set(raw) - _FIELD_SET))
        problems.append("unknown fields: " + ", ".join(unknown))
    get = raw.get
    values = [get(name) or "" for name in _TEXT_FIELDS]
    try:
        joined = "".join(values)
        joined.encode("utf-8")
        bad_text = "\x00" in joined
    except (TypeError, UnicodeEncodeError):
        bad_text = True
    if bad_text:
        problems.extend(_problems_in_text(raw))
        return {}, problems
    username, email, first_name, last_name, role, language, title = values
    # user_create strips; AbstractUser.clean() NFKC-normalises the username.
    username = username.strip()
    if not username.isascii():
        username = unicodedata.normalize("NFKC", username)
    email = email.strip().lower()
    role = role or User.Roles.MEMBER.value
    active = get("is_active", True)
    if not isinstance(active, bool):
        problems.append("is_active: must be true or false")
    if not username:
        problems.append("username: this field cannot be blank")
    else:
        if len(username) > limits["username"]:
            problems.append(f"username: at most {limits['username']} characters")
        if not _USERNAME_RE.match(username):
            problems.append("username: only letters, digits and @/./+/-/_ are allowed")
    if email:
        if len(email) > limits["email"]:
            problems.append(f"email: at most {limits['email']} characters")
        elif not _fast_email(email):
            problems.append("email: not a valid e-mail address")
    if role not in roles:
        problems.append(f"role: {role!r} is not one of {', '.join(sorted(roles))}")
    row = {
        "username": username,
        "email": email,
        "first_name": first_name.strip(),
        "last_name": last_name.strip(),
        "role": role,
        "language": language,
        "title": title,
        "is_active": active,
    }
    for name in ("first_name", "last_name", "language", "title"):
        if len(row[name]) > limits[name]:
            problems.append(f"{name}: at most {limits[name]} characters")
    return row, problems


def _existing(cursor: Any, column: str, values: Sequence[str]) -> set[str]:
    """Which of ``values`` already occur in ``org_user.<column>``.

    The e-mail index is partial (``WHERE NOT (email = '')``); the query repeats
    that condition word for word, or SQLite scans the whole table per chunk.
    """
    table = User._meta.db_table
    found: set[str] = set()
    if not values:
        return found
    partial = f" AND NOT ({column} = '')" if column == "email" else ""
    if connection.vendor == "postgresql":
        cursor.execute(
            f"SELECT {column} FROM {table} WHERE {column} = ANY(%s){partial}", [list(values)]
        )
        return {r[0] for r in cursor.fetchall()}
    for start in range(0, len(values), _CHUNK):
        chunk = values[start : start + _CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"SELECT {column} FROM {table} WHERE {column} IN ({marks}){partial}", chunk)
        found.update(r[0] for r in cursor.fetchall())
    return found


def validate_rows(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Normalise and check every row; raise one ValidationError naming the bad rows."""
    limits = {
        name: _max_length(User, name)
        for name in ("username", "email", "first_name", "last_name", "language", "title")
    }
    roles = frozenset(User.Roles.values)
    cleaned: list[dict[str, Any]] = []
    problems: dict[int, list[str]] = {}
    seen_usernames: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    for number, raw in enumerate(rows, start=1):
        row, wrong = _clean_row(raw, limits, roles)
        username, email = row.get("username"), row.get("email")
        if username:
            first = seen_usernames.setdefault(username, number)
            if first != number:
                wrong.append(f"username: {username!r} is also in row {first}")
        if email:
            first = seen_emails.setdefault(email, number)
            if first != number:
                wrong.append(f"email: {email!r} is also in row {first}")
        if wrong:
            problems[number] = wrong
        cleaned.append(row)
    with connection.cursor() as cursor:
        taken_names = _existing(cursor, "username", list(seen_usernames))
        taken_emails = _existing(cursor, "email", list(seen_emails))
    for name in sorted(taken_names, key=seen_usernames.__getitem__):
        problems.setdefault(seen_usernames[name], []).append(
            f"username: a user named {name!r} already exists"
        )
    for email in sorted(taken_emails, key=seen_emails.__getitem__):
        problems.setdefault(seen_emails[email], []).append(
            f"email: a user with {email!r} already exists"
        )
    if problems:
        numbers = sorted(problems)
        lines = [f"row {n}: " + "; ".join(problems[n]) for n in numbers[:_MAX_ERRORS]]
        if len(numbers) > _MAX_ERRORS:
            lines.append(f"… and {len(numbers) - _MAX_ERRORS} more invalid rows")
        raise ValidationError(lines, code="invalid_rows")
    return cleaned


# --- writing ---------------------------------------------------------------


def _columns(cols: Sequence[str]) -> str:
    return ", ".join(connection.ops.quote_name(c) for c in cols)


def _write(cursor: Any, table: str, cols: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Append ``rows``: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        # The raw psycopg cursor: wrap its errors as Django's (IntegrityError …).
        with (
            connection.wrap_database_errors,
            cursor.cursor.copy(f"COPY {table} ({_columns(cols)}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(cols))
    cursor.executemany(f"INSERT INTO {table} ({_columns(cols)}) VALUES ({marks})", rows)


def _max_id(cursor: Any, table: str) -> int:
    cursor.execute(f"SELECT MAX(id) FROM {table}")
    value = cursor.fetchone()[0]
    return int(value or 0)


def _ids_by_username(cursor: Any, usernames: Sequence[str], after: int) -> dict[str, int]:
    """Read the new ids back by username (unique), starting with the id range we wrote."""
    table = User._meta.db_table
    wanted = set(usernames)
    cursor.execute(f"SELECT id, username FROM {table} WHERE id > %s", [after])
    ids = {name: pk for pk, name in cursor.fetchall() if name in wanted}
    missing = [name for name in usernames if name not in ids]
    for start in range(0, len(missing), _CHUNK):
        chunk = missing[start : start + _CHUNK]
        marks = ", ".join(["%s"] * len(chunk))
        cursor.execute(f"SELECT id, username FROM {table} WHERE username IN ({marks})", chunk)
        ids.update((name, pk) for pk, name in cursor.fetchall())
    return ids


def _new_event_ids(
    cursor: Any,
    rows: Sequence[Sequence[Any]],
    after: int,
    event_type: str,
    subjects: set[int],
    users: set[int] | None = None,
) -> list[int]:
    """Write events and read their ids back by type and subject, above ``after``.

    ``after`` is read inside this transaction before the write, so our rows
    are above it. The subjects are the users this transaction created; for
    membership events (subject: the team) ``users`` tells ours from a
    concurrent writer's by the payload.
    """
    table = Event._meta.db_table
    _write(cursor, table, _EVENT_COLS, rows)
    cursor.execute(
        f"SELECT id, subject_id, payload FROM {table} WHERE id > %s AND type = %s",
        [after, event_type],
    )
    ids = []
    for pk, subject, payload in cursor.fetchall():
        if subject not in subjects:
            continue
        if users is not None:
            data = json.loads(payload) if isinstance(payload, str | bytes) else payload
            if not isinstance(data, dict) or data.get("user") not in users:
                continue
        ids.append(pk)
    if len(ids) != len(rows):
        raise RuntimeError("bulk insert: could not read back the new event ids")
    return ids


_USER_COLS = (
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "role",
    "language",
    "title",
)
_EVENT_COLS = ("type", "subject_type", "subject_id", "actor_id", "source", "occurred_at", "payload")
_AUDIT_COLS = (
    "content_type_id",
    "object_pk",
    "object_id",
    "object_repr",
    "serialized_data",
    "action",
    "changes_text",
    "changes",
    "actor_id",
    "cid",
    "remote_addr",
    "remote_port",
    "timestamp",
    "additional_data",
    "actor_email",
    "source",
)
_MEMBER_COLS = ("user_id", "team_id", "role", "joined_at")


def _json(value: Any) -> str:
    return json.dumps(value, separators=(", ", ": "))


_quote = json.encoder.encode_basestring_ascii  # a str as a JSON string literal (C speed)


def _dt(value: datetime) -> Any:
    """A datetime as the backend stores it (SQLite: text in UTC)."""
    return connection.ops.adapt_datetimefield_value(value)


def _repr(row: dict[str, Any]) -> str:
    full = f"{row['first_name']} {row['last_name']}".strip()
    return full or row["username"]


def bulk_insert_users(
    *, actor: Any, rows: Sequence[dict[str, Any]], team: Team | None
) -> list[int]:
    """Validate ``rows`` and write them as users in one transaction; returns the ids.

    Rows hold ``username`` (required) and optionally ``email``, ``first_name``,
    ``last_name``, ``role``, ``language``, ``title``, ``is_active``. New users
    have an unusable password; they set one by password reset.
    """
    if not rows:
        return []
    # One transaction from the uniqueness checks to the last write (on SQLite
    # it holds the write lock throughout, so the checks stay true).
    try:
        with transaction.atomic():
            return _validate_and_write(actor, rows, team)
    except IntegrityError as exc:  # a concurrent writer took a username or e-mail
        raise ValidationError(
            _(
                "A username or e-mail address was taken while the rows were written; "
                "nothing was written. Try again. (%(error)s)"
            )
            % {"error": exc},
            code="conflict",
        ) from exc


def _validate_and_write(actor: Any, rows: Sequence[dict[str, Any]], team: Team | None) -> list[int]:
    cleaned = validate_rows(rows)
    acting = current()
    audit_actor = acting.actor if getattr(acting.actor, "pk", None) else None
    event_actor = actor if getattr(actor, "pk", None) else audit_actor
    now = timezone.now()
    now_db = _dt(now)
    now_audit = str(timezone.make_naive(now, UTC)) if now.tzinfo else str(now)
    cid = get_cid()
    user_ct = ContentType.objects.get_for_model(User).pk
    member_ct = ContentType.objects.get_for_model(Membership).pk
    actor_id = getattr(audit_actor, "pk", None)
    actor_email = getattr(audit_actor, "email", None) if audit_actor is not None else None
    event_actor_id = getattr(event_actor, "pk", None)
    admin = User.Roles.ADMIN.value
    create = AuditEntry.Action.CREATE
    # An unusable password as Django writes it ("!" + 40 random characters),
    # cut from one random block instead of 40 secrets.choice calls per user.
    noise = secrets.token_hex(20 * len(cleaned))
    prefix = UNUSABLE_PASSWORD_PREFIX

    user_rows = [
        (
            prefix + noise[40 * i : 40 * i + 40],
            None,
            False,
            r["username"],
            r["first_name"],
            r["last_name"],
            r["email"],
            r["role"] == admin,
            r["is_active"],
            now_db,
            r["role"],
            r["language"],
            r["title"],
        )
        for i, r in enumerate(cleaned)
    ]
    usernames = [r["username"] for r in cleaned]
    user_table = User._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        before = _max_id(cursor, user_table)
        _write(cursor, user_table, _USER_COLS, user_rows)
        by_name = _ids_by_username(cursor, usernames, before)
        if len(by_name) != len(usernames):
            raise RuntimeError("bulk insert: could not read back the new user ids")
        ids = [by_name[name] for name in usernames]

        audit_rows: list[tuple[Any, ...]] = []
        q = _quote
        tail = f', "date_joined": ["None", {q(now_audit)}]'
        for pk, r in zip(ids, cleaned, strict=True):
            # The shape auditlog's create signal writes (values as text, old "None"),
            # rendered from a template: json.dumps per row would double the cost.
            changes = (
                '{"is_superuser": ["None", "False"], '
                f'"username": ["None", {q(r["username"])}], '
                f'"first_name": ["None", {q(r["first_name"])}], '
                f'"last_name": ["None", {q(r["last_name"])}], '
                f'"email": ["None", {q(r["email"])}], '
                f'"is_staff": ["None", "{r["role"] == admin}"], '
                f'"is_active": ["None", "{r["is_active"]}"]{tail}, '
                f'"id": ["None", "{pk}"], '
                f'"role": ["None", {q(r["role"])}], '
                f'"language": ["None", {q(r["language"])}], '
                f'"title": ["None", {q(r["title"])}]}}'
            )
            audit_rows.append(
                (
                    user_ct,
                    str(pk),
                    pk,
                    _repr(r),
                    None,
                    create,
                    "",
                    changes,
                    actor_id,
                    cid,
                    acting.remote_addr,
                    None,
                    now_db,
                    None,
                    actor_email,
                    acting.source,
                )
            )
        event_after = _max_id(cursor, Event._meta.db_table)
        payloads = {role: _json({"role": role}) for role in User.Roles.values}
        event_rows = [
            (
                "user.created",
                "org.user",
                pk,
                event_actor_id,
                acting.source,
                now_db,
                payloads[r["role"]],
            )
            for pk, r in zip(ids, cleaned, strict=True)
        ]
        if team is not None:
            _write_memberships(
                cursor,
                ids,
                [_repr(r) for r in cleaned],
                team,
                now_db,
                now_audit,
                member_ct,
                audit_rows,
                actor_id,
                actor_email,
                cid,
                acting.source,
                acting.remote_addr,
            )
        _write(cursor, AuditEntry._meta.db_table, _AUDIT_COLS, audit_rows)
        user_event_ids = _new_event_ids(cursor, event_rows, event_after, "user.created", set(ids))
        events.deliveries_for_bulk(user_event_ids, "user.created")
        if team is not None:
            member_after = _max_id(cursor, Event._meta.db_table)
            member_events = [
                (
                    "team.member_set",
                    "org.team",
                    team.pk,
                    event_actor_id,
                    acting.source,
                    now_db,
                    _json({"user": pk, "role": Membership.Role.MEMBER, "new": True}),
                )
                for pk in ids
            ]
            member_event_ids = _new_event_ids(
                cursor, member_events, member_after, "team.member_set", {team.pk}, set(ids)
            )
            events.deliveries_for_bulk(member_event_ids, "team.member_set")
    return ids


def _write_memberships(
    cursor: Any,
    ids: Sequence[int],
    reprs: Sequence[str],
    team: Team,
    now_db: Any,
    now_audit: str,
    member_ct: int,
    audit_rows: list[tuple[Any, ...]],
    actor_id: int | None,
    actor_email: str | None,
    cid: str | None,
    source: str,
    remote_addr: str | None,
) -> None:
    table = Membership._meta.db_table
    user_ids = list(ids)
    before = _max_id(cursor, table)
    rows = [(pk, team.pk, Membership.Role.MEMBER, now_db) for pk in user_ids]
    _write(cursor, table, _MEMBER_COLS, rows)
    cursor.execute(
        f"SELECT id, user_id FROM {table} WHERE id > %s AND team_id = %s", [before, team.pk]
    )
    ours = set(user_ids)  # new users: their memberships can only be ours
    by_user = {user_id: pk for pk, user_id in cursor.fetchall() if user_id in ours}
    role_label = str(Membership.Role.MEMBER.label)
    for user_id, user_repr in zip(user_ids, reprs, strict=True):
        pk = by_user[user_id]
        changes = {
            "id": ["None", str(pk)],
            "user": ["None", str(user_id)],
            "team": ["None", str(team.pk)],
            "role": ["None", Membership.Role.MEMBER.value],
            "joined_at": ["None", now_audit],
        }
        audit_rows.append(
            (
                member_ct,
                str(pk),
                pk,
                f"{user_repr} @ {team} ({role_label})",
                None,
                AuditEntry.Action.CREATE,
                "",
                _json(changes),
                actor_id,
                cid,
                remote_addr,
                None,
                now_db,
                None,
                actor_email,
                source,
            )
        )


# --- helpers for other apps' bulk paths (customers, imports) ------------------
# They write with explicit ids reserved up front, so nothing has to be read
# back: on SQLite the transaction holds the write lock (taken by a no-op
# write) while the ids are counted; on PostgreSQL they come from the table's
# own sequence, so a concurrent writer can never collide with them.

_DELIVERY_COLS = (
    "event_id",
    "subscriber",
    "status",
    "attempts",
    "next_attempt_at",
    "last_error",
    "delivered_at",
)
EVENT_COLS = _EVENT_COLS
AUDIT_COLS = _AUDIT_COLS
AUDIT_TABLE = AuditEntry._meta.db_table


def write_rows(cursor: Any, table: str, cols: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Append ``rows`` to ``table``: COPY on PostgreSQL, executemany elsewhere."""
    _write(cursor, table, cols, rows)


def reserve_ids(cursor: Any, table: str, count: int) -> list[int]:
    """``count`` fresh primary keys of ``table``, valid until this transaction ends."""
    if count <= 0:
        return []
    if connection.vendor == "postgresql":
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, count])
        return [int(r[0]) for r in cursor.fetchall()]
    # A write that changes nothing takes SQLite's write lock for this transaction.
    cursor.execute(f"DELETE FROM {table} WHERE 0")
    start = _max_id(cursor, table)
    cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
    found = cursor.fetchone()
    if found and found[0] is not None:
        start = max(start, int(found[0]))
    return list(range(start + 1, start + 1 + count))


def write_events(
    cursor: Any, event_type: str, rows: Sequence[Sequence[Any]], *, deliver: bool = True
) -> list[int]:
    """Write events (rows in ``EVENT_COLS`` order) and their delivery rows; returns ids.

    Delivery rows are written for every subscriber that wants ``event_type``;
    after commit the events are queued for delivery (the sweep catches up if
    the queue is down).
    """
    if not rows:
        return []
    table = Event._meta.db_table
    ids = reserve_ids(cursor, table, len(rows))
    _write(
        cursor,
        table,
        ("id", *_EVENT_COLS),
        [(pk, *row) for pk, row in zip(ids, rows, strict=True)],
    )
    wanted = [s for s in events.subscribers().values() if s.wants(event_type)]
    if wanted:
        from interlock.core.models import EventDelivery

        pending = EventDelivery.Status.PENDING.value
        deliveries = [
            (pk, s.name, pending, 0, None, "", None)
            for pk, payload in zip(ids, _payloads(rows, wanted), strict=True)
            for s in wanted
            if s.takes(event_type, payload)
        ]
        _write(cursor, EventDelivery._meta.db_table, _DELIVERY_COLS, deliveries)
        if deliver and deliveries:
            _enqueue_on_commit(ids)
    return ids


def _payloads(rows: Sequence[Sequence[Any]], wanted: list[Any]) -> list[dict[str, Any]]:
    """The rows' payloads (JSON text), read only if a subscriber skips some (``unless``)."""
    if not any(s.unless for s in wanted):
        return [{} for _row in rows]
    at = _EVENT_COLS.index("payload")
    return [json.loads(row[at]) if isinstance(row[at], str) else dict(row[at]) for row in rows]


# While set (``one_delivery``), bulk writes collect their event ids here.
_collected: ContextVar[list[int] | None] = ContextVar("interlock_bulk_events", default=None)


@contextlib.contextmanager
def one_delivery() -> Iterator[None]:
    """Queue the delivery of every event bulk-written inside as one task after commit.

    Each ``write_events`` call would otherwise queue its own task (a write to
    the queue's storage). Use inside the outermost ``transaction.atomic()``.
    """
    ids: list[int] = []
    token = _collected.set(ids)
    try:
        yield
    finally:
        _collected.reset(token)
    if ids:
        _enqueue_on_commit(ids)


def _enqueue_on_commit(event_ids: list[int]) -> None:
    from interlock.core.tasks import deliver_events

    collected = _collected.get()
    if collected is not None:
        collected.extend(event_ids)
        return

    def enqueue() -> None:
        try:  # few, big tasks: one enqueue is one write to the queue's storage
            for start in range(0, len(event_ids), 5000):
                deliver_events(event_ids[start : start + 5000])
        except Exception:  # the queue may be down: the periodic sweep delivers later
            import logging

            logging.getLogger(__name__).exception("could not enqueue %d events", len(event_ids))

    transaction.on_commit(enqueue)


def audit_context() -> dict[str, Any]:
    """Who and where, as the audit columns want them (read once per bulk write)."""
    acting = current()
    actor = acting.actor if getattr(acting.actor, "pk", None) else None
    return {
        "actor_id": getattr(actor, "pk", None),
        "actor_email": getattr(actor, "email", None) if actor is not None else None,
        "cid": get_cid(),
        "remote_addr": acting.remote_addr,
        "source": acting.source,
    }


def audit_row(
    ctx: dict[str, Any],
    content_type_id: int,
    pk: int,
    text: str,
    action: int,
    changes: str,
    when_db: Any,
) -> tuple[Any, ...]:
    """One audit entry in ``AUDIT_COLS`` order; ``changes`` is rendered JSON."""
    return (
        content_type_id,
        str(pk),
        pk,
        text,
        None,
        action,
        "",
        changes,
        ctx["actor_id"],
        ctx["cid"],
        ctx["remote_addr"],
        None,
        when_db,
        None,
        ctx["actor_email"],
        ctx["source"],
    )


def adapt_datetime(value: datetime) -> Any:
    """A datetime as the backend stores it."""
    return _dt(value)


def fast_email(value: str) -> bool:
    """Django's e-mail validation, on compiled patterns."""
    return _fast_email(value)


quote_json = _quote
