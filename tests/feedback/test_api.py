from __future__ import annotations

import json
from typing import Any

import pytest

from interlock.feedback import services
from interlock.feedback.models import Complaint, Idea, IdeaVote
from tests.conftest import make_user, naughty_strings
from tests.feedback import factories as f

P = "/api/v1"


def _post(client: Any, path: str, body: Any, method: str = "post") -> Any:
    return getattr(client, method)(path, data=json.dumps(body), content_type="application/json")


def test_complaint_crud_and_lifecycle(people: Any, api_as: Any) -> None:
    api = api_as("member")
    acc = f.account()
    con = f.contact(acc)
    cat = f.category()
    r = _post(
        api,
        f"{P}/complaints",
        {
            "account_id": acc.pk,
            "contact_id": con.pk,
            "category_id": cat.pk,
            "channel": "email",
            "severity": "high",
            "title": "Lieferverzug",
        },
    )
    assert r.status_code == 201, r.content
    body = r.json()
    pk = body["id"]
    assert body["account"] == {"id": acc.pk, "name": acc.name}
    assert body["status"] == "new" and body["response_seconds"] is None

    r = _post(api, f"{P}/complaints/{pk}", {"title": "Neu", "owner_id": None}, "patch")
    assert r.status_code == 200 and r.json()["title"] == "Neu"
    r = _post(api, f"{P}/complaints/{pk}/respond", {})
    assert r.status_code == 200 and r.json()["status"] == "in_progress"
    assert r.json()["response_seconds"] is not None
    r = _post(api, f"{P}/complaints/{pk}/status", {"status": "resolved"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "resolution"
    r = _post(api, f"{P}/complaints/{pk}/status", {"status": "resolved", "resolution": "ok"})
    assert r.status_code == 200
    r = _post(api, f"{P}/complaints/{pk}/rate", {"satisfaction": 5})
    assert r.status_code == 200 and r.json()["satisfaction"] == 5
    r = api.get(f"{P}/complaints/{pk}")
    assert r.status_code == 200
    assert api.delete(f"{P}/complaints/{pk}").status_code == 204
    assert api.get(f"{P}/complaints/{pk}").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"account_id": "x", "category_id": 1, "channel": "phone", "title": "t"},
        {"account_id": 2**70, "category_id": 1, "channel": "phone", "title": "t"},
        {"account_id": 0, "category_id": 1, "channel": "phone", "title": "t"},
        {"account_id": 1, "category_id": 1, "channel": "fax", "title": "t"},
        {"account_id": 1, "category_id": 1, "channel": "phone", "title": ""},
        {"account_id": 1, "category_id": 1, "channel": "phone", "title": "a\x00b"},
        {"account_id": 1, "category_id": 1, "channel": "phone", "title": ["t"]},
        {"account_id": 999999, "category_id": 1, "channel": "phone", "title": "t"},
    ],
)
def test_complaint_bad_input_is_422(people: Any, api_as: Any, body: dict[str, Any]) -> None:
    f.category()
    r = _post(api_as("member"), f"{P}/complaints", body)
    assert r.status_code == 422, r.content
    assert r["Content-Type"].startswith("application/problem+json")
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("value", [0, 6, "5", 4.5, None, True])
def test_rate_bad_values(people: Any, api_as: Any, value: Any) -> None:
    c = f.complaint(people.member)
    Complaint.objects.filter(pk=c.pk).update(status="resolved")
    r = _post(api_as("member"), f"{P}/complaints/{c.pk}/rate", {"satisfaction": value})
    assert r.status_code == 422, (value, r.content)


def test_bad_transition_and_patch_null(people: Any, api_as: Any) -> None:
    c = f.complaint(people.member)
    api = api_as("member")
    assert _post(api, f"{P}/complaints/{c.pk}/status", {"status": "closed"}).status_code == 422
    assert _post(api, f"{P}/complaints/{c.pk}/status", {"status": "bogus"}).status_code == 422
    assert _post(api, f"{P}/complaints/{c.pk}", {"title": None}, "patch").status_code == 422
    assert _post(api, f"{P}/complaints/{c.pk}", {"category_id": 99999}, "patch").status_code == 422


def test_complaint_list_filters_and_pages(people: Any, api_as: Any) -> None:
    a, b = f.account("A"), f.account("B")
    for _i in range(3):
        f.complaint(people.member, a, severity="low")
    hot = f.complaint(people.member, b, severity="critical")
    api = api_as("readonly", "read")
    r = api.get(f"{P}/complaints", {"severity": "critical"})
    assert [c["id"] for c in r.json()["items"]] == [hot.pk]
    r = api.get(f"{P}/complaints", {"limit": 2, "account": a.pk})
    page = r.json()
    assert len(page["items"]) == 2 and page["next_cursor"]
    r = api.get(f"{P}/complaints", {"limit": 2, "account": a.pk, "cursor": page["next_cursor"]})
    assert len(r.json()["items"]) == 1 and r.json()["next_cursor"] is None
    assert api.get(f"{P}/complaints", {"cursor": "garbage"}).status_code == 400
    assert api.get(f"{P}/complaints", {"severity": "huge"}).status_code == 422
    assert api.get(f"{P}/complaints", {"created_from": "yesterday"}).status_code == 422
    assert api.get(f"{P}/complaints", {"open": "true"}).json()["items"]


