"""Access cases (merged into tests/access_web.py and tests/access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
READ: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}


def _agreement(people: Any) -> Any:
    from tests.agreements.test_rollups import add_obligations, make_agreement

    agreement = make_agreement(people, title="Access scorecard")
    add_obligations(agreement, [{"status": "breached"}, {"status": "fulfilled", "seconds": 60}])
    return agreement


def _pk(people: Any) -> dict[str, Any]:
    return {"pk": _agreement(people).pk}


def _id(people: Any) -> dict[str, Any]:
    return {"agreement_id": _agreement(people).pk}


WEB: dict[str, Case] = {
    "agreements:overview": Case(**READ),
    "agreements:scorecard": Case(**READ, params=_pk),
    "agreements:obligations": Case(**READ, params=_pk),
}

A = f"{P}/agreements/{{agreement_id}}"

API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/agreements/scorecards"): Case(**READ),
    ("GET", f"{A}/scorecard"): Case(**READ, params=_id),
    ("GET", f"{A}/obligations"): Case(**READ, params=_id),
}
