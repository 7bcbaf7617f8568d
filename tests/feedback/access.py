"""Access cases of the feedback app (merged into tests/access_web.py and tests/access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
READ = {"allowed": SIGNED_IN, "denied": ("anon",)}
WRITE = {"allowed": WRITERS, "denied": ("anon", "readonly")}


def _account(people: Any) -> Any:
    from interlock.customers.models import Account

    return Account.objects.create(name="Kessler Maschinenbau GmbH", revenue_band="10-50m")


def _category(people: Any) -> Any:
    from interlock.feedback.models import ComplaintCategory

    return ComplaintCategory.objects.get_or_create(name="Lieferverzug")[0]


def _complaint(people: Any, status: str = "new") -> Any:
    from django.utils import timezone

    from interlock.feedback.models import Complaint

    return Complaint.objects.create(
        account=_account(people),
        category=_category(people),
        channel="phone",
        title="Lieferung zu spät",
        status=status,
        resolution="Ersatz geliefert" if status != "new" else "",
        created_at=timezone.now(),
    )


def _idea(people: Any) -> Any:
    from interlock.feedback.models import Idea

    return Idea.objects.create(title="Ersatzteilportal", created_by=people.member)


def _complaint_id(people: Any) -> dict[str, Any]:
    return {"complaint_id": _complaint(people).pk}


def _resolved_complaint_id(people: Any) -> dict[str, Any]:
    return {"complaint_id": _complaint(people, "resolved").pk}


def _category_id(people: Any) -> dict[str, Any]:
    return {"category_id": _category(people).pk}


def _idea_id(people: Any) -> dict[str, Any]:
    return {"idea_id": _idea(people).pk}


def _idea_with_voter(people: Any) -> dict[str, Any]:
    return _idea_id(people)


def _idea_and_account(people: Any) -> dict[str, Any]:
    from interlock.feedback.models import IdeaRequest

    idea = _idea(people)
    account = _account(people)
    IdeaRequest.objects.create(idea=idea, account=account)
    return {"idea_id": idea.pk, "account_id": account.pk}


def _complaint_body(people: Any) -> dict[str, Any]:
    return {
        "account_id": _account(people).pk,
        "category_id": _category(people).pk,
        "channel": "email",
        "title": "Rechnung falsch",
    }


def _account_body(people: Any) -> dict[str, Any]:
    return {"account_id": _account(people).pk}


def _complaint_link_body(people: Any) -> dict[str, Any]:
    return {"complaint_id": _complaint(people).pk}


C = f"{P}/complaints/{{complaint_id}}"
I = f"{P}/ideas/{{idea_id}}"  # noqa: E741

API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/complaint-categories"): Case(**READ),
    ("POST", f"{P}/complaint-categories"): Case(**WRITE, body={"name": "Service"}),
    ("PATCH", f"{P}/complaint-categories/{{category_id}}"): Case(
        **WRITE, params=_category_id, body={"active": False}
    ),
    ("GET", f"{P}/complaints"): Case(**READ),
    ("POST", f"{P}/complaints"): Case(**WRITE, body=_complaint_body),
    ("GET", C): Case(**READ, params=_complaint_id),
    ("PATCH", C): Case(**WRITE, params=_complaint_id, body={"severity": "high"}),
    ("DELETE", C): Case(**WRITE, params=_complaint_id),
    ("POST", f"{C}/respond"): Case(**WRITE, params=_complaint_id, body={}),
    ("POST", f"{C}/status"): Case(**WRITE, params=_complaint_id, body={"status": "in_progress"}),
    ("POST", f"{C}/rate"): Case(**WRITE, params=_resolved_complaint_id, body={"satisfaction": 4}),
    ("GET", f"{P}/ideas"): Case(**READ),
    ("POST", f"{P}/ideas"): Case(**WRITE, body={"title": "Lieferstatus per SMS"}),
    ("GET", I): Case(**READ, params=_idea_id),
    ("PATCH", I): Case(**WRITE, params=_idea_id, body={"title": "Portal"}),
    ("DELETE", I): Case(**WRITE, params=_idea_id),
    ("POST", f"{I}/status"): Case(**WRITE, params=_idea_id, body={"status": "planned"}),
    ("POST", f"{I}/vote"): Case(**WRITE, params=_idea_id, body={}),
    ("DELETE", f"{I}/vote"): Case(**WRITE, params=_idea_with_voter),
    ("GET", f"{I}/accounts"): Case(**READ, params=_idea_id),
    ("POST", f"{I}/accounts"): Case(**WRITE, params=_idea_id, body=_account_body),
    ("DELETE", f"{I}/accounts/{{account_id}}"): Case(**WRITE, params=_idea_and_account),
    ("POST", f"{I}/complaints"): Case(**WRITE, params=_idea_id, body=_complaint_link_body),
}


def _pk(people: Any) -> dict[str, Any]:
    return {"pk": _complaint(people).pk}


def _resolved_pk(people: Any) -> dict[str, Any]:
    return {"pk": _complaint(people, "resolved").pk}


def _idea_pk(people: Any) -> dict[str, Any]:
    return {"pk": _idea(people).pk}


def _idea_account_pk(people: Any) -> dict[str, Any]:
    ids = _idea_and_account(people)
    return {"pk": ids["idea_id"], "account_pk": ids["account_id"]}


def _complaint_form(people: Any) -> dict[str, Any]:
    return {
        "category": _category(people).pk,
        "channel": "phone",
        "severity": "low",
        "title": "Neu",
    }


def _link_form(people: Any) -> dict[str, Any]:
    return {"account": _account(people).pk, "note": "bald"}


W_READ = {"allowed": SIGNED_IN, "denied": ("anon",)}
W_WRITE = {"allowed": WRITERS, "denied": ("anon", "readonly")}

WEB: dict[str, Case] = {
    "feedback:complaints": Case(**W_READ),
    "feedback:complaint_create": Case(**W_WRITE),
    "feedback:complaint": Case(**W_READ, params=_pk),
    "feedback:deal_complaints": Case(**W_READ, params=lambda p: {"pk": 1}),
    "feedback:complaint_edit": Case(**W_WRITE, params=_pk, method="POST", body=_complaint_form),
    "feedback:complaint_respond": Case(**W_WRITE, params=_pk, method="POST"),
    "feedback:complaint_status": Case(
        **W_WRITE, params=_pk, method="POST", body={"status": "in_progress"}
    ),
    "feedback:complaint_rate": Case(
        **W_WRITE, params=_resolved_pk, method="POST", body={"satisfaction": "4"}
    ),
    "feedback:complaint_delete": Case(**W_WRITE, params=_pk, method="POST"),
    "feedback:ideas": Case(**W_READ),
    "feedback:idea_create": Case(**W_WRITE),
    "feedback:idea": Case(**W_READ, params=_idea_pk),
    "feedback:idea_vote": Case(**W_WRITE, params=_idea_pk, method="POST"),
    "feedback:idea_status": Case(
        **W_WRITE, params=_idea_pk, method="POST", body={"status": "planned"}
    ),
    "feedback:idea_link_account": Case(**W_WRITE, params=_idea_pk, method="POST", body=_link_form),
    "feedback:idea_unlink_account": Case(**W_WRITE, params=_idea_account_pk, method="POST"),
}
