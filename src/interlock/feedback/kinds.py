"""Deliverable kinds the complaint desk registers: first response and resolution.

Both are delivered by ``complaint.created`` at the place "severity:<code>",
so a term can say "critical complaints get a first response within 4 hours".
Resolving a complaint also counts as its first response (the service sets
``first_response_at`` then without recording ``complaint.first_response``).
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from interlock.core import deliverables
from interlock.core.deliverables import UNDECIDED, Attribute, DeliverableKind, Delivery
from interlock.core.models import Event

FIRST_RESPONSE = "complaint.first_response"
RESOLUTION = "complaint.resolution"


def _complaint_id(key: str) -> int | None:
    head, _sep, tail = key.partition(":")
    return int(tail) if head == "complaint" and tail.isdigit() else None


def _event_complaint_id(event: Event) -> int | None:
    if event.subject_type != "feedback.complaint":
        return None
    return int(event.subject_id)


def complaint_key(event: Event) -> str | None:
    complaint_id = _event_complaint_id(event)
    return f"complaint:{complaint_id}" if complaint_id else None


def complaint_delivery(event: Event) -> Delivery | None:
    if event.type != "complaint.created":
        return None
    complaint_id = _event_complaint_id(event)
    if complaint_id is None:
        return None
    payload = event.payload
    if "owner_id" in payload:
        owner_id = payload["owner_id"]
    else:  # events recorded before the payload carried the owner
        from interlock.feedback.models import Complaint

        owner_id = (
            Complaint.all_objects.filter(pk=complaint_id).values_list("owner_id", flat=True).first()
        )
    severity = str(payload.get("severity") or "")
    return Delivery(
        key=f"complaint:{complaint_id}",
        at=event.occurred_at,
        place=f"severity:{severity}" if severity else "",
        assignee_id=owner_id,
        subject=("feedback.complaint", complaint_id),
        title=str(payload.get("title") or f"#{complaint_id}"),
    )


def complaint_evaluate(keys: list[str]) -> dict[str, dict[str, Any]]:
    from interlock.feedback.models import Complaint

    ids = {key: pk for key in keys if (pk := _complaint_id(key)) is not None}
    rows = Complaint.all_objects.filter(pk__in=set(ids.values())).values_list(
        "pk", "severity", "channel", "satisfaction"
    )
    found = {pk: (severity, channel, satisfaction) for pk, severity, channel, satisfaction in rows}
    result: dict[str, dict[str, Any]] = {}
    for key, pk in ids.items():
        if pk not in found:
            continue
        severity, channel, satisfaction = found[pk]
        result[key] = {
            "severity": severity,
            "channel": channel,
            "satisfaction": UNDECIDED if satisfaction is None else satisfaction,
        }
    return result


def _places() -> list[tuple[str, str]]:
    from interlock.feedback.models import Complaint

    return [(f"severity:{code}", str(label)) for code, label in Complaint.Severity.choices]


def place_label(place: str) -> str:
    from interlock.feedback.models import Complaint

    code = place.partition(":")[2]
    if place.startswith("severity:") and code in Complaint.Severity.values:
        return str(Complaint.Severity(code).label)
    return place


def _url(key: str) -> str | None:
    pk = _complaint_id(key)
    return reverse("feedback:complaint", args=[pk]) if pk else None


def _attributes() -> dict[str, Attribute]:
    from interlock.feedback.models import Complaint

    return {
        "severity": Attribute(
            "severity", _("severity"), "choice", tuple(Complaint.Severity.choices)
        ),
        "channel": Attribute("channel", _("channel"), "choice", tuple(Complaint.Channel.choices)),
        "satisfaction": Attribute(
            "satisfaction", _("customer satisfaction (1–5)"), "number", unit=_("points")
        ),
    }


def register_kinds() -> None:
    common: dict[str, Any] = {
        "delivered_by": frozenset({"complaint.created"}),
        # A complaint moved to the trash (the event names the complaint as subject).
        "cancelled_by": frozenset({"trash.moved"}),
        "delivery": complaint_delivery,
        "instance_key": complaint_key,
        "attributes": _attributes(),
        "evaluate": complaint_evaluate,
        "places": _places,
        "place_label": place_label,
        "provider_function": "customer_success",
        "receiver_function": "",
        "url": _url,
    }
    deliverables.register(
        DeliverableKind(
            key=FIRST_RESPONSE,
            label=_("Complaint answered for the first time"),
            noun=_("complaint"),
            noun_plural=_("complaints"),
            duty=_("gives a first response to"),
            description=_(
                "A complaint; done with the first response to the customer (or when it "
                "is resolved)."
            ),
            fulfilled_by=frozenset({"complaint.first_response", "complaint.resolved"}),
            **common,
        )
    )
    deliverables.register(
        DeliverableKind(
            key=RESOLUTION,
            label=_("Complaint resolved"),
            noun=_("complaint"),
            noun_plural=_("complaints"),
            duty=_("resolves"),
            description=_("A complaint; done when it is resolved."),
            fulfilled_by=frozenset({"complaint.resolved"}),
            **common,
        )
    )
