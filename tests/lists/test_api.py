"""API of the lists app: saved views, tags, bulk actions, export."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from interlock.customers.models import Account
from interlock.lists.models import SavedView, TaggedItem

P = "/api/v1"


def _send(client: Any, method: str, path: str, body: Any) -> Any:
    return client.generic(method, path, json.dumps(body), content_type="application/json")


def test_saved_views_crud_and_visibility(people: Any, api_as: Any) -> None:
    member, lead, marketer = api_as("member"), api_as("lead"), api_as("marketer")
    created = _send(
        member,
        "POST",
        f"{P}/saved-views",
        {
            "list_key": "deals",
            "name": "Big ones",
            "query": "sort=-amount&page=2",
            "columns": ["title", "amount"],
            "team_id": people.sales.pk,
        },
    )
    assert created.status_code == 201, created.content
    view = created.json()
    assert view["query"] == "sort=-amount" and view["team"]["id"] == people.sales.pk
    path = f"{P}/saved-views/{view['id']}"
    assert lead.get(path).status_code == 200
    assert [
        v["id"] for v in lead.get(f"{P}/saved-views", {"list_key": "deals"}).json()["items"]
    ] == [view["id"]]
    assert marketer.get(path).status_code == 404
    assert _send(lead, "PATCH", path, {"name": "Mine now"}).status_code == 403
    assert lead.delete(path).status_code == 403
    changed = _send(member, "PATCH", path, {"team_id": None, "columns": ["id"]})
    assert changed.status_code == 200 and changed.json()["team"] is None
    assert lead.get(path).status_code == 404
    assert member.delete(path).status_code == 204
    assert not SavedView.objects.exists()


def test_saved_view_bad_input(people: Any, api_as: Any) -> None:
    member = api_as("member")
    for body, status in (
        ({"list_key": "secrets", "name": "x"}, 422),
        ({"list_key": "accounts", "name": ""}, 422),
        ({"list_key": "accounts", "name": "x\x00"}, 422),
        ({"list_key": "accounts", "name": "x", "columns": ["password"]}, 422),
        ({"list_key": "accounts", "name": "x", "team_id": people.marketing.pk}, 422),
        ({"list_key": "accounts", "name": "x", "team_id": 2**62}, 422),
        ({"list_key": "accounts", "name": "x", "query": "q=" + "a" * 3000}, 422),
        ({"list_key": "accounts", "name": "x", "query": "q=" + "ä" * 1500}, 422),
    ):
        response = _send(member, "POST", f"{P}/saved-views", body)
        assert response.status_code == status, (body, response.content)
        assert response["Content-Type"] == "application/problem+json"
    _send(member, "POST", f"{P}/saved-views", {"list_key": "accounts", "name": "Same"})
    again = _send(member, "POST", f"{P}/saved-views", {"list_key": "accounts", "name": "same"})
    assert again.status_code == 422 and "already have" in again.json()["detail"]
    assert SavedView.objects.count() == 1
    view = SavedView.objects.get()
    assert _send(member, "PATCH", f"{P}/saved-views/{view.pk}", {"name": None}).status_code == 422


def test_tags_and_bulk(people: Any, api_as: Any, accounts: list[Account]) -> None:
    member = api_as("member")
    assert _send(member, "POST", f"{P}/tags", {"name": "VIP"}).status_code == 201
    dup = _send(member, "POST", f"{P}/tags", {"name": "vip"})
    assert dup.status_code == 409 and dup["Content-Type"] == "application/problem+json"
    assert [t["name"] for t in member.get(f"{P}/tags", {"q": "v"}).json()["items"]] == ["VIP"]
    ids = [a.pk for a in accounts]
    tagged = _send(
        member, "POST", f"{P}/lists/accounts/bulk", {"action": "add_tag", "ids": ids, "tag": "vip"}
    )
    assert tagged.json() == {"action": "add_tag", "count": 3}
    assign = {"action": "assign_owner", "ids": ids, "owner_id": people.lead.pk}
    assert _send(member, "POST", f"{P}/lists/accounts/bulk", assign).json()["count"] == 3
    assert Account.objects.filter(owner=people.lead).count() == 3
    for body, status in (
        ({"action": "trash", "ids": [*ids, 2**62]}, 422),  # one missing: nothing happens
        ({"action": "trash", "ids": []}, 422),
        ({"action": "explode", "ids": ids}, 422),
        ({"action": "assign_owner", "ids": ids}, 422),
        ({"action": "assign_owner", "ids": ids, "owner_id": people.inactive.pk}, 422),
        ({"action": "add_tag", "ids": ids}, 422),
        ({"action": "trash", "ids": list(range(1, 502))}, 422),
    ):
        response = _send(member, "POST", f"{P}/lists/accounts/bulk", body)
        assert response.status_code == status, (body, response.content)
    assert Account.objects.count() == 3 and TaggedItem.objects.count() == 3
    assert (
        _send(member, "POST", f"{P}/lists/nope/bulk", {"action": "trash", "ids": ids}).status_code
        == 404
    )
    trash = _send(member, "POST", f"{P}/lists/accounts/bulk", {"action": "trash", "ids": ids[:1]})
    assert trash.json()["count"] == 1 and Account.objects.count() == 2


def test_export(people: Any, api_as: Any, accounts: list[Account]) -> None:
    client = api_as("readonly", "read")
    response = client.get(f"{P}/lists/accounts/export", {"country": "AT", "cols": "name"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert list(csv.reader(io.StringIO(body[1:], newline=""))) == [["Name"], ['\'=HYPERLINK("x")']]
    xlsx = client.get(f"{P}/lists/deals/export", {"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert client.get(f"{P}/lists/accounts/export", {"format": "pdf"}).status_code == 422
    bad = client.get(f"{P}/lists/complaints/export", {"severity": "huge"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "severity"
    assert client.get(f"{P}/lists/nope/export").status_code == 404
