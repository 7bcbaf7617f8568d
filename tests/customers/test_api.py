"""Customer API: CRUD, duplicates (409), bad input (422), timelines, merges, tasks."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from interlock.core import events
from interlock.customers import services
from interlock.customers.models import Account, Contact
from tests.conftest import naughty_strings

pytestmark = pytest.mark.django_db
P = "/api/v1"


def _post(client: Any, path: str, body: Any) -> Any:
    return client.post(path, data=json.dumps(body), content_type="application/json")


def _patch(client: Any, path: str, body: Any) -> Any:
    return client.patch(path, data=json.dumps(body), content_type="application/json")


def test_account_crud(people: Any, api_as: Any) -> None:
    api = api_as("member")
    created = _post(
        api,
        f"{P}/accounts",
        {"name": "Kessler GmbH", "domain": "https://www.kessler.de/", "country": "de",
         "owner_id": people.member.pk},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["domain"] == "kessler.de" and body["country"] == "DE"
    assert body["owner"]["id"] == people.member.pk
    pk = body["id"]
    assert api.get(f"{P}/accounts/{pk}").json()["name"] == "Kessler GmbH"
    changed = _patch(api, f"{P}/accounts/{pk}", {"industry": "Chemicals", "owner_id": None})
    assert changed.status_code == 200 and changed.json()["owner"] is None
    assert api.delete(f"{P}/accounts/{pk}").status_code == 204
    assert api.get(f"{P}/accounts/{pk}").status_code == 404
    assert Account.all_objects.get(pk=pk).in_trash


def test_duplicate_domain_is_a_409_naming_the_record(people: Any, api_as: Any) -> None:
    api = api_as("member")
    first = _post(api, f"{P}/accounts", {"name": "Kessler", "domain": "kessler.de"}).json()
    again = _post(api, f"{P}/accounts", {"name": "Kessler AG", "domain": "www.kessler.de"})
    assert again.status_code == 409
    assert again["Content-Type"] == "application/problem+json"
    assert str(first["id"]) in again.json()["detail"]
    assert again.json()["errors"][0]["message"] == str(first["id"])
    dups = api.get(f"{P}/accounts/duplicates", {"domain": "HTTP://KESSLER.DE"}).json()
    assert [d["id"] for d in dups] == [first["id"]]
    forced = _post(
        api,
        f"{P}/accounts",
        {"name": "Kessler AG", "domain": "kessler.de", "allow_duplicate": True},
    )
    assert forced.status_code == 201


def test_duplicate_email_is_a_409(people: Any, api_as: Any) -> None:
    api = api_as("member")
    first = _post(api, f"{P}/contacts", {"last_name": "Becker", "email": "anna@k.de"}).json()
    again = _post(api, f"{P}/contacts", {"last_name": "Becker", "email": "Anna@K.de"})
    assert again.status_code == 409 and str(first["id"]) in again.json()["detail"]
    dups = api.get(f"{P}/contacts/duplicates", {"email": " ANNA@k.de"}).json()
    assert [d["id"] for d in dups] == [first["id"]]


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/contacts", {"last_name": "B", "email": "nope"}, "email"),
        ("/contacts", {"last_name": "B", "phone": "123"}, "phone"),
        ("/contacts", {"last_name": ""}, "last_name"),
        ("/contacts", {"last_name": "B", "account_id": 999999}, "account_id"),
        ("/contacts", {"last_name": "B", "account_id": 2**70}, "account_id"),
        ("/contacts", {"last_name": 5}, "last_name"),
        ("/contacts", {"last_name": "B\x00"}, "last_name"),
        ("/accounts", {"name": "A", "country": "Atlantis"}, "country"),
        ("/accounts", {"name": "A", "domain": "no domain"}, "domain"),
        ("/accounts", {"name": "A", "lifecycle": "zombie"}, "lifecycle"),
        ("/accounts", {"name": ["A"]}, "name"),
        ("/activities", {"kind": "call", "subject": "x"}, "account"),
        ("/activities", {"kind": "dance", "subject": "x"}, "kind"),
        ("/activities", {"kind": "task", "subject": "x"}, None),
    ],
)
def test_bad_input_is_a_422_with_the_field(
    people: Any, api_as: Any, path: str, body: dict[str, Any], field: str | None
) -> None:
    response = _post(api_as("member"), f"{P}{path}", body)
    assert response.status_code == 422, response.content
    if field:
        assert field in {e["field"] for e in response.json()["errors"]}, response.json()
    assert not Contact.all_objects.exists()


def test_naughty_strings_never_500(people: Any, api_as: Any) -> None:
    api = api_as("member")
    for text in naughty_strings()[::4]:
        for path, body in (
            ("/accounts", {"name": text or "x", "domain": text, "country": text[:50]}),
            ("/contacts", {"last_name": text or "x", "email": text[:200], "phone": text[:40]}),
        ):
            response = _post(api, f"{P}{path}", body)
            assert response.status_code in {201, 409, 422}, (text, response.content)
        assert api.get(f"{P}/accounts", {"q": text[:100]}).status_code in {200, 422}


def test_list_filters_sort_and_pages(people: Any, api_as: Any) -> None:
    for i in range(5):
        services.account_create(
            actor=people.member, name=f"Firma {i}", country="AT" if i % 2 else "DE",
            owner=people.lead if i == 3 else None,
        )  # fmt: skip
    api = api_as("readonly")
    names = [a["name"] for a in api.get(f"{P}/accounts", {"sort": "-name"}).json()["items"]]
    assert names == [f"Firma {i}" for i in reversed(range(5))]
    assert len(api.get(f"{P}/accounts", {"country": "AT"}).json()["items"]) == 2
    owned = api.get(f"{P}/accounts", {"owner": people.lead.pk}).json()["items"]
    assert [a["name"] for a in owned] == ["Firma 3"]
    first = api.get(f"{P}/accounts", {"limit": 2}).json()
    second = api.get(f"{P}/accounts", {"limit": 2, "cursor": first["next_cursor"]}).json()
    assert [a["name"] for a in second["items"]] == ["Firma 2", "Firma 3"]
    assert api.get(f"{P}/accounts", {"cursor": "garbage"}).status_code == 400
    assert api.get(f"{P}/accounts", {"sort": "name; drop"}).status_code == 422


def test_timeline_pages_and_filters(people: Any, api_as: Any) -> None:
    account = services.account_create(actor=people.member, name="Kessler")
    base = timezone.now() - timedelta(days=3)
    for i in range(5):
        services.activity_log(
            actor=people.member, kind="call", subject=f"c{i}", account=account,
            occurred_at=base + timedelta(minutes=i),
        )  # fmt: skip
    events.deliver()
    api = api_as("readonly")
    url = f"{P}/accounts/{account.pk}/timeline"
    page = api.get(url, {"limit": 3, "kind": "activity"}).json()
    assert [e["title"] for e in page["items"]] == ["Call: c4", "Call: c3", "Call: c2"]
    rest = api.get(url, {"limit": 3, "kind": "activity", "cursor": page["next_cursor"]}).json()
    assert [e["title"] for e in rest["items"]] == ["Call: c1", "Call: c0"]
    assert rest["next_cursor"] is None
    assert len(api.get(url).json()["items"]) == 6
    assert api.get(f"{P}/accounts/999999/timeline").status_code == 404


def test_merge_via_api(people: Any, api_as: Any) -> None:
    a = services.contact_create(actor=people.member, last_name="Becker", email="a@k.de")
    b = services.contact_create(actor=people.member, last_name="Becker", phone="+49 711 123456")
    api = api_as("lead")
    itself = _post(api, f"{P}/contacts/{a.pk}/merge", {"other_id": a.pk})
    assert itself.status_code == 422 and "itself" in itself.json()["detail"]
    missing = _post(api, f"{P}/contacts/{a.pk}/merge", {"other_id": 999999})
    assert missing.status_code == 422
    merged = _post(api, f"{P}/contacts/{a.pk}/merge", {"other_id": b.pk})
    assert merged.status_code == 200 and merged.json()["phone"] == "+49711123456"
    again = _post(api, f"{P}/contacts/{a.pk}/merge", {"other_id": b.pk})
    assert again.status_code == 422 and "trash" in again.json()["detail"]


def test_tasks_mine_and_done(people: Any, api_as: Any) -> None:
    account = services.account_create(actor=people.member, name="Kessler")
    api = api_as("lead")
    due = (timezone.now() + timedelta(days=1)).isoformat()
    task = _post(
        api, f"{P}/activities",
        {"kind": "task", "subject": "Send offer", "account_id": account.pk,
         "assignee_id": people.member.pk, "due_at": due},
    )  # fmt: skip
    assert task.status_code == 201, task.content
    mine = api_as("member").get(f"{P}/tasks", {"mine": "true"}).json()["items"]
    assert [t["subject"] for t in mine] == ["Send offer"]
    assert api.get(f"{P}/tasks", {"mine": "true"}).json()["items"] == []
    done = _patch(api_as("member"), f"{P}/tasks/{task.json()['id']}", {"done": True})
    assert done.status_code == 200 and done.json()["done_at"]
    assert api_as("member").get(f"{P}/tasks", {"mine": "true"}).json()["items"] == []
    note = _post(
        api, f"{P}/activities",
        {"kind": "note", "subject": "n", "account_id": account.pk, "due_at": due},
    )  # fmt: skip
    assert note.status_code == 422


# --- the fast list and timeline paths (issue 3, performance) ------------------------------

FAST = hyp_settings(
    max_examples=10,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _contacts(people: Any) -> list[Contact]:
    owners = [people.member, people.lead]
    account = services.account_create(actor=people.member, name="Kessler")
    made = []
    for i in range(14):
        data = {
            "first_name": ["Anna", "", "Bernd"][i % 3],
            "last_name": ["Becker", "Adler"][i % 2],
            "email": f"c{i % 4}@k.de",
            "owner": owners[i % 2],
            "account": account if i % 3 else None,
            "allow_duplicate": True,
        }
        made.append(services.contact_create(actor=people.member, **data))
    services.contact_delete(actor=people.member, contact=made[5])
    return made


@FAST
@given(
    limit=st.integers(min_value=1, max_value=6),
    sort=st.sampled_from(["name", "-name", "email", "-email", "created", "-id"]),
    mine=st.booleans(),
)
def test_contact_list_every_live_row_once_in_order(
    people: Any, api_as: Any, limit: int, sort: str, mine: bool
) -> None:
    """The row-value keyset and the reused SQL give the ORM's order, page after page."""
    if not Contact.all_objects.exists():
        _contacts(people)
    api = api_as("readonly")
    query = {"sort": sort, "limit": limit, **({"owner": people.lead.pk} if mine else {})}
    items, cursor = [], None
    for _ in range(50):
        page = api.get(f"{P}/contacts", {**query, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200, page.content
        items.extend(page.json()["items"])
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    fields = {
        "name": ["last_name", "first_name", "id"],
        "email": ["email", "id"],
        "created": ["created_at", "id"],
        "id": ["id"],
    }[sort.lstrip("-")]
    qs = Contact.objects.filter(**({"owner": people.lead} if mine else {}))
    order = [f"-{f}" if sort.startswith("-") else f for f in fields]
    assert [c["id"] for c in items] == list(qs.order_by(*order).values_list("id", flat=True))


def test_list_rows_equal_the_single_record(people: Any, api_as: Any) -> None:
    """The list's hand-built rows (no second validation) equal the validated detail."""
    made = _contacts(people)
    services.account_create(actor=people.member, name="Tochter", owner=people.lead)
    api = api_as("readonly")
    for item in api.get(f"{P}/contacts", {"limit": 200}).json()["items"]:
        assert item == api.get(f"{P}/contacts/{item['id']}").json()
    for item in api.get(f"{P}/accounts", {"limit": 200}).json()["items"]:
        assert item == api.get(f"{P}/accounts/{item['id']}").json()
    assert made


def test_reused_sql_binds_each_requests_values(people: Any, api_as: Any) -> None:
    """Two requests of one shape (owner filter, cursor) each get their own rows,
    also when an owner id equals a keyset value, and the second needs one query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _contacts(people)
    api = api_as("readonly")
    for owner in (people.member, people.lead, people.member):
        first = api.get(f"{P}/contacts", {"owner": owner.pk, "limit": 2, "sort": "id"}).json()
        second = api.get(
            f"{P}/contacts",
            {"owner": owner.pk, "limit": 2, "sort": "id", "cursor": first["next_cursor"]},
        ).json()
        expected = list(
            Contact.objects.filter(owner=owner).order_by("id").values_list("id", flat=True)[:4]
        )
        assert [c["id"] for c in first["items"] + second["items"]] == expected
        assert all(c["owner"]["id"] == owner.pk for c in first["items"] + second["items"])
    with CaptureQueriesContext(connection) as queries:
        page = api.get(f"{P}/contacts", {"owner": people.lead.pk, "limit": 2, "sort": "id"})
    assert page.status_code == 200
    assert len(queries) == 1, [q["sql"] for q in queries]


def test_timeline_of_a_trashed_or_unknown_record_is_404(people: Any, api_as: Any) -> None:
    account = services.account_create(actor=people.member, name="Kessler")
    contact = services.contact_create(actor=people.member, last_name="Becker", account=account)
    quiet = services.account_create(actor=people.member, name="Ruhig")
    events.deliver()
    api = api_as("readonly")
    assert len(api.get(f"{P}/accounts/{account.pk}/timeline").json()["items"]) == 2
    empty = api.get(f"{P}/accounts/{quiet.pk}/timeline")
    assert empty.status_code == 200 and empty.json()["items"][1:] == []
    services.contact_delete(actor=people.member, contact=contact)
    services.account_delete(actor=people.member, account=account)
    for path in (
        f"/accounts/{account.pk}/timeline",
        f"/contacts/{contact.pk}/timeline",
        "/contacts/999999/timeline",
    ):
        response = api.get(f"{P}{path}")
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/problem+json"


def test_list_and_timeline_need_the_view_permission(people: Any, api_as: Any) -> None:
    account = services.account_create(actor=people.member, name="Kessler")
    anonymous = api_as("anon")
    for path in ("/contacts", "/accounts", f"/accounts/{account.pk}/timeline"):
        assert anonymous.get(f"{P}{path}").status_code == 401
