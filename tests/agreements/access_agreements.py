"""Access cases (merged into tests/access_web.py and tests/access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
READ: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}

# agreement.draft on an agreement Marketing -> Sales: oversight and the Sales lead.
W_DRAFT: dict[str, Any] = {
    "allowed": ("admin", "manager", "lead"),
    "denied": ("anon", "readonly", "member", "marketer"),
}


def _web_agreement(people: Any, status: str = "draft") -> Any:
    """An agreement Marketing -> Sales whose version 1 has ``status`` and one time term."""
    from decimal import Decimal

    from django.utils import timezone

    from interlock.agreements.models import Agreement, AgreementVersion, EscalationStep, Term

    agreement = Agreement.objects.create(
        provider_team=people.marketing, receiver_team=people.sales, title="MQL handoff"
    )
    now = timezone.now()
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        status=status,
        title=agreement.title,
        effective_from=now,
        activated_at=now if status == "active" else None,
    )
    Term.objects.create(version=version, type="time", deliverable="lead.handoff", hours=Decimal(8))
    EscalationStep.objects.create(version=version, trigger="breach", actions=["notify_assignee"])
    return agreement


def _web_pk(status: str) -> Any:
    return lambda people: {"pk": _web_agreement(people, status).pk}


def _web_term(people: Any) -> dict[str, Any]:
    agreement = _web_agreement(people)
    return {"pk": agreement.pk, "term_pk": agreement.versions.get().terms.get().pk}


def _web_step(people: Any) -> dict[str, Any]:
    agreement = _web_agreement(people)
    return {"pk": agreement.pk, "step_pk": agreement.versions.get().ladder.get().pk}


def _web_version(people: Any) -> dict[str, Any]:
    return {"pk": _web_agreement(people, "active").pk, "number": 1}


def _web_new_body(people: Any) -> dict[str, Any]:
    return {
        "template": "",
        "title": "Feedback on rejected leads",
        "provider_team": people.sales.pk,
        "receiver_team": people.marketing.pk,
    }


WEB: dict[str, Case] = {
    "agreements:list": Case(**READ),
    "agreements:new": Case(**W_DRAFT, method="POST", body=_web_new_body),
    "agreements:detail": Case(**READ, params=_web_pk("active")),
    "agreements:edit": Case(**W_DRAFT, params=_web_pk("draft")),
    "agreements:term_add": Case(
        **W_DRAFT, params=_web_pk("draft"), extra={"query": {"type": "quantity"}}
    ),
    "agreements:term_edit": Case(**W_DRAFT, params=_web_term),
    "agreements:term_remove": Case(**W_DRAFT, params=_web_term, method="POST"),
    "agreements:step_add": Case(
        **W_DRAFT,
        params=_web_pk("draft"),
        method="POST",
        body={"trigger": "at_risk", "offset_hours": "2", "actions": "notify_team_lead"},
    ),
    "agreements:step_remove": Case(**W_DRAFT, params=_web_step, method="POST"),
    "agreements:propose": Case(**W_DRAFT, params=_web_pk("draft"), method="POST"),
    "agreements:revise": Case(**W_DRAFT, params=_web_pk("proposed"), method="POST"),
    "agreements:withdraw": Case(**W_DRAFT, params=_web_pk("proposed"), method="POST"),
    # Only a team lead signs for a team; management and admins do not sign for others.
    "agreements:sign": Case(
        allowed=("lead",),
        denied=("anon", "admin", "manager", "readonly", "member", "marketer"),
        params=_web_pk("proposed"),
        method="POST",
        body={"side": "receiver"},
    ),
    "agreements:new_version": Case(**W_DRAFT, params=_web_pk("active"), method="POST"),
    "agreements:terminate": Case(
        **W_DRAFT, params=_web_pk("active"), method="POST", body={"reason": "Merged teams"}
    ),
    "agreements:contract": Case(**READ, params=_web_version),
    "agreements:contract_pdf": Case(**READ, params=_web_version),
}

# --- API (h3) ------------------------------------------------------------------------
# Sign: only a team lead of a side (the Sales lead here), never oversight for others.
SIGN: dict[str, Any] = {
    "allowed": ("lead",),
    "denied": ("anon", "admin", "manager", "readonly", "member", "marketer"),
}


def _api_ids(status: str) -> Any:
    return lambda people: {"agreement_id": _web_agreement(people, status).pk, "number": 1}


def _api_agreement_id(status: str) -> Any:
    return lambda people: {"agreement_id": _web_agreement(people, status).pk}


def _api_term(people: Any) -> dict[str, Any]:
    return {"term_id": _web_term(people)["term_pk"]}


def _api_step(people: Any) -> dict[str, Any]:
    return {"step_id": _web_step(people)["step_pk"]}


def _api_new_body(people: Any) -> dict[str, Any]:
    return {
        "provider_team_id": people.sales.pk,
        "receiver_team_id": people.marketing.pk,
        "title": "Feedback on rejected leads",
    }


AG = f"{P}/agreements/{{agreement_id}}"
AV = f"{AG}/versions/{{number}}"
API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/agreements"): Case(**READ),
    ("POST", f"{P}/agreements"): Case(
        # Sales -> Marketing: the Sales lead is a party.
        **W_DRAFT,
        body=_api_new_body,
    ),
    ("GET", AG): Case(**READ, params=_api_agreement_id("active")),
    ("GET", AV): Case(**READ, params=_api_ids("active")),
    ("PATCH", AV): Case(**W_DRAFT, params=_api_ids("draft"), body={"title": "MQLs"}),
    ("POST", f"{AV}/terms"): Case(
        **W_DRAFT,
        params=_api_ids("draft"),
        body={"type": "time", "deliverable": "lead.handoff", "hours": "4"},
    ),
    ("PATCH", f"{P}/agreement-terms/{{term_id}}"): Case(
        **W_DRAFT, params=_api_term, body={"hours": "6"}
    ),
    ("DELETE", f"{P}/agreement-terms/{{term_id}}"): Case(**W_DRAFT, params=_api_term),
    ("POST", f"{AV}/steps"): Case(
        **W_DRAFT,
        params=_api_ids("draft"),
        body={"trigger": "breach", "offset_hours": "4", "actions": ["reassign_deputy"]},
    ),
    ("DELETE", f"{P}/agreement-steps/{{step_id}}"): Case(**W_DRAFT, params=_api_step),
    ("POST", f"{AV}/propose"): Case(**W_DRAFT, params=_api_ids("draft")),
    ("POST", f"{AV}/revise"): Case(**W_DRAFT, params=_api_ids("proposed")),
    ("POST", f"{AV}/withdraw"): Case(**W_DRAFT, params=_api_ids("proposed")),
    ("POST", f"{AV}/sign"): Case(**SIGN, params=_api_ids("proposed"), body={"side": "receiver"}),
    ("POST", f"{AG}/new-version"): Case(**W_DRAFT, params=_api_agreement_id("active")),
    ("POST", f"{AG}/terminate"): Case(
        **W_DRAFT, params=_api_agreement_id("active"), body={"reason": "Teams merged"}
    ),
    ("GET", f"{P}/agreement-templates"): Case(**READ),
}