def test_categories(people: Any, api_as: Any) -> None:
    api = api_as("member")
    r = _post(api, f"{P}/complaint-categories", {"name": "Service"})
    assert r.status_code == 201
    pk = r.json()["id"]
    assert _post(api, f"{P}/complaint-categories", {"name": "Service"}).status_code == 422
    r = _post(api, f"{P}/complaint-categories/{pk}", {"active": False}, "patch")
    assert r.status_code == 200 and r.json()["active"] is False
    assert api.get(f"{P}/complaint-categories", {"active": "false"}).json()["items"][0]["id"] == pk


def test_idea_endpoints(people: Any, api_as: Any) -> None:
    api = api_as("member")
    r = _post(api, f"{P}/ideas", {"title": "Portal", "source": "staff"})
    assert r.status_code == 201
    pk = r.json()["id"]
    r = _post(api, f"{P}/ideas/{pk}/vote", {})
    assert r.json() == {"voted": True, "vote_count": 1}
    r = _post(api, f"{P}/ideas/{pk}/vote", {})
    assert r.json() == {"voted": True, "vote_count": 1}
    acc = f.account("Asker", revenue_band="10-50m")
    r = _post(api, f"{P}/ideas/{pk}/accounts", {"account_id": acc.pk, "note": "bald"})
    assert r.status_code == 201 and r.json()["account"]["id"] == acc.pk
    assert _post(api, f"{P}/ideas/{pk}/accounts", {"account_id": 424242}).status_code == 422
    r = api.get(f"{P}/ideas/{pk}/accounts")
    assert [x["account"]["name"] for x in r.json()["items"]] == ["Asker"]
    r = api.get(f"{P}/ideas/{pk}")
    assert r.json()["request_count"] == 1 and r.json()["revenue_rank"] == 3
    assert api.delete(f"{P}/ideas/{pk}/accounts/{acc.pk}").status_code == 204
    assert _post(api, f"{P}/ideas/{pk}/status", {"status": "planned"}).json()["status"] == "planned"
    assert _post(api, f"{P}/ideas/{pk}/status", {"status": "later"}).status_code == 422
    assert (
        _post(api, f"{P}/ideas/{pk}", {"title": "Portal 2"}, "patch").json()["title"] == "Portal 2"
    )
    c = f.complaint(people.member)
    assert _post(api, f"{P}/ideas/{pk}/complaints", {"complaint_id": c.pk}).status_code == 204
    r = api.delete(f"{P}/ideas/{pk}/vote")
    assert r.json() == {"voted": False, "vote_count": 0}
    assert api.delete(f"{P}/ideas/{pk}").status_code == 204
    assert api.get(f"{P}/ideas/{pk}").status_code == 404


def test_idea_list_sort_and_cursor(people: Any, api_as: Any) -> None:
    ideas = [f.idea(people.member, f"Idea {i}") for i in range(5)]
    voters = [make_user(f"v{i}") for i in range(5)]
    for n, idea in enumerate(ideas):
        for user in voters[:n]:
            services.idea_vote(actor=user, idea=idea)
    api = api_as("member")
    seen: list[int] = []
    cursor = None
    while True:
        params: dict[str, Any] = {"limit": 2, "sort": "votes"}
        if cursor:
            params["cursor"] = cursor
        page = api.get(f"{P}/ideas", params).json()
        seen += [i["vote_count"] for i in page["items"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == [4, 3, 2, 1, 0]
    for sort in ("revenue", "new"):
        assert len(api.get(f"{P}/ideas", {"sort": sort}).json()["items"]) == 5
    assert api.get(f"{P}/ideas", {"sort": "hype"}).status_code == 422
    from interlock.core.pagination import encode_cursor

    bad = encode_cursor(["x", 1])
    assert api.get(f"{P}/ideas", {"cursor": bad}).status_code == 400


def test_readonly_token_cannot_write(people: Any, api_as: Any) -> None:
    idea = f.idea(people.member)
    r = _post(api_as("readonly", "read"), f"{P}/ideas/{idea.pk}/vote", {})
    assert r.status_code == 403
    assert not IdeaVote.objects.exists()


def test_naughty_strings_roundtrip(people: Any, api_as: Any, settings: Any) -> None:
    settings.API_RATE_LIMIT = 100_000
    api = api_as("member")
    acc = f.account()
    cat = f.category()
    for text in naughty_strings():
        r = _post(
            api,
            f"{P}/complaints",
            {
                "account_id": acc.pk,
                "category_id": cat.pk,
                "channel": "web",
                "title": text[:200] or "x",
                "description": text,
            },
        )
        assert r.status_code in (201, 422), (text, r.status_code)
        if r.status_code == 201:
            assert r.json()["description"] == text
        r = _post(api, f"{P}/ideas", {"title": text[:200] or "x", "description": text})
        assert r.status_code in (201, 422), (text, r.status_code)
    assert Idea.objects.count() >= len(naughty_strings()) // 2


def test_lists_run_a_fixed_number_of_queries(
    people: Any, api_as: Any, django_assert_max_num_queries: Any
) -> None:
    acc = f.account()
    con = f.contact(acc)
    for i in range(10):
        f.complaint(people.member, acc, contact=con, owner=people.lead, title=f"C{i}")
        idea = f.idea(people.member, f"I{i}")
        services.idea_vote(actor=people.lead, idea=idea)
        services.idea_link_account(actor=people.member, idea=idea, account=acc)
    api = api_as("member")
    with django_assert_max_num_queries(8):
        assert len(api.get(f"{P}/complaints").json()["items"]) == 10
    with django_assert_max_num_queries(8):
        assert len(api.get(f"{P}/ideas").json()["items"]) == 10
