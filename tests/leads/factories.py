"""Small builders shared by the lead-management tests (rows created directly)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from interlock.customers.models import Account, Contact
from interlock.leads.models import Handoff, RejectionReason


def make_account(name: str = "Kessler Maschinenbau GmbH", **extra: Any) -> Account:
    return Account.objects.create(name=name, **extra)


def make_contact(
    stage: str = "",
    *,
    account: Account | None = None,
    last_name: str = "Weber",
    **extra: Any,
) -> Contact:
    """A contact standing at ``stage`` (set directly: no transition is recorded)."""
    return Contact.objects.create(
        account=account if account is not None else make_account(),
        last_name=last_name,
        email=f"{last_name.lower()}@example.de",
        lifecycle_stage=stage,
        **extra,
    )


def make_handoff(
    *,
    team: Any,
    contact: Contact | None = None,
    assignee: Any = None,
    status: str = Handoff.Status.OPEN,
    handed_at: datetime | None = None,
    due_in: timedelta = timedelta(hours=8),
    reason_code: str = "",
    **extra: Any,
) -> Handoff:
    """A handoff of an MQL contact to ``team`` (rejected ones get ``reason_code``)."""
    handed_at = handed_at or timezone.now()
    if status == Handoff.Status.REJECTED and not reason_code:
        reason_code = "wrong-size"
    reason = RejectionReason.objects.get(code=reason_code) if reason_code else None
    return Handoff.objects.create(
        contact=contact or make_contact("mql"),
        team=team,
        assignee=assignee,
        handed_at=handed_at,
        due_at=handed_at + due_in,
        status=status,
        reason=reason,
        responded_at=handed_at + timedelta(hours=1) if status != Handoff.Status.OPEN else None,
        **extra,
    )
