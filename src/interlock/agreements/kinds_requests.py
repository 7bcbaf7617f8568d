"""The deliverable kind "request": one team asks another for something by hand.

``request.created`` delivers it to the asked team ("team:<id>"), with the
wanted-by date as its deadline when one was given; ``request.delivered``
fulfils it, ``request.cancelled`` cancels it.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from interlock.core import deliverables
from interlock.core.deliverables import Attribute, DeliverableKind, Delivery
from interlock.core.models import Event

REQUEST = "request"


def _request_id(event: Event) -> int | None:
    if event.subject_type != "agreements.workrequest":
        return None
    return int(event.subject_id)


def request_key(event: Event) -> str | None:
    pk = _request_id(event)
    return f"request:{pk}" if pk else None


def _moment(value: Any) -> Any:
    moment = parse_datetime(str(value)) if value else None
    return moment if moment is not None and timezone.is_aware(moment) else None


def request_delivery(event: Event) -> Delivery | None:
    if event.type != "request.created":
        return None
    pk = _request_id(event)
    if pk is None:
        return None
    payload = event.payload
    team_id = payload.get("provider_team_id")
    return Delivery(
        key=f"request:{pk}",
        at=event.occurred_at,
        place=f"team:{team_id}" if team_id else "",
        assignee_id=payload.get("assignee_id"),
        team_id=team_id,
        subject=("agreements.workrequest", pk),
        title=str(payload.get("title") or f"#{pk}"),
        due_at=_moment(payload.get("due_at")),
    )


def request_evaluate(keys: list[str]) -> dict[str, dict[str, Any]]:
    from interlock.agreements.models import WorkRequest

    ids = {}
    for key in keys:
        head, _sep, tail = key.partition(":")
        if head == "request" and tail.isdigit():
            ids[key] = int(tail)
    notes = dict(
        WorkRequest.objects.filter(pk__in=set(ids.values())).values_list("pk", "delivery_note")
    )
    return {
        key: {"delivery_note": (notes[pk] or "").strip()} for key, pk in ids.items() if pk in notes
    }


def _places() -> list[tuple[str, str]]:
    from interlock.org.models import Team

    return [(f"team:{team.pk}", team.name) for team in Team.objects.order_by("name")]


def _place_label(place: str) -> str:
    from interlock.org.models import Team

    head, _sep, tail = place.partition(":")
    team = (
        Team.all_objects.filter(pk=int(tail)).first() if head == "team" and tail.isdigit() else None
    )
    return team.name if team is not None else place


def _url(key: str) -> str | None:
    return reverse("agreements:requests") + f"#request-{key.partition(':')[2]}"


def register_kinds() -> None:
    deliverables.register(
        DeliverableKind(
            key=REQUEST,
            label=_("Request made by hand"),
            noun=_("request"),
            noun_plural=_("requests"),
            duty=_("delivers"),
            acting_side="provider",
            description=_(
                "Something one team asks of another, e.g. a case study by a date; done "
                "when the asked team marks it delivered."
            ),
            delivered_by=frozenset({"request.created"}),
            fulfilled_by=frozenset({"request.delivered"}),
            cancelled_by=frozenset({"request.cancelled"}),
            delivery=request_delivery,
            instance_key=request_key,
            attributes={
                "delivery_note": Attribute(
                    "delivery_note", _("note on what was delivered"), "text"
                ),
            },
            evaluate=request_evaluate,
            places=_places,
            place_label=_place_label,
            url=_url,
        )
    )
