"""Access cases of lead management, handoff part (merged into tests/access_web.py and access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
READ: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}
WRITE: dict[str, Any] = {"allowed": WRITERS, "denied": ("anon", "readonly")}
# lead.respond: the assignee (member), the queue's team (lead of Sales), oversight.
RESPOND: dict[str, Any] = {
    "allowed": ("admin", "manager", "lead", "member"),
    "denied": ("anon", "marketer", "readonly"),
}
DISPUTE: dict[str, Any] = {
    "allowed": ("admin", "manager", "marketer"),
    "denied": ("anon", "lead", "member", "readonly"),
}
SETTLE: dict[str, Any] = {
    "allowed": ("admin", "manager", "lead"),
    "denied": ("anon", "member", "marketer", "readonly"),
}
CONFIGURE: dict[str, Any] = {
    "allowed": ("admin", "manager", "lead", "marketer"),
    "denied": ("anon", "member", "readonly"),
}


def _contact(people: Any, stage: str = "lead") -> Any:
    from tests.leads.factories import make_contact

    return make_contact(stage)


def _open(people: Any) -> Any:
    from tests.leads.factories import make_handoff

    return make_handoff(team=people.sales, assignee=people.member)


def _rejected(people: Any) -> Any:
    from tests.leads.factories import make_contact, make_handoff

    return make_handoff(
        team=people.sales,
        assignee=people.member,
        status="rejected",
        contact=make_contact("recycled"),
    )


def _disputed(people: Any) -> Any:
    from tests.leads.factories import make_contact, make_handoff

    return make_handoff(
        team=people.sales,
        assignee=people.member,
        status="rejected",
        contact=make_contact("disqualified"),
        dispute="open",
        dispute_comment="Passt doch",
    )


def _reason(people: Any) -> Any:
    from interlock.leads.models import RejectionReason

    return RejectionReason.objects.get(code="no-need-now")


def _pk(factory: Any) -> Any:
    return lambda people: {"pk": factory(people).pk}


def _api_contact(people: Any) -> dict[str, Any]:
    return {"contact_id": _contact(people).pk}


def _api_sal(people: Any) -> dict[str, Any]:
    return {"contact_id": _contact(people, "sal").pk}


def _api_handoff(factory: Any) -> Any:
    return lambda people: {"handoff_id": factory(people).pk}


def _reason_body(people: Any) -> dict[str, Any]:
    reason = _reason(people)
    return {
        f"r{reason.pk}-name": "No need this year",
        f"r{reason.pk}-outcome": "recycled",
        f"r{reason.pk}-position": "5",
        f"r{reason.pk}-active": "on",
    }


BANT = {"budget": "50 T€", "authority": "Geschäftsführer", "need": "Ersatz", "timing": "Q3"}

WEB: dict[str, Case] = {
    "leads:my_leads": Case(**READ),
    "leads:team_queue": Case(**READ),
    "leads:rejections": Case(**READ),
    "leads:contact_panel": Case(**READ, params=_pk(_contact)),
    "leads:handoff_accept": Case(**RESPOND, method="POST", params=_pk(_open), body={}),
    "leads:handoff_reject": Case(
        **RESPOND,
        method="POST",
        params=_pk(_open),
        body={"reason": "wrong-size", "comment": "zu klein"},
    ),
    "leads:handoff_dispute": Case(
        **DISPUTE, method="POST", params=_pk(_rejected), body={"comment": "Passt doch"}
    ),
    "leads:handoff_settle": Case(
        **SETTLE, method="POST", params=_pk(_disputed), body={"decision": "uphold"}
    ),
    "leads:handoff_answer": Case(
        **DISPUTE, method="POST", params=_pk(_rejected), body={"note": "Back to nurturing"}
    ),
    "leads:contact_stage": Case(
        **WRITE, method="POST", params=_pk(_contact), body={"to_stage": "mql"}
    ),
    "leads:contact_qualify": Case(
        **WRITE, method="POST", params=_pk(_contact), body={**BANT, "advance": "on"}
    ),
    "leads:reasons": Case(**CONFIGURE),
    "leads:reason_edit": Case(
        **CONFIGURE,
        method="POST",
        params=_pk(_reason),
        body=_reason_body,
    ),
}


H = f"{P}/handoffs/{{handoff_id}}"
C = f"{P}/contacts/{{contact_id}}"

API: dict[tuple[str, str], Case] = {
    ("POST", f"{C}/stage"): Case(**WRITE, params=_api_contact, body={"to_stage": "mql"}),
    ("GET", f"{C}/transitions"): Case(**READ, params=_api_contact),
    ("PUT", f"{C}/qualification"): Case(**WRITE, params=_api_sal, body=BANT),
    ("GET", f"{P}/handoffs"): Case(**READ),
    ("GET", H): Case(**READ, params=_api_handoff(_open)),
    ("POST", f"{H}/accept"): Case(**RESPOND, params=_api_handoff(_open), body={}),
    ("POST", f"{H}/reject"): Case(
        **RESPOND, params=_api_handoff(_open), body={"reason_code": "wrong-region"}
    ),
    ("POST", f"{H}/dispute"): Case(
        **DISPUTE, params=_api_handoff(_rejected), body={"comment": "Passt doch"}
    ),
    ("POST", f"{H}/settle"): Case(
        **SETTLE, params=_api_handoff(_disputed), body={"overturn": True}
    ),
    ("POST", f"{H}/answer"): Case(
        **DISPUTE, params=_api_handoff(_rejected), body={"note": "Back to nurturing"}
    ),
    ("GET", f"{P}/rejection-reasons"): Case(**READ),
}
