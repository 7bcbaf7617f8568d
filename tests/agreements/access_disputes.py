"""Access cases of breach disputes (merged into tests/access_web.py and tests/access_api.py).

Also the small builders the dispute and consequence tests share: the rows
are written with the ORM, independent of the engine.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
READ: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}
# breach.dispute: the receiving team (Sales) and oversight.
DISPUTE: dict[str, Any] = {
    "allowed": ("admin", "manager", "lead", "member"),
    "denied": ("anon", "marketer", "readonly"),
}
# breach.settle: a team lead of either side (only "lead" leads Sales).
SETTLE: dict[str, Any] = {
    "allowed": ("lead",),
    "denied": ("anon", "admin", "manager", "member", "marketer", "readonly"),
}


def make_agreement(people: Any, *, title: str = "MQL handoff") -> Any:
    """Marketing provides, Sales receives; version 1 active."""
    from interlock.agreements.models import Agreement, AgreementVersion, Term

    now = timezone.now()
    agreement = Agreement.objects.create(
        provider_team=people.marketing, receiver_team=people.sales, title=title
    )
    version = AgreementVersion.objects.create(
        agreement=agreement,
        number=1,
        status=AgreementVersion.Status.ACTIVE,
        title=title,
        effective_from=now - timedelta(days=30),
        activated_at=now - timedelta(days=30),
    )
    Term.objects.create(
        version=version, type=Term.Type.TIME, deliverable="test_handoff", hours=Decimal("8")
    )
    return agreement


def make_obligation(
    people: Any,
    *,
    agreement: Any = None,
    status: str = "breached",
    key: str = "handoff:1",
    assignee: Any = "member",
) -> Any:
    from interlock.agreements.models import Deliverable, Obligation

    agreement = agreement or make_agreement(people)
    version = agreement.versions.get(status="active")
    term = version.terms.get()
    now = timezone.now()
    due = now - timedelta(hours=2)
    deliverable = Deliverable.objects.create(
        kind="test_handoff",
        key=key,
        delivered_at=now - timedelta(days=1),
        title="MQL Jane Doe (ACME)",
        place="team:sales",
        team=people.sales,
    )
    user = getattr(people, assignee) if isinstance(assignee, str) else assignee
    return Obligation.objects.create(
        deliverable=deliverable,
        term=term,
        version=version,
        agreement=agreement,
        team=people.sales,
        assignee=user,
        routed_to=user,
        opened_at=now - timedelta(days=1),
        due_at=due,
        status=status,
        breached_at=due if status in ("breached", "late") else None,
        changed_at=now,
    )


def make_dispute(people: Any) -> Any:
    from interlock.agreements.models import BreachDispute

    obligation = make_obligation(people)
    return BreachDispute.objects.create(
        agreement=obligation.agreement,
        obligation=obligation,
        deliverable_kind="test_handoff",
        deliverable_key=obligation.deliverable.key,
        term_id_ref=obligation.term_id,
        reason="The lead arrived on a holiday.",
        raised_by=people.member,
        raised_at=timezone.now(),
    )


def _obligation_pk(people: Any) -> dict[str, Any]:
    return {"pk": make_obligation(people).pk}


def _dispute_pk(people: Any) -> dict[str, Any]:
    return {"pk": make_dispute(people).pk}


def _obligation_id(people: Any) -> dict[str, Any]:
    return {"obligation_id": make_obligation(people).pk}


def _dispute_id(people: Any) -> dict[str, Any]:
    return {"dispute_id": make_dispute(people).pk}


WEB: dict[str, Case] = {
    "agreements:disputes": Case(**READ),
    "agreements:dispute_raise": Case(
        **DISPUTE, params=_obligation_pk, method="POST", body={"reason": "Holiday."}
    ),
    "agreements:dispute_decide": Case(
        **SETTLE, params=_dispute_pk, method="POST", body={"decision": "waived"}
    ),
}

API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/breach-disputes"): Case(**READ),
    ("POST", f"{P}/obligations/{{obligation_id}}/disputes"): Case(
        **DISPUTE, params=_obligation_id, body={"reason": "Holiday."}
    ),
    ("POST", f"{P}/breach-disputes/{{dispute_id}}/decide"): Case(
        **SETTLE, params=_dispute_id, body={"decision": "upheld"}
    ),
}
