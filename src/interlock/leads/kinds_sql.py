"""The deliverable kind ``lead.sql_to_opportunity``: an SQL that sales turns into an opportunity.

``lead.stage_changed`` into SQL delivers it (key ``contact:<id>:<transition id>``:
a contact may enter SQL more than once); the next move out of SQL closes it
(to opportunity, or recycled/disqualified: the attribute
``became_opportunity`` tells them apart).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from interlock.core import deliverables
from interlock.core.deliverables import UNDECIDED, Attribute, DeliverableKind, Delivery
from interlock.core.models import Event
from interlock.leads.kinds import _contact_url, _id, _lead_title

SQL = "lead.sql_to_opportunity"


def sql_delivery(event: Event) -> Delivery | None:
    payload = event.payload
    if event.type != "lead.stage_changed" or payload.get("to") != "sql":
        return None
    contact_id, transition_id = payload.get("contact_id"), payload.get("transition_id")
    if not contact_id or not transition_id:
        return None
    if "owner_id" in payload:
        owner_id = payload["owner_id"]
    else:  # the transition row keeps the owner of that moment (append-only)
        from interlock.leads.models import LifecycleTransition

        owner_id = (
            LifecycleTransition.objects.filter(pk=transition_id)
            .values_list("owner_id", flat=True)
            .first()
        )
    return Delivery(
        key=f"contact:{contact_id}:{transition_id}",
        at=event.occurred_at,
        assignee_id=owner_id,
        subject=("customers.contact", int(contact_id)),
        title=_lead_title(payload),
    )


def sql_instance_key(event: Event) -> str | None:
    """A move out of SQL closes that SQL entry: to opportunity, or recycled/disqualified.

    The key names the transition into SQL; the latest one before this move
    (transitions are append-only, so a replay finds the same one).
    """
    from interlock.leads.models import LifecycleTransition

    payload = event.payload
    if event.type != "lead.stage_changed" or payload.get("from") != "sql":
        return None
    contact_id, transition_id = payload.get("contact_id"), payload.get("transition_id")
    if not contact_id or not transition_id:
        return None
    entered = (
        LifecycleTransition.objects.filter(
            contact_id=contact_id, to_stage="sql", pk__lt=transition_id
        )
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    return f"contact:{contact_id}:{entered}" if entered else None


def sql_evaluate(keys: list[str]) -> dict[str, dict[str, Any]]:
    from interlock.leads.models import LifecycleTransition
    from interlock.sales.models import Deal

    parsed: dict[str, tuple[int, int]] = {}
    for key in keys:
        parts = key.split(":")
        if len(parts) == 3 and parts[0] == "contact" and parts[1].isdigit() and parts[2].isdigit():
            parsed[key] = (int(parts[1]), int(parts[2]))
    contact_ids = {c for c, _t in parsed.values()}
    entered = dict(
        LifecycleTransition.objects.filter(pk__in={t for _c, t in parsed.values()}).values_list(
            "pk", "at"
        )
    )
    # Every later move of these contacts: the first one out of SQL decides.
    moves: dict[int, list[tuple[int, str]]] = {}
    for contact_id, pk, to_stage in (
        LifecycleTransition.objects.filter(contact_id__in=contact_ids, from_stage="sql")
        .order_by("pk")
        .values_list("contact_id", "pk", "to_stage")
    ):
        moves.setdefault(contact_id, []).append((pk, to_stage))
    deals: dict[int, list[tuple[datetime, Any]]] = {}
    for contact_id, created_at, deal_amount in (
        Deal.all_objects.filter(contact_id__in=contact_ids)
        .order_by("created_at", "pk")
        .values_list("contact_id", "created_at", "amount")
    ):
        deals.setdefault(contact_id, []).append((created_at, deal_amount))
    result: dict[str, dict[str, Any]] = {}
    for key, (contact_id, transition_id) in parsed.items():
        if transition_id not in entered:
            continue
        left = next((to for pk, to in moves.get(contact_id, []) if pk > transition_id), None)
        deal = next(
            (a for at, a in deals.get(contact_id, []) if at >= entered[transition_id]), None
        )
        if deal is not None:
            amount: Any = deal
        else:
            amount = UNDECIDED if left in (None, "opportunity") else 0
        result[key] = {
            "became_opportunity": UNDECIDED if left is None else left == "opportunity",
            "amount": amount,
        }
    return result


def _sql_url(key: str) -> str | None:
    return _contact_url(_id(key, "contact"))


def register_sql_kind() -> None:
    deliverables.register(
        DeliverableKind(
            key=SQL,
            label=_("SQL turned into an opportunity"),
            noun=_("SQL"),
            noun_plural=_("SQLs"),
            duty=_("turns into an opportunity (or closes)"),
            description=_(
                "A sales-qualified lead; done when it becomes an opportunity (or leaves "
                "SQL as recycled or disqualified)."
            ),
            delivered_by=frozenset({"lead.stage_changed"}),
            fulfilled_by=frozenset({"lead.stage_changed"}),
            delivery=sql_delivery,
            instance_key=sql_instance_key,
            attributes={
                "became_opportunity": Attribute(
                    "became_opportunity", _("became an opportunity"), "bool"
                ),
                "amount": Attribute("amount", _("deal amount"), "number"),
            },
            evaluate=sql_evaluate,
            provider_function="sales",
            receiver_function="sales",
            url=_sql_url,
        )
    )
