"""Access cases of the lists app (merged into tests/access_web.py and tests/access_api.py).

Saved views belong to a person: the cases use one owned by the admin and not
shared, so the other roles pass the door (the policy) and then get 404 for a
view they cannot see; tests/lists/test_views.py and test_api.py check who sees what.
"""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")


def _accounts(people: Any) -> dict[str, Any]:
    return {"key": "accounts"}


def _account_pk(people: Any) -> int:
    from interlock.customers.models import Account

    return Account.objects.create(name="Kessler Maschinenbau GmbH").pk


def _admins_view(people: Any) -> Any:
    from interlock.lists.models import SavedView

    return SavedView.objects.create(
        owner=people.admin, list_key="accounts", name="Mine", query="q=kessler"
    )


def _view_pk(people: Any) -> dict[str, Any]:
    return {"pk": _admins_view(people).pk}


def _view_id(people: Any) -> dict[str, Any]:
    return {"view_id": _admins_view(people).pk}


WEB: dict[str, Case] = {
    "lists:bulk": Case(
        method="POST",
        params=_accounts,
        body=lambda people: {"action": "trash", "ids": _account_pk(people)},
        allowed=WRITERS,
        denied=("anon", "readonly"),
    ),
    "lists:export": Case(params=_accounts, allowed=SIGNED_IN, denied=("anon",)),
    "lists:view_save": Case(
        method="POST",
        params=_accounts,
        body={"name": "Kessler", "query": "q=kessler"},
        allowed=WRITERS,
        denied=("anon", "readonly"),
    ),
    "lists:view_open": Case(
        params=_view_pk, allowed=SIGNED_IN, denied=("anon",), ok_status=(302, 404)
    ),
    "lists:view_share": Case(
        method="POST",
        params=_view_pk,
        body={"team": ""},
        allowed=WRITERS,
        denied=("anon", "readonly"),
        ok_status=(302, 404),
    ),
    "lists:view_delete": Case(
        method="POST",
        params=_view_pk,
        allowed=WRITERS,
        denied=("anon", "readonly"),
        ok_status=(302, 404),
    ),
}

API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/saved-views"): Case(allowed=SIGNED_IN, denied=("anon",)),
    ("POST", f"{P}/saved-views"): Case(
        body={"list_key": "accounts", "name": "Kessler", "query": "q=kessler"},
        allowed=WRITERS,
        denied=("anon", "readonly"),
    ),
    ("GET", f"{P}/saved-views/{{view_id}}"): Case(
        params=_view_id, allowed=SIGNED_IN, denied=("anon",), ok_status=(200, 404)
    ),
    ("PATCH", f"{P}/saved-views/{{view_id}}"): Case(
        params=_view_id,
        body={"name": "Renamed"},
        allowed=WRITERS,
        denied=("anon", "readonly"),
        ok_status=(200, 404),
    ),
    ("DELETE", f"{P}/saved-views/{{view_id}}"): Case(
        params=_view_id,
        allowed=WRITERS,
        denied=("anon", "readonly"),
        ok_status=(204, 404),
    ),
    ("GET", f"{P}/tags"): Case(allowed=SIGNED_IN, denied=("anon",)),
    ("POST", f"{P}/tags"): Case(body={"name": "VIP"}, allowed=WRITERS, denied=("anon", "readonly")),
    ("POST", f"{P}/lists/{{key}}/bulk"): Case(
        params=_accounts,
        body=lambda people: {"action": "add_tag", "ids": [_account_pk(people)], "tag": "vip"},
        allowed=WRITERS,
        denied=("anon", "readonly"),
    ),
    ("GET", f"{P}/lists/{{key}}/export"): Case(
        params=_accounts, allowed=SIGNED_IN, denied=("anon",)
    ),
}
