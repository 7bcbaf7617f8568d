"""Access cases of lead management, scoring part (merged into tests/access_web.py and access_api.py)."""

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
    from interlock.leads.models import FitRule

    return FitRule.objects.create(field="industry", operator="equals", value="Handel", points=5)


def _pk(people: Any) -> dict[str, Any]:
    return {"pk": _rule(people).pk}


def _rule_id(people: Any) -> dict[str, Any]:
    return {"rule_id": _rule(people).pk}


def _contact(people: Any) -> Any:
    from interlock.customers.models import Contact

    return Contact.objects.create(last_name="Kessler", email="anna@kessler.de")


def _job_id(people: Any) -> dict[str, Any]:
    from interlock.leads.models import RescoreJob

    return {"job_id": RescoreJob.objects.create(version=1).pk}


RULE_FORM = {"field": "industry", "operator": "equals", "value": "Maschinenbau", "points": "20"}
SETTINGS_FORM = {
    "grade_a_min": "60",
    "grade_b_min": "35",
    "grade_c_min": "10",
    "half_life_days": "30",
    "mql_min_grade": "B",
    "mql_min_engagement": "50",
    "mql_enabled": "on",
}

WEB: dict[str, Case] = {
    "leads:scoring": Case(**READ),
    "leads:scoring_rule_create": Case(**CONFIGURE, method="POST", body=RULE_FORM),
    "leads:scoring_rule_edit": Case(**CONFIGURE, params=_pk),
    "leads:scoring_rule_delete": Case(**CONFIGURE, params=_pk, method="POST"),
    "leads:scoring_rule_move": Case(
        **CONFIGURE, params=_pk, method="POST", body={"direction": "up"}
    ),
    "leads:scoring_rule_toggle": Case(**CONFIGURE, params=_pk, method="POST"),
    "leads:scoring_engagement": Case(
        **CONFIGURE, method="POST", body={"trigger": "activity:call", "points": "12"}
    ),
    "leads:scoring_settings": Case(**CONFIGURE, method="POST", body=SETTINGS_FORM),
    "leads:rescore": Case(**CONFIGURE, method="POST"),
    "leads:rescore_status": Case(**READ),
    "leads:score_panel": Case(**READ, params=lambda p: {"pk": _contact(p).pk}),
}

API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/scoring/fit-rules"): Case(**READ),
    ("POST", f"{P}/scoring/fit-rules"): Case(
        **CONFIGURE, body={"field": "size", "operator": "gte", "value": "50-249", "points": 10}
    ),
    ("GET", f"{P}/scoring/fit-rules/{{rule_id}}"): Case(**READ, params=_rule_id),
    ("PATCH", f"{P}/scoring/fit-rules/{{rule_id}}"): Case(
        **CONFIGURE, params=_rule_id, body={"points": 7}
    ),
    ("DELETE", f"{P}/scoring/fit-rules/{{rule_id}}"): Case(**CONFIGURE, params=_rule_id),
    ("PUT", f"{P}/scoring/engagement-rules/{{trigger}}"): Case(
        **CONFIGURE, params=lambda p: {"trigger": "activity:call"}, body={"points": 12}
    ),
    ("GET", f"{P}/scoring/settings"): Case(**READ),
    ("PATCH", f"{P}/scoring/settings"): Case(**CONFIGURE, body={"half_life_days": 45}),
    ("POST", f"{P}/scoring/rescore"): Case(**CONFIGURE, body={}, ok_status=(202,)),
    ("GET", f"{P}/scoring/rescore/{{job_id}}"): Case(**READ, params=_job_id),
    ("GET", f"{P}/contacts/{{contact_id}}/score"): Case(
        **READ, params=lambda p: {"contact_id": _contact(p).pk}
    ),
}
