"""Reused page SQL (core.pagination.paginate with ``shape``): kept only when provably safe."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from interlock.core import pagination
from interlock.core.pagination import Keyset, encode_cursor, page_response, paginate
from interlock.org.models import User
from tests.conftest import make_user

pytestmark = pytest.mark.django_db
BY_ID = Keyset(("id",))


@pytest.fixture
def users(db: Any) -> list[int]:
    pagination._compiled.clear()
    for n in range(12):
        make_user(f"p{n:02d}", is_active=n % 3 != 0)
    return list(User.objects.order_by("id").values_list("id", flat=True))


def _page(min_id: int, after: int, shape: Any) -> list[int]:
    page = paginate(
        User.objects.filter(id__gte=min_id),
        BY_ID,
        cursor=encode_cursor([after]),
        limit=3,
        fields=("id", "username"),
        shape=shape,
    )
    return [row["id"] for row in page["items"]]


def test_the_sql_is_kept_and_rebound(users: list[int]) -> None:
    assert _page(users[0], users[1], ("ge", [users[0]])) == users[2:5]
    assert len(pagination._compiled) == 1
    with CaptureQueriesContext(connection) as queries:
        assert _page(users[3], users[4], ("ge", [users[3]])) == users[5:8]
    assert len(queries) == 1


def test_a_wrong_parameter_list_is_never_kept(users: list[int]) -> None:
    assert _page(users[0], users[1], ("ge", [users[5]])) == users[2:5]
    assert pagination._compiled == {}


def test_equal_parameters_are_never_kept(users: list[int]) -> None:
    # min_id == the cursor's id: Django's order of the two could not be told apart
    assert _page(users[2], users[2], ("ge", [users[2]])) == users[3:6]
    assert pagination._compiled == {}
    assert _page(users[0], users[6], ("ge", [users[0]])) == users[7:10]


def test_page_response_encodes_like_ninja(users: list[int]) -> None:
    from ninja.renderers import JSONRenderer

    page = paginate(
        User.objects.all(), BY_ID, cursor=None, limit=2, fields=("id", "date_joined", "username")
    )
    body = page_response(page).content.decode()
    assert body == JSONRenderer().render(None, page, response_status=200)  # type: ignore[arg-type]
