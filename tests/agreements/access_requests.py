"""Access cases (merged into tests/access_web.py and tests/access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
READ: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}
WRITE: dict[str, Any] = {"allowed": WRITERS, "denied": ("anon", "readonly")}
# request.deliver on a request Sales (member) asked of Marketing: both teams, oversight.
DELIVER: dict[str, Any] = {"allowed": WRITERS, "denied": ("anon", "readonly")}


def _request(people: Any) -> Any:
    from django.utils import timezone

    from interlock.agreements.models import WorkRequest

    return WorkRequest.objects.create(
        title="Case study",
        requesting_team=people.sales,
        provider_team=people.marketing,
        requested_by=people.member,
        requested_at=timezone.now(),
    )


def _pk(people: Any) -> dict[str, Any]:
    return {"pk": _request(people).pk}


def _api_pk(people: Any) -> dict[str, Any]:
    return {"request_id": _request(people).pk}


def _new_api(people: Any) -> dict[str, Any]:
    return {
        "title": "Battle card",
        "requesting_team_id": people.sales.pk,
        "provider_team_id": people.marketing.pk,
    }


WEB: dict[str, Case] = {
    "agreements:requests": Case(**READ, params=lambda p: (_request(p), {})[1]),
    "agreements:request_new": Case(**WRITE),
    "agreements:request_deliver": Case(**DELIVER, method="POST", params=_pk, body={"note": "ok"}),
    "agreements:request_cancel": Case(**DELIVER, method="POST", params=_pk),
}

API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/requests"): Case(**READ, params=lambda p: (_request(p), {})[1]),
    ("POST", f"{P}/requests"): Case(**WRITE, body=_new_api),
    ("POST", f"{P}/requests/{{request_id}}/deliver"): Case(
        **DELIVER, params=_api_pk, body={"note": "ok"}
    ),
    ("POST", f"{P}/requests/{{request_id}}/cancel"): Case(**DELIVER, params=_api_pk, body={}),
}
