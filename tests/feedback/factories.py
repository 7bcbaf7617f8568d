"""Rows the feedback tests need (created directly; the services are what is tested)."""

from __future__ import annotations

from typing import Any

from interlock.customers.models import Account, Contact
from interlock.feedback import services
from interlock.feedback.models import Complaint, ComplaintCategory, Idea


def account(name: str = "Kessler Maschinenbau", **extra: Any) -> Account:
    return Account.objects.create(name=name, **extra)


def contact(acc: Account, last_name: str = "Weber") -> Contact:
    return Contact.objects.create(account=acc, last_name=last_name, email=f"{last_name}@x.de")


def category(name: str = "Lieferverzug", active: bool = True) -> ComplaintCategory:
    return ComplaintCategory.objects.get_or_create(name=name, defaults={"active": active})[0]


def complaint(actor: Any, acc: Account | None = None, **extra: Any) -> Complaint:
    fields: dict[str, Any] = {
        "account": acc or account(),
        "category": category(),
        "channel": "phone",
        "title": "Lieferung zu spät",
    }
    fields.update(extra)
    return services.complaint_create(actor=actor, **fields)


def idea(actor: Any, title: str = "Ersatzteilportal") -> Idea:
    return services.idea_create(actor=actor, title=title)
