"""The users bulk path: same rules as user_create, one transaction, full trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError

from interlock.core import events
from interlock.core.context import Source, acting
from interlock.core.models import AuditEntry, Event, EventDelivery
from interlock.org import services
from interlock.org.models import Membership, User
from tests.conftest import People, naughty_strings

# Strings naughty for the database itself rather than for parsers.
NUL = "\x00"


def _counts() -> tuple[int, int, int, int]:
    return (
        User.objects.count(),
        AuditEntry.objects.count(),
        Event.objects.count(),
        Membership.objects.count(),
    )


def _create(people: People, rows: list[dict[str, Any]], **kwargs: Any) -> list[int]:
    with acting(people.admin, Source.IMPORT):
        return services.users_bulk_create(actor=people.admin, rows=rows, **kwargs)


def test_rows_are_written_with_audit_entry_and_event_each(people: People) -> None:
    rows: list[dict[str, Any]] = [
        {
            "username": "anna.schulz",
            "email": " Anna.Schulz@Example.COM ",
            "first_name": " Anna ",
            "last_name": "Schulz",
            "title": "Content",
        },
        {"username": "boss", "role": "admin"},
        {"username": "reader", "role": "readonly", "is_active": False, "language": "de"},
    ]
    ids = _create(people, rows, team=people.sales)

    assert len(ids) == 3 and len(set(ids)) == 3
    users = {u.username: u for u in User.objects.filter(pk__in=ids)}
    assert [users[r["username"]].pk for r in rows] == ids
    anna = users["anna.schulz"]
    assert anna.email == "anna.schulz@example.com"
    assert (anna.first_name, anna.last_name, anna.title) == ("Anna", "Schulz", "Content")
    assert anna.role == "member" and anna.is_active and not anna.is_staff
    assert not anna.has_usable_password()
    assert users["boss"].is_staff and not users["boss"].is_superuser
    assert not users["reader"].is_active and users["reader"].language == "de"
    assert anna.date_joined is not None
    assert set(
        Membership.objects.filter(team=people.sales, user_id__in=ids).values_list(
            "user_id", flat=True
        )
    ) == set(ids)

    user_type = ContentType.objects.get_for_model(User)
    for pk in ids:
        entries = AuditEntry.objects.filter(content_type=user_type, object_id=pk)
        assert entries.count() == 1
        entry = entries.get()
        assert entry.action == AuditEntry.Action.CREATE
        assert entry.source == Source.IMPORT
        assert entry.actor_id == people.admin.pk
        assert entry.actor_email == people.admin.email
        assert entry.object_pk == str(pk)
        assert entry.changes["username"] == ["None", users_by_pk(users)[pk].username]
        assert entry.changes["id"] == ["None", str(pk)]
        assert entry.timestamp is not None

        event = Event.objects.get(type="user.created", subject_id=pk)
        assert event.subject_type == "org.user"
        assert event.source == Source.IMPORT
        assert event.actor_id == people.admin.pk
        assert event.payload == {"role": users_by_pk(users)[pk].role}
    assert anna_entry_text(anna)
    membership_type = ContentType.objects.get_for_model(Membership)
    assert AuditEntry.objects.filter(content_type=membership_type).count() >= 3
    assert Event.objects.filter(type="team.member_set", subject_id=people.sales.pk).count() == 3


def users_by_pk(users: dict[str, User]) -> dict[int, User]:
    return {u.pk: u for u in users.values()}


def anna_entry_text(anna: User) -> bool:
    """The entry reads like one the auditlog signal wrote (changes_str works)."""
    entry = AuditEntry.objects.get(object_id=anna.pk, content_type__model="user")
    return "anna.schulz" in entry.changes_str and str(entry) == "Created Anna Schulz"


def test_same_shape_as_the_single_create(people: People) -> None:
    with acting(people.admin, Source.WEB):
        single = services.user_create(actor=people.admin, username="single", email="s@x.de")
    [bulk_id] = _create(people, [{"username": "bulk", "email": "b@x.de"}])
    one = AuditEntry.objects.get(content_type__model="user", object_id=single.pk)
    other = AuditEntry.objects.get(content_type__model="user", object_id=bulk_id)
    shared = {k for k in one.changes if "." not in one.changes[k][1]}  # skip reverse relations
    assert shared <= set(other.changes)
    for key in shared - {"id", "username", "email", "date_joined"}:
        assert other.changes[key] == one.changes[key], key


def test_system_source_and_no_actor(people: People) -> None:
    with acting(None, Source.SYSTEM):
        [pk] = services.users_bulk_create(actor=people.admin, rows=[{"username": "sys"}])
    entry = AuditEntry.objects.get(content_type__model="user", object_id=pk)
    assert entry.source == Source.SYSTEM and entry.actor_id is None
    assert Event.objects.get(type="user.created", subject_id=pk).source == Source.SYSTEM


def test_only_admins_may_bulk_create(people: People) -> None:
    before = _counts()
    for name in ("manager", "lead", "member", "readonly"):
        with pytest.raises(PermissionDenied):
            services.users_bulk_create(actor=people.get(name), rows=[{"username": "x"}])
    assert _counts() == before


def test_invalid_rows_name_their_numbers_and_nothing_is_written(people: People) -> None:
    before = _counts()
    rows: list[Any] = [
        {"username": "fine1"},
        {"username": ""},
        {"username": "has space", "email": "not-an-address"},
        {"username": "fine2", "role": "emperor"},
        {"username": "x" * 151},
        {"username": "fine3", "first_name": "y" * 151},
        {"username": "fine4", "colour": "blue"},
        {"username": "fine5", "is_active": "yes"},
        {"username": "fine6", "last_name": 42},
        "not a row",
    ]
    with pytest.raises(ValidationError) as info:
        _create(people, rows, team=people.sales)
    text = " | ".join(info.value.messages)
    assert "row 1:" not in text
    for number, word in [
        (2, "blank"),
        (3, "username"),
        (3, "e-mail"),
        (4, "role"),
        (5, "150"),
        (6, "first_name"),
        (7, "colour"),
        (8, "is_active"),
        (9, "last_name"),
        (10, "mapping"),
    ]:
        assert f"row {number}:" in text and word in text, (number, word)
    assert _counts() == before


def test_duplicates_in_the_batch_and_against_existing_users(people: People) -> None:
    before = _counts()
    rows = [
        {"username": "new1", "email": "new@example.com"},
        {"username": "new1"},
        {"username": "new2", "email": "NEW@example.com"},
        {"username": "admin"},  # exists (conftest)
        {"username": "new3", "email": "Member@Example.com"},  # member@example.com exists
    ]
    with pytest.raises(ValidationError) as info:
        _create(people, rows)
    text = " | ".join(info.value.messages)
    assert "row 2: username: 'new1' is also in row 1" in text
    assert "row 3: email: 'new@example.com' is also in row 1" in text
    assert "row 4: username: a user named 'admin' already exists" in text
    assert "row 5: email: a user with 'member@example.com' already exists" in text
    assert "row 1:" not in text
    assert _counts() == before


def test_many_errors_are_summarised(people: People) -> None:
    with pytest.raises(ValidationError) as info:
        _create(people, [{"username": f"bad name {n}"} for n in range(120)])
    messages = info.value.messages
    assert messages[0].startswith("row 1:")
    assert messages[-1] == "… and 70 more invalid rows"


def test_empty_batch(people: People) -> None:
    assert _create(people, []) == []


def test_a_large_batch_keeps_ids_in_row_order(people: People) -> None:
    rows = [{"username": f"u{n:05d}", "email": f"u{n}@example.org"} for n in range(2500)]
    ids = _create(people, rows)
    assert len(ids) == 2500
    got = dict(User.objects.filter(pk__in=ids).values_list("pk", "username"))
    assert [got[pk] for pk in ids] == [r["username"] for r in rows]
    assert Event.objects.filter(type="user.created", subject_id__in=ids).count() == 2500
    assert AuditEntry.objects.filter(content_type__model="user", object_id__in=ids).count() == 2500


def test_deliveries_for_subscribers(people: People) -> None:
    seen: list[int] = []
    events.subscribe("user.created", name="test.bulk")(lambda event: seen.append(event.pk))
    try:
        ids = _create(people, [{"username": "d1"}, {"username": "d2"}])
    finally:
        events.unsubscribe("test.bulk")
    event_ids = list(
        Event.objects.filter(subject_id__in=ids, type="user.created").values_list("pk", flat=True)
    )
    assert EventDelivery.objects.filter(subscriber="test.bulk", event_id__in=event_ids).count() == 2


def test_naughty_strings_as_names_are_stored_unchanged(people: People) -> None:
    strings = [*naughty_strings(), NUL, "a\x00b", "\ud800"]
    rows = [
        {
            "username": f"naughty{n}",
            "first_name": s[:150],
            "last_name": s[::-1][:150],
            "title": s[:120],
        }
        for n, s in enumerate(strings)
    ]
    with pytest.raises(ValidationError) as info:
        _create(people, rows)
    bad = {n + 1 for n, s in enumerate(strings) if NUL in s or "\ud800" in s}
    flagged = {int(m.split(":")[0].removeprefix("row ")) for m in info.value.messages}
    assert flagged == bad

    good = [row for n, row in enumerate(rows) if n + 1 not in bad]
    ids = _create(people, good)
    stored = {u.username: u for u in User.objects.filter(pk__in=ids)}
    for row in good:
        user = stored[row["username"]]
        assert user.first_name == row["first_name"].strip()
        assert user.last_name == row["last_name"].strip()
        assert user.title == row["title"]


def test_naughty_strings_as_usernames_and_emails_never_crash(people: People) -> None:
    for n, s in enumerate(naughty_strings()):
        if not s.strip():
            continue
        try:
            _create(people, [{"username": s[:150], "email": f"{s[:40]}@example.com"}])
        except ValidationError as exc:
            assert all(m.startswith("row 1:") for m in exc.messages), (n, s)


def test_a_conflict_at_write_time_is_a_validation_error(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A username taken between the checks and the write (a concurrent writer)."""
    from interlock.org import bulk

    monkeypatch.setattr(bulk, "_existing", lambda cursor, column, values: set())
    before = _counts()
    with pytest.raises(ValidationError) as info:
        _create(people, [{"username": "fresh"}, {"username": "admin"}])
    assert info.value.code == "conflict"
    assert _counts() == before


def test_the_email_check_uses_the_partial_index(people: People) -> None:
    """Without the index's own condition SQLite scans the table once per 900 rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from interlock.org import bulk

    if connection.vendor != "sqlite":
        pytest.skip("SQLite's partial-index rule")
    with CaptureQueriesContext(connection) as queries:
        bulk.validate_rows([{"username": "x", "email": "a@example.com"}])
    [sql] = [q["sql"] for q in queries.captured_queries if "WHERE email IN" in q["sql"]]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "user_email_unique" in plan, plan
