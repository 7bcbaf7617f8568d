"""After-commit reactions of the lifecycle to deals.

``deal.created`` makes the deal's contact an opportunity, ``deal.won`` a
customer. Both are idempotent: a contact that already stands at (or beyond)
the target is left alone, so an event delivered twice changes nothing twice.
"""

from __future__ import annotations

from typing import Any

from interlock.core import events
from interlock.customers.models import Contact
from interlock.leads import lifecycle
from interlock.leads.models import Stage


def _contact(event: Any) -> Contact | None:
    contact_id = event.payload.get("contact_id")
    if not contact_id:
        return None
    return Contact.objects.filter(pk=contact_id).first()


def _advance(event: Any, targets: tuple[str, ...]) -> None:
    from interlock.leads.models import LifecycleTransition
    from interlock.leads.services_lifecycle import lifecycle_change

    contact = _contact(event)
    if contact is None:
        return
    for target in targets:
        if contact.lifecycle_stage == target:
            continue
        if not lifecycle.allowed(contact.lifecycle_stage, target):
            continue
        # A late delivery must not write history before the contact's last move.
        last = (
            LifecycleTransition.objects.filter(contact=contact)
            .order_by("-at")
            .values_list("at", flat=True)
            .first()
        )
        at = max(event.occurred_at, last) if last else event.occurred_at
        lifecycle_change(actor=None, contact=contact, to_stage=target, rule=event.type, at=at)


def on_deal_created(event: Any) -> None:
    contact = _contact(event)
    if contact is not None and contact.lifecycle_stage == Stage.CUSTOMER:
        return  # a customer buying again stays a customer
    _advance(event, (Stage.OPPORTUNITY,))


def on_deal_won(event: Any) -> None:
    # A contact attached to the deal only late may not be an opportunity yet:
    # it passes through opportunity, so the funnel keeps every step.
    contact = _contact(event)
    if contact is None or contact.lifecycle_stage == Stage.CUSTOMER:
        return
    if lifecycle.allowed(contact.lifecycle_stage, Stage.CUSTOMER):
        _advance(event, (Stage.CUSTOMER,))
    else:
        _advance(event, (Stage.OPPORTUNITY, Stage.CUSTOMER))


def register() -> None:
    events.subscribe("deal.created", name="leads.lifecycle.deal_created")(on_deal_created)
    events.subscribe("deal.won", name="leads.lifecycle.deal_won")(on_deal_won)
