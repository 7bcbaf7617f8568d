"""GET /api/v1/search: ranked, paginated, limited by the caller's permissions; bad input is 422."""

from __future__ import annotations

from typing import Any

import pytest

from interlock.core import events
from tests.search.helpers import account, contact

pytestmark = pytest.mark.django_db
URL = "/api/v1/search"


def test_search_answers_ranked_page(people: Any, api_as: Any) -> None:
    acme = account(people, "Kessler Maschinenbau GmbH", domain="kessler.de")
    jana = contact(people, "Kessler", first_name="Jana", account=acme)
    for n in range(3):
        contact(people, f"Weber{n}", title="Einkauf", account=acme)
    events.deliver()
    client = api_as("readonly")
    body = client.get(URL, {"q": "kessler"}).json()
    # Name matches (title) first, then contacts that only work there (body).
    top = {(i["kind"], i["id"]) for i in body["items"][:2]}
    assert top == {("account", acme.pk), ("contact", jana.pk)}
    assert len(body["items"]) == 5
    urls = {i["url"] for i in body["items"]}
    assert f"/customers/accounts/{acme.pk}/" in urls
    assert body["next_cursor"] is None

    first = client.get(URL, {"q": "kessler", "limit": 2}).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    rest = client.get(URL, {"q": "kessler", "limit": 2, "cursor": first["next_cursor"]}).json()
    seen = [(i["kind"], i["id"]) for i in first["items"] + rest["items"]]
    assert len(seen) == len(set(seen))

    only = client.get(URL, {"q": "kessler", "kind": "account"}).json()
    assert [i["kind"] for i in only["items"]] == ["account"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "x" * 201},
        {"q": "a\x00b"},
        {"q": "kessler", "kind": "planet"},
        {"q": "kessler", "limit": 0},
        {"q": "kessler", "limit": 101},
    ],
)
def test_bad_input_is_422(people: Any, api_as: Any, params: dict[str, Any]) -> None:
    response = api_as("member").get(URL, params)
    assert response.status_code == 422, response.content
    assert response["Content-Type"].startswith("application/problem+json")


def test_bad_cursor_is_400(people: Any, api_as: Any) -> None:
    response = api_as("member").get(URL, {"q": "kessler", "cursor": "nonsense"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/problem+json")


def test_anonymous_is_401(people: Any, api_as: Any) -> None:
    assert api_as("anon").get(URL, {"q": "kessler"}).status_code == 401


def test_naughty_queries_never_fail(people: Any, api_as: Any, client_as: Any) -> None:
    from django.urls import reverse

    from tests.conftest import naughty_strings

    api, web = api_as("member"), client_as("member")
    # A sample through the HTTP layers; the selector test runs every naughty string.
    for text in [*naughty_strings()[::15], '"', "*", "NEAR(", "-(", "a:*", "x" * 201]:
        status = api.get(URL, {"q": text}).status_code
        assert status in (200, 422), (text, status)
        assert web.get(reverse("search:results"), {"q": text}).status_code == 200, text
        assert web.get(reverse("search:suggest"), {"q": text}).status_code == 200, text
