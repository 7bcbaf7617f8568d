"""Cursor pagination: every row once, in order; bad cursors are a 400, never a 500."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlock.core import events
from interlock.core.pagination import Keyset, decode_cursor, encode_cursor
from interlock.core.trash import trash_move
from interlock.org.models import Absence, Team, User
from tests.conftest import make_team, make_user

API = "/api/v1"
FUZZ = settings(
    max_examples=12,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def walk(client: Any, path: str, limit: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    cursor = None
    sep = "&" if "?" in path else "?"
    for _ in range(1000):
        url = f"{API}{path}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url)
        assert response.status_code == 200, response.content
        page = response.json()
        assert len(page["items"]) <= limit
        items.extend(page["items"])
        cursor = page["next_cursor"]
        if cursor is None:
            return items
        assert page["items"], "a page with a next cursor must not be empty"
    raise AssertionError("pagination did not end")


@pytest.fixture
def many_users(people: Any) -> list[int]:
    User.objects.bulk_create(
        User(username=f"u{i:03}", first_name=f"Person {i % 7}", is_active=i % 5 != 0)
        for i in range(57)
    )
    return list(User.objects.order_by("id").values_list("id", flat=True))


@FUZZ
@given(limit=st.integers(min_value=1, max_value=70))
def test_users_every_row_once_in_order(many_users: list[int], api_as: Any, limit: int) -> None:
    items = walk(api_as("member", "read"), "/users", limit)
    assert [u["id"] for u in items] == many_users


@FUZZ
@given(limit=st.integers(min_value=1, max_value=30), active=st.sampled_from(["true", "false"]))
def test_users_filtered_pages(many_users: list[int], api_as: Any, limit: int, active: str) -> None:
    items = walk(api_as("member", "read"), f"/users?active={active}&q=person", limit)
    expected = list(
        User.objects.filter(is_active=active == "true", first_name__icontains="person")
        .order_by("id")
        .values_list("id", flat=True)
    )
    assert [u["id"] for u in items] == expected


@pytest.fixture
def many_teams(people: Any) -> list[int]:
    # Repeated names: the id breaks ties in the (name, id) key.
    for i in range(23):
        make_team(f"Team {i % 4}", f"team-{i}")
    return list(Team.objects.order_by("name", "id").values_list("id", flat=True))


@FUZZ
@given(limit=st.integers(min_value=1, max_value=30))
def test_teams_ordered_by_name_then_id(many_teams: list[int], api_as: Any, limit: int) -> None:
    assert [t["id"] for t in walk(api_as("member", "read"), "/teams", limit)] == many_teams


@pytest.fixture
def many_events(people: Any) -> list[int]:
    for _ in range(31):
        events.record("test.happened", subject=people.sales, actor=people.admin)
    return list(
        __import__("interlock.core.models", fromlist=["Event"])
        .Event.objects.order_by("-id")
        .values_list("id", flat=True)
    )


@FUZZ
@given(limit=st.integers(min_value=1, max_value=40), order=st.sampled_from(["asc", "desc"]))
def test_events_both_directions(
    many_events: list[int], api_as: Any, limit: int, order: str
) -> None:
    ids = [
        e["id"]
        for e in walk(api_as("manager", "read"), f"/events?type=test.happened&order={order}", limit)
    ]
    assert ids == (many_events if order == "desc" else many_events[::-1])


@pytest.fixture
def many_absences(people: Any) -> list[int]:
    start = timezone.now().replace(microsecond=0)
    for i in range(17):  # same start for pairs: ties broken by id
        Absence.objects.create(
            user=people.member,
            deputy=people.lead,
            starts_at=start + timedelta(days=i // 2),
            ends_at=start + timedelta(days=i // 2 + 1),
        )
    return list(Absence.objects.order_by("starts_at", "id").values_list("id", flat=True))


@FUZZ
@given(limit=st.integers(min_value=1, max_value=20))
def test_absences_by_start(many_absences: list[int], api_as: Any, limit: int) -> None:
    assert [a["id"] for a in walk(api_as("member", "read"), "/absences", limit)] == many_absences


@pytest.fixture
def trashed(people: Any) -> list[tuple[str, int]]:
    for i in range(9):
        trash_move(obj=make_team(f"Gone {i}", f"gone-{i}"), actor=people.admin)
    now = timezone.now()
    for _ in range(6):
        absence = Absence.objects.create(
            user=people.member, deputy=people.lead, starts_at=now, ends_at=now + timedelta(days=1)
        )
        trash_move(obj=absence, actor=people.member)
    # Same instant for several rows of both models: the label and id break ties.
    Team.all_objects.filter(deleted_at__isnull=False, pk__lte=people.sales.pk + 5).update(
        deleted_at=now
    )
    Absence.all_objects.filter(deleted_at__isnull=False).update(deleted_at=now)
    rows = [
        ("org.team", t.pk, t.deleted_at) for t in Team.all_objects.filter(deleted_at__isnull=False)
    ]
    rows += [
        ("org.absence", a.pk, a.deleted_at)
        for a in Absence.all_objects.filter(deleted_at__isnull=False)
    ]
    rows.sort(key=lambda r: (r[2], r[0], r[1]), reverse=True)
    return [(label, pk) for label, pk, _at in rows]


@FUZZ
@given(limit=st.integers(min_value=1, max_value=20))
def test_trash_merges_models(trashed: list[tuple[str, int]], api_as: Any, limit: int) -> None:
    items = walk(api_as("admin", "read"), "/trash", limit)
    assert [(i["model"], i["id"]) for i in items] == trashed


def test_users_page_is_one_keyset_query_and_one_prefetch(
    many_users: list[int], api_as: Any
) -> None:
    client = api_as("member", "read")
    cursor = client.get(f"{API}/users?limit=5").json()["next_cursor"]
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"{API}/users?limit=5&cursor={cursor}")
    assert response.status_code == 200
    sql = [
        q["sql"]
        for q in queries.captured_queries
        if "org_user" in q["sql"] or "org_membership" in q["sql"]
    ]
    # The token lookup joins the user too; the page itself is the keyset query + prefetch.
    page_sql = [
        s
        for s in sql
        if "core_apitoken" not in s and ("LIMIT" in s.upper() or "org_membership" in s)
    ]
    assert not any("COUNT(" in s.upper() for s in sql)
    assert len(page_sql) == 2, page_sql
    assert '"org_user"."id" >' in page_sql[0] and "ORDER BY" in page_sql[0]
    assert "OFFSET" not in page_sql[0].upper()


BAD_CURSORS = [
    "!!!",
    "not-base64-at-all",
    base64.urlsafe_b64encode(b"not json").decode(),
    base64.urlsafe_b64encode(b'{"id": 1}').decode(),
    base64.urlsafe_b64encode(b"[1, 2, 3]").decode(),
    base64.urlsafe_b64encode(b'["abc"]').decode(),
    base64.urlsafe_b64encode(b"[null]").decode(),
    base64.urlsafe_b64encode(b"[99999999999999999999999999]").decode(),
    base64.urlsafe_b64encode(b"\xff\xfe").decode(),
    "A" * 999,
]


@pytest.mark.parametrize("cursor", BAD_CURSORS)
@pytest.mark.parametrize(
    "path", ["/users", "/teams", "/absences", "/events", "/audit", "/trash", "/tokens"]
)
def test_malformed_cursor_is_a_400_problem(
    people: Any, api_as: Any, path: str, cursor: str
) -> None:
    response = api_as("admin", "read").get(f"{API}{path}", {"cursor": cursor})
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert "cursor" in body["detail"]
    assert body["errors"][0]["field"] == "cursor"


def test_bad_datetime_in_a_cursor(people: Any, api_as: Any) -> None:
    for raw in ('["yesterday", 1]', '["2026-01-01T00:00:00", 1]'):
        cursor = base64.urlsafe_b64encode(raw.encode()).decode()
        assert api_as("admin", "read").get(f"{API}/absences", {"cursor": cursor}).status_code == 400


@given(
    st.lists(
        st.one_of(st.integers(-(2**63), 2**63 - 1), st.text(max_size=20)), min_size=1, max_size=4
    )
)
def test_cursor_round_trip(values: list[Any]) -> None:
    assert decode_cursor(encode_cursor(values), len(values)) == values


def test_keyset_order() -> None:
    assert Keyset(("name", "id")).order_by() == ["name", "id"]
    assert Keyset(("id",), descending=True).order_by() == ["-id"]


def test_page_json_shape(people: Any, api_as: Any) -> None:
    make_user("zed")
    body = api_as("member", "read").get(f"{API}/users?limit=2").json()
    assert set(body) == {"items", "next_cursor"}
    assert isinstance(body["next_cursor"], str)
    assert json.loads(base64.urlsafe_b64decode(body["next_cursor"] + "==")) == [
        body["items"][-1]["id"]
    ]
