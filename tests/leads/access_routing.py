"""Access cases of lead management, routing part (merged into tests/access_web.py and access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
# lead.configure: marketing members, team leads, management, admin.
CONFIGURERS = ("admin", "manager", "lead", "marketer")
READ: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}
CONFIGURE: dict[str, Any] = {"allowed": CONFIGURERS, "denied": ("anon", "member", "readonly")}


def _rule(people: Any) -> Any:
    from interlock.leads.models import RoutingRule

    return RoutingRule.objects.create(name="DACH", team=people.sales, conditions={})


def _pk(people: Any) -> dict[str, Any]:
    return {"pk": _rule(people).pk}


def _rule_id(people: Any) -> dict[str, Any]:
    return {"rule_id": _rule(people).pk}


def _rule_form(people: Any) -> dict[str, Any]:
    return {"name": "Österreich", "team": people.sales.pk, "method": "queue", "countries": "AT"}


def _rule_body(people: Any) -> dict[str, Any]:
    return {"name": "AT", "team_id": people.sales.pk, "conditions": {"countries": ["AT"]}}


WEB: dict[str, Case] = {
    "leads:routing": Case(**READ),
    "leads:routing_rule_create": Case(**CONFIGURE, method="POST", body=_rule_form),
    "leads:routing_rule_edit": Case(**CONFIGURE, params=_pk),
    "leads:routing_rule_delete": Case(**CONFIGURE, params=_pk, method="POST"),
    "leads:routing_rule_move": Case(
        **CONFIGURE, params=_pk, method="POST", body={"direction": "up"}
    ),
    "leads:routing_default": Case(
        **CONFIGURE, method="POST", body=lambda p: {"default_team": p.sales.pk}
    ),
}

API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/routing-rules"): Case(**READ),
    ("POST", f"{P}/routing-rules"): Case(**CONFIGURE, body=_rule_body),
    ("PATCH", f"{P}/routing-rules/{{rule_id}}"): Case(
        **CONFIGURE, params=_rule_id, body={"capacity": 5}
    ),
    ("DELETE", f"{P}/routing-rules/{{rule_id}}"): Case(**CONFIGURE, params=_rule_id),
}
