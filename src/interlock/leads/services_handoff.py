"""Writes for the managed list of rejection reasons, and their names for people.

The seven reasons seeded by migration 0002 keep an English ``name`` in their
row; :func:`reason_label` shows the translated name for a seeded code as long
as nobody renamed it, and the stored name once somebody did.

Seeded outcomes: "no need now" and "wrong persona" send the lead back to
marketing as *recycled* (the company may still buy later, or through someone
else); wrong company size, wrong region, existing customer, competitor and
wrong contact data *disqualify* it (nurturing it again would not help).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from interlock.core import events, policy
from interlock.leads.models import RejectionReason

Outcome = RejectionReason.Outcome

# code -> (English name as stored, translated name, outcome); the migration seeds these.
SEEDED: dict[str, tuple[str, Any, str]] = {
    "wrong-size": ("Wrong company size", _("Wrong company size"), Outcome.DISQUALIFIED),
    "wrong-persona": ("Wrong persona", _("Wrong persona"), Outcome.RECYCLED),
    "wrong-region": ("Wrong region", _("Wrong region"), Outcome.DISQUALIFIED),
    "existing-customer": ("Existing customer", _("Existing customer"), Outcome.DISQUALIFIED),
    "competitor": ("Competitor", _("Competitor"), Outcome.DISQUALIFIED),
    "contact-data-wrong": (
        "Contact data wrong",
        _("Contact data wrong"),
        Outcome.DISQUALIFIED,
    ),
    "no-need-now": ("No need now", _("No need now"), Outcome.RECYCLED),
}


def reason_label(reason: RejectionReason | None) -> str:
    """The reason's name in the active language (a renamed reason keeps its new name)."""
    if reason is None:
        return ""
    seeded = SEEDED.get(reason.code)
    if seeded is not None and reason.name == seeded[0]:
        return str(seeded[1])
    return reason.name


def _payload(reason: RejectionReason) -> dict[str, Any]:
    return {
        "code": reason.code,
        "name": reason.name,
        "outcome": reason.outcome,
        "active": reason.active,
        "position": reason.position,
    }


def reason_create(
    *, actor: Any, code: str, name: str, outcome: str, position: int = 0
) -> RejectionReason:
    policy.require(actor, "lead.configure")
    reason = RejectionReason(
        code=code.strip().lower(), name=name.strip(), outcome=outcome, position=position
    )
    with transaction.atomic():
        reason.full_clean()
        reason.save()
        events.record(
            "lead.rejection_reason_created", subject=reason, actor=actor, payload=_payload(reason)
        )
    return reason


def reason_update(
    *,
    actor: Any,
    reason: RejectionReason,
    name: str | None = None,
    outcome: str | None = None,
    active: bool | None = None,
    position: int | None = None,
) -> RejectionReason:
    """Rename, change the outcome, retire (``active=False``) or bring back a reason.

    Reasons are never deleted: past rejections keep pointing at them.
    """
    policy.require(actor, "lead.configure")
    with transaction.atomic():
        if name is not None:
            reason.name = name.strip()
        if outcome is not None:
            reason.outcome = outcome
        if active is not None:
            reason.active = active
        if position is not None:
            reason.position = position
        reason.full_clean()
        reason.save()
        events.record(
            "lead.rejection_reason_updated", subject=reason, actor=actor, payload=_payload(reason)
        )
    return reason
