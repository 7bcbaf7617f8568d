"""The deliverable kind sales registers: a won deal handed over to customer success.

``deal.won`` delivers it to the deal's owner (sales must act: fill in the
handover form), ``deal.handover_completed`` fulfils it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlock.core import deliverables
from interlock.core.deliverables import UNDECIDED, Attribute, DeliverableKind, Delivery
from interlock.core.models import Event

HANDOVER = "deal.handover"
# After this long without a completed form, "form complete" is decided: no.
COMPLETE_WITHIN = timedelta(days=7)


def _deal_id(key: str) -> int | None:
    head, _sep, tail = key.partition(":")
    return int(tail) if head == "deal" and tail.isdigit() else None


def _event_deal_id(event: Event) -> int | None:
    deal_id = event.payload.get("deal_id") or (
        event.subject_id if event.subject_type == "sales.deal" else None
    )
    return int(deal_id) if deal_id else None


def handover_delivery(event: Event) -> Delivery | None:
    if event.type != "deal.won":
        return None
    deal_id = _event_deal_id(event)
    if deal_id is None:
        return None
    payload = event.payload
    if "owner_id" in payload:
        owner_id = payload["owner_id"]
    else:  # events recorded before the payload carried the owner
        from interlock.sales.models import Deal

        owner_id = Deal.all_objects.filter(pk=deal_id).values_list("owner_id", flat=True).first()
    return Delivery(
        key=f"deal:{deal_id}",
        at=event.occurred_at,
        assignee_id=owner_id,
        subject=("sales.deal", deal_id),
        title=str(payload.get("title") or f"#{deal_id}"),
    )


def handover_instance_key(event: Event) -> str | None:
    deal_id = _event_deal_id(event)
    return f"deal:{deal_id}" if deal_id else None


def handover_evaluate(keys: list[str]) -> dict[str, dict[str, Any]]:
    """``fields_complete``: the handover form was completed with every field filled.

    A form still a draft is UNDECIDED for a week after the win (the time term
    measures how fast; this criterion whether it happened at all), then False.
    """
    from interlock.sales.models import Deal, DealHandover

    ids = {key: deal_id for key in keys if (deal_id := _deal_id(key)) is not None}
    deals = {
        pk: (amount, won_at)
        for pk, amount, won_at in Deal.all_objects.filter(pk__in=set(ids.values())).values_list(
            "pk", "amount", "won_at"
        )
    }
    forms = {h.deal_id: h for h in DealHandover.objects.filter(deal_id__in=set(ids.values()))}
    now = timezone.now()
    result: dict[str, dict[str, Any]] = {}
    for key, deal_id in ids.items():
        if deal_id not in deals:
            continue
        amount, won_at = deals[deal_id]
        form = forms.get(deal_id)
        if form is not None and form.completed_at is not None:
            complete: Any = not form.missing()
        elif won_at is not None and now - won_at > COMPLETE_WITHIN:
            complete = False
        else:
            complete = UNDECIDED
        result[key] = {"amount": amount, "fields_complete": complete}
    return result


def _url(key: str) -> str | None:
    deal_id = _deal_id(key)
    return reverse("sales:handover", args=[deal_id]) if deal_id else None


def register_kinds() -> None:
    deliverables.register(
        DeliverableKind(
            key=HANDOVER,
            label=_("Won deal handed over to customer success"),
            description=_(
                "A won deal; done when sales completes the handover form (goals, "
                "stakeholders, commitments, risks, next steps) for customer success."
            ),
            delivered_by=frozenset({"deal.won"}),
            fulfilled_by=frozenset({"deal.handover_completed"}),
            delivery=handover_delivery,
            instance_key=handover_instance_key,
            attributes={
                "amount": Attribute("amount", _("deal amount"), "number"),
                "fields_complete": Attribute(
                    "fields_complete", _("handover form complete"), "bool"
                ),
            },
            evaluate=handover_evaluate,
            provider_function="sales",
            receiver_function="customer_success",
            url=_url,
        )
    )
