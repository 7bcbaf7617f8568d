"""Access cases of the customers app (merged into tests/access_web.py and tests/access_api.py)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
MERGERS = ("admin", "manager", "lead")
NOT_MERGERS_API = ("anon", "member", "marketer", "readonly")


def _account(people: Any) -> Any:
    from interlock.customers.models import Account

    return Account.objects.create(name="Kessler Maschinenbau GmbH", domain="kessler.de")


def _contact(people: Any) -> Any:
    from interlock.customers.models import Contact

    return Contact.objects.create(first_name="Anna", last_name="Becker", email="anna@kessler.de")


def _task(people: Any) -> Any:
    from interlock.customers.models import Activity

    return Activity.objects.create(
        kind="task",
        subject="Call back",
        occurred_at=timezone.now(),
        account=_account(people),
        assignee=people.member,
        due_at=timezone.now() + timedelta(days=1),
    )


def _account_id(people: Any) -> dict[str, Any]:
    return {"account_id": _account(people).pk}


def _contact_id(people: Any) -> dict[str, Any]:
    return {"contact_id": _contact(people).pk}


def _activity_id(people: Any) -> dict[str, Any]:
    return {"activity_id": _task(people).pk}


def _two_accounts(people: Any) -> dict[str, Any]:
    from interlock.customers.models import Account

    survivor = _account(people)
    other = Account.objects.create(name="Kessler GmbH")
    return {"account_id": survivor.pk, "other": other.pk}


def _two_contacts(people: Any) -> dict[str, Any]:
    from interlock.customers.models import Contact

    survivor = _contact(people)
    other = Contact.objects.create(last_name="Becker")
    return {"contact_id": survivor.pk, "other": other.pk}


def _merge_body(people: Any) -> dict[str, Any]:
    from interlock.customers.models import Account, Contact

    # params ran first and made the records; the other is the newest of its kind.
    if Account.objects.count() >= 2:
        return {"other_id": Account.objects.order_by("-pk").first().pk}  # type: ignore[union-attr]
    return {"other_id": Contact.objects.order_by("-pk").first().pk}  # type: ignore[union-attr]


def _task_body(people: Any) -> dict[str, Any]:
    from interlock.customers.models import Account

    account = Account.objects.create(name="Task target")
    return {
        "kind": "task",
        "subject": "Send offer",
        "account_id": account.pk,
        "assignee_id": people.member.pk,
        "due_at": (timezone.now() + timedelta(days=2)).isoformat(),
    }


# --- pages --------------------------------------------------------------------------------


def _pk_account(people: Any) -> dict[str, Any]:
    return {"pk": _account(people).pk}


def _pk_contact(people: Any) -> dict[str, Any]:
    return {"pk": _contact(people).pk}


def _pk_task(people: Any) -> dict[str, Any]:
    return {"pk": _task(people).pk}


def _merge_account_form(people: Any) -> dict[str, Any]:
    from interlock.customers.models import Account

    return {"other": Account.objects.order_by("-pk").first().pk, "confirm": "1"}  # type: ignore[union-attr]


def _merge_contact_form(people: Any) -> dict[str, Any]:
    from interlock.customers.models import Contact

    return {"other": Contact.objects.order_by("-pk").first().pk, "confirm": "1"}  # type: ignore[union-attr]


def _pk_two_accounts(people: Any) -> dict[str, Any]:
    from interlock.customers.models import Account

    pk = _account(people).pk
    Account.objects.create(name="Kessler GmbH")
    return {"pk": pk}


def _pk_two_contacts(people: Any) -> dict[str, Any]:
    from interlock.customers.models import Contact

    pk = _contact(people).pk
    Contact.objects.create(last_name="Becker")
    return {"pk": pk}


WEB: dict[str, Case] = {
    "customers:accounts": Case(allowed=SIGNED_IN, denied=("anon",)),
    "customers:account": Case(params=_pk_account, allowed=SIGNED_IN, denied=("anon",)),
    "customers:account_timeline": Case(params=_pk_account, allowed=SIGNED_IN, denied=("anon",)),
    "customers:account_create": Case(
        method="POST",
        allowed=WRITERS,
        denied=("anon", "readonly"),
        body={"name": "Vogt Antriebstechnik AG", "lifecycle": "prospect"},
    ),
    "customers:account_edit": Case(
        method="POST",
        params=_pk_account,
        allowed=WRITERS,
        denied=("anon", "readonly"),
        body={"name": "Kessler AG", "domain": "kessler.de", "lifecycle": "customer"},
    ),
    "customers:account_delete": Case(
        method="POST", params=_pk_account, allowed=WRITERS, denied=("anon", "readonly")
    ),
    "customers:account_log": Case(
        method="POST",
        params=_pk_account,
        allowed=WRITERS,
        denied=("anon", "readonly"),
        body={"kind": "call", "subject": "Quarterly review"},
    ),
    "customers:account_merge": Case(
        method="POST",
        params=_pk_two_accounts,
        body=_merge_account_form,
        allowed=MERGERS,
        denied=("anon", "member", "marketer", "readonly"),
    ),
    "customers:contacts": Case(allowed=SIGNED_IN, denied=("anon",)),
    "customers:contact": Case(params=_pk_contact, allowed=SIGNED_IN, denied=("anon",)),
    "customers:contact_timeline": Case(params=_pk_contact, allowed=SIGNED_IN, denied=("anon",)),
    "customers:contact_create": Case(
        method="POST",
        allowed=WRITERS,
        denied=("anon", "readonly"),
        body={"first_name": "Jonas", "last_name": "Weber", "email": "jonas@vogt.de"},
    ),
    "customers:contact_edit": Case(
        method="POST",
        params=_pk_contact,
        allowed=WRITERS,
        denied=("anon", "readonly"),
        body={"first_name": "Anna", "last_name": "Becker-Roth", "email": "anna@kessler.de"},
    ),
    "customers:contact_delete": Case(
        method="POST", params=_pk_contact, allowed=WRITERS, denied=("anon", "readonly")
    ),
    "customers:contact_log": Case(
        method="POST",
        params=_pk_contact,
        allowed=WRITERS,
        denied=("anon", "readonly"),
        body={"kind": "note", "subject": "Met at the fair"},
    ),
    "customers:contact_merge": Case(
        method="POST",
        params=_pk_two_contacts,
        body=_merge_contact_form,
        allowed=MERGERS,
        denied=("anon", "member", "marketer", "readonly"),
    ),
    "customers:my_work": Case(allowed=SIGNED_IN, denied=("anon",)),
    "customers:task_done": Case(
        method="POST", params=_pk_task, allowed=WRITERS, denied=("anon", "readonly")
    ),
}

API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/accounts"): Case(allowed=SIGNED_IN, denied=("anon",)),
    ("POST", f"{P}/accounts"): Case(
        method="POST",
        body={"name": "Vogt Antriebstechnik AG", "domain": "vogt.de", "country": "DE"},
        allowed=WRITERS,
        denied=("anon", "readonly"),
    ),
    ("GET", f"{P}/accounts/duplicates"): Case(
        path=f"{P}/accounts/duplicates?domain=kessler.de", allowed=SIGNED_IN, denied=("anon",)
    ),
    ("GET", f"{P}/accounts/{{account_id}}"): Case(
        params=_account_id, allowed=SIGNED_IN, denied=("anon",)
    ),
    ("PATCH", f"{P}/accounts/{{account_id}}"): Case(
        method="PATCH",
        params=_account_id,
        body={"industry": "Machine building"},
        allowed=WRITERS,
        denied=("anon", "readonly"),
    ),
    ("DELETE", f"{P}/accounts/{{account_id}}"): Case(
        method="DELETE", params=_account_id, allowed=WRITERS, denied=("anon", "readonly")
    ),
    ("POST", f"{P}/accounts/{{account_id}}/merge"): Case(
        method="POST",
        params=_two_accounts,
        body=_merge_body,
        allowed=MERGERS,
        denied=NOT_MERGERS_API,
    ),
    ("GET", f"{P}/accounts/{{account_id}}/timeline"): Case(
        params=_account_id, allowed=SIGNED_IN, denied=("anon",)
    ),
    ("GET", f"{P}/contacts"): Case(allowed=SIGNED_IN, denied=("anon",)),
    ("POST", f"{P}/contacts"): Case(
        method="POST",
        body={"first_name": "Jonas", "last_name": "Weber", "email": "jonas@vogt.de"},
        allowed=WRITERS,
        denied=("anon", "readonly"),
    ),
    ("GET", f"{P}/contacts/duplicates"): Case(
        path=f"{P}/contacts/duplicates?email=anna@kessler.de", allowed=SIGNED_IN, denied=("anon",)
    ),
    ("GET", f"{P}/contacts/{{contact_id}}"): Case(
        params=_contact_id, allowed=SIGNED_IN, denied=("anon",)
    ),
    ("PATCH", f"{P}/contacts/{{contact_id}}"): Case(
        method="PATCH",
        params=_contact_id,
        body={"title": "Leiterin Einkauf"},
        allowed=WRITERS,
        denied=("anon", "readonly"),
    ),
    ("DELETE", f"{P}/contacts/{{contact_id}}"): Case(
        method="DELETE", params=_contact_id, allowed=WRITERS, denied=("anon", "readonly")
    ),
    ("POST", f"{P}/contacts/{{contact_id}}/merge"): Case(
        method="POST",
        params=_two_contacts,
        body=_merge_body,
        allowed=MERGERS,
        denied=NOT_MERGERS_API,
    ),
    ("GET", f"{P}/contacts/{{contact_id}}/timeline"): Case(
        params=_contact_id, allowed=SIGNED_IN, denied=("anon",)
    ),
    ("GET", f"{P}/activities"): Case(allowed=SIGNED_IN, denied=("anon",)),
    ("POST", f"{P}/activities"): Case(
        method="POST", body=_task_body, allowed=WRITERS, denied=("anon", "readonly")
    ),
    ("GET", f"{P}/activities/{{activity_id}}"): Case(
        params=_activity_id, allowed=SIGNED_IN, denied=("anon",)
    ),
    ("DELETE", f"{P}/activities/{{activity_id}}"): Case(
        method="DELETE", params=_activity_id, allowed=WRITERS, denied=("anon", "readonly")
    ),
    ("GET", f"{P}/tasks"): Case(path=f"{P}/tasks?mine=true", allowed=SIGNED_IN, denied=("anon",)),
    ("PATCH", f"{P}/tasks/{{activity_id}}"): Case(
        method="PATCH",
        params=_activity_id,
        body={"done": True},
        allowed=WRITERS,
        denied=("anon", "readonly"),
    ),
}
