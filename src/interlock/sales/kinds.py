"""The deliverable kinds sales registers for team agreements.

- ``deal.handover``: a won deal handed over to customer success. ``deal.won``
  delivers it to the deal's owner (sales must act: fill in the handover form),
  ``deal.handover_completed`` fulfils it.
- ``deal.upsell``: an upsell signal — an opportunity opened at an existing
  customer (usually by customer success). ``deal.created`` delivers it to the
  deal's owner in sales; the first move on the board, or the deal won or lost,
  fulfils it (sales took it up).
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
UPSELL = "deal.upsell"
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


def upsell_delivery(event: Event) -> Delivery | None:
    """Only deals opened at an account that was a customer at that moment."""
    if event.type != "deal.created" or not event.payload.get("existing_customer"):
        return None
    deal_id = _event_deal_id(event)
    if deal_id is None:
        return None
    return Delivery(
        key=f"deal:{deal_id}",
        at=event.occurred_at,
        assignee_id=event.payload.get("owner_id"),
        subject=("sales.deal", deal_id),
        title=str(event.payload.get("title") or f"#{deal_id}"),
    )


def upsell_evaluate(keys: list[str]) -> dict[str, dict[str, Any]]:
    """``amount`` of the deal, and ``won`` once it is closed (UNDECIDED while open)."""
    from interlock.sales.models import Deal

    ids = {key: deal_id for key in keys if (deal_id := _deal_id(key)) is not None}
    rows = {
        pk: (amount, won_at, lost_at)
        for pk, amount, won_at, lost_at in Deal.all_objects.filter(
            pk__in=set(ids.values())
        ).values_list("pk", "amount", "won_at", "lost_at")
    }
    result: dict[str, dict[str, Any]] = {}
    for key, deal_id in ids.items():
        if deal_id not in rows:
            continue
        amount, won_at, lost_at = rows[deal_id]
        won: Any = True if won_at else (False if lost_at else UNDECIDED)
        result[key] = {"amount": amount, "won": won}
    return result


def _deal_url(key: str) -> str | None:
    deal_id = _deal_id(key)
    return reverse("sales:deal", args=[deal_id]) if deal_id else None


def _url(key: str) -> str | None:
    deal_id = _deal_id(key)
    return reverse("sales:handover", args=[deal_id]) if deal_id else None


def register_kinds() -> None:
    deliverables.register(
        DeliverableKind(
            key=HANDOVER,
            label=_("Won deal handed over to customer success"),
            noun=_("won deal"),
            noun_plural=_("won deals"),
            duty=_("completes the handover form for"),
            acting_side="provider",
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
    deliverables.register(
        DeliverableKind(
            key=UPSELL,
            label=_("Upsell signal taken up by sales"),
            noun=_("upsell signal"),
            noun_plural=_("upsell signals"),
            duty=_("takes up"),
            description=_(
                "An opportunity opened at an existing customer; done when sales moves it "
                "on the board, wins it or closes it as lost."
            ),
            delivered_by=frozenset({"deal.created"}),
            fulfilled_by=frozenset({"deal.stage_changed", "deal.won", "deal.lost"}),
            delivery=upsell_delivery,
            instance_key=handover_instance_key,
            attributes={
                "amount": Attribute("amount", _("deal amount"), "number"),
                "won": Attribute("won", _("won"), "bool"),
            },
            evaluate=upsell_evaluate,
            provider_function="customer_success",
            receiver_function="sales",
            url=_deal_url,
        )
    )
