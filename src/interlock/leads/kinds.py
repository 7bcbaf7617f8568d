"""Deliverable kinds lead management registers for team agreements.

- ``lead.handoff``: an MQL handed to a sales queue, answered by accepting or
  rejecting it;
- ``lead.rejection_feedback``: a rejected lead back to marketing, answered by
  marketing's acknowledgement or dispute;
- ``lead.sql_to_opportunity``: an SQL that sales turns into an opportunity.

``delivery()`` and ``instance_key()`` read the event only (payload, subject,
time): replaying millions of events must not cost a query each. The few
lookups left are for facts that older events do not carry yet, and the
``evaluate()`` functions read the current state in one batch per kind.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interlock.core import deliverables
from interlock.core.deliverables import UNDECIDED, Attribute, DeliverableKind, Delivery
from interlock.core.models import Event

HANDOFF = "lead.handoff"
REJECTION = "lead.rejection_feedback"
SQL_WINDOW = timedelta(days=30)
# Stages at or beyond SQL: a lead that went straight to opportunity also "became SQL".
REACHED_SQL = ("sql", "opportunity", "customer")


def _id(key: str, prefix: str) -> int | None:
    head, _sep, tail = key.partition(":")
    if head != prefix:
        return None
    number = tail.split(":", 1)[0]
    return int(number) if number.isdigit() else None


def _ids(keys: list[str], prefix: str) -> dict[str, int]:
    found = {}
    for key in keys:
        number = _id(key, prefix)
        if number is not None:
            found[key] = number
    return found


def _team_places() -> list[tuple[str, str]]:
    from interlock.org.models import Team

    teams = Team.objects.filter(function=Team.Function.SALES).order_by("name")
    return [(f"team:{team.pk}", team.name) for team in teams]


def team_place_label(place: str) -> str:
    from interlock.org.models import Team

    team_id = _id(place, "team")
    team = Team.all_objects.filter(pk=team_id).first() if team_id else None
    return team.name if team is not None else place


def _lead_title(payload: dict[str, Any]) -> str:
    name = str(payload.get("contact_name") or "").strip()
    return name or f"#{payload.get('contact_id', '')}"


def _handoff_key(event: Event) -> str | None:
    handoff_id = event.payload.get("handoff_id") or (
        event.subject_id if event.subject_type == "leads.handoff" else None
    )
    return f"handoff:{handoff_id}" if handoff_id else None


def _contact_url(contact_id: int | None) -> str | None:
    return reverse("customers:contact", args=[contact_id]) if contact_id else None


def _handoff_url(key: str) -> str | None:
    from interlock.leads.models import Handoff

    handoff_id = _id(key, "handoff")
    if handoff_id is None:
        return None
    contact_id = Handoff.objects.filter(pk=handoff_id).values_list("contact_id", flat=True).first()
    return _contact_url(contact_id)


# --- lead.handoff -------------------------------------------------------------------


def handoff_delivery(event: Event) -> Delivery | None:
    if event.type != "lead.handed_off":
        return None
    key = _handoff_key(event)
    if key is None:
        return None
    payload = event.payload
    team_id = payload.get("team_id")
    return Delivery(
        key=key,
        at=event.occurred_at,
        place=f"team:{team_id}" if team_id else "",
        assignee_id=payload.get("assignee_id"),
        team_id=team_id,
        subject=("leads.handoff", int(key.split(":")[1])),
        title=_lead_title(payload),
    )


def _fields_complete(contact: Any) -> bool:
    return all(
        str(value or "").strip()
        for value in (contact.email, contact.phone, contact.title, contact.account_id)
    )


def _handed_off_grades(handoff_ids: list[int]) -> dict[int, str]:
    """The fit grade each handoff's event recorded (events of older releases have none)."""
    rows = Event.objects.filter(
        type="lead.handed_off", subject_type="leads.handoff", subject_id__in=handoff_ids
    ).values_list("subject_id", "payload")
    return {sid: str(p.get("fit_grade") or "") for sid, p in rows if p.get("fit_grade")}


def _sql_moments(contact_ids: set[int]) -> dict[int, list[datetime]]:
    from interlock.leads.models import LifecycleTransition

    moments: dict[int, list[datetime]] = {}
    rows = LifecycleTransition.objects.filter(
        contact_id__in=contact_ids, to_stage__in=REACHED_SQL
    ).values_list("contact_id", "at")
    for contact_id, at in rows:
        moments.setdefault(contact_id, []).append(at)
    return moments


def handoff_evaluate(keys: list[str]) -> dict[str, dict[str, Any]]:
    from interlock.leads.models import Handoff, LeadProfile

    ids = _ids(keys, "handoff")
    handoffs = {
        h.pk: h for h in Handoff.objects.filter(pk__in=set(ids.values())).select_related("contact")
    }
    contact_ids = {h.contact_id for h in handoffs.values()}
    grades = _handed_off_grades(list(handoffs))
    current = dict(
        LeadProfile.objects.filter(contact_id__in=contact_ids).values_list(
            "contact_id", "fit_grade"
        )
    )
    sql_at = _sql_moments(contact_ids)
    now = timezone.now()
    result: dict[str, dict[str, Any]] = {}
    for key, handoff_id in ids.items():
        handoff = handoffs.get(handoff_id)
        if handoff is None:
            continue
        if handoff.status == Handoff.Status.OPEN:
            accepted: Any = UNDECIDED
        elif handoff.status == Handoff.Status.WITHDRAWN:
            accepted = UNDECIDED  # left the queue another way: neither accepted nor refused
        else:
            accepted = handoff.status == Handoff.Status.ACCEPTED
        window_end = handoff.handed_at + SQL_WINDOW
        reached = any(
            handoff.handed_at <= at <= window_end for at in sql_at.get(handoff.contact_id, [])
        )
        became: Any = True if reached else (False if now > window_end else UNDECIDED)
        grade = grades.get(handoff_id) or current.get(handoff.contact_id) or ""
        result[key] = {
            "accepted": accepted,
            "fit_grade": grade or UNDECIDED,
            "fields_complete": _fields_complete(handoff.contact),
            "became_sql_30d": became,
            "source": handoff.source or "",
        }
    return result


def _open_handoff(key: str) -> Any:
    from interlock.leads.models import Handoff

    handoff_id = _id(key, "handoff")
    if handoff_id is None:
        return None
    return Handoff.objects.filter(pk=handoff_id, status=Handoff.Status.OPEN).first()


def handoff_fulfil_by_default(key: str, actor: Any) -> None:
    """Count the lead as accepted (the ladder's "not answered in time counts as accepted")."""
    from interlock.leads.services_feedback import handoff_accept_by_default

    handoff = _open_handoff(key)
    if handoff is not None:  # answered meanwhile: nothing left to do
        handoff_accept_by_default(handoff=handoff)


def handoff_return_to_provider(key: str, actor: Any) -> None:
    """Take the lead out of the queue and back to marketing (recycled)."""
    from interlock.leads.services_feedback import handoff_return_to_marketing

    handoff = _open_handoff(key)
    if handoff is not None:
        handoff_return_to_marketing(handoff=handoff, actor=actor)


def handoff_reassign_hook(key: str, user_id: int | None, actor: Any) -> None:
    from interlock.leads.services_feedback import handoff_reassign

    handoff = _open_handoff(key)
    if handoff is not None:
        handoff_reassign(handoff=handoff, assignee_id=user_id, actor=actor)


# --- lead.rejection_feedback ----------------------------------------------------------


def rejection_delivery(event: Event) -> Delivery | None:
    if event.type != "lead.rejected":
        return None
    key = _handoff_key(event)
    if key is None:
        return None
    payload = event.payload
    team_id = payload.get("team_id")
    assignee_id, marketing_team_id = _marketing_owner(payload)
    return Delivery(
        key=key,
        at=event.occurred_at,
        place=f"team:{team_id}" if team_id else "",
        assignee_id=assignee_id,
        team_id=marketing_team_id,
        subject=("leads.handoff", int(key.split(":")[1])),
        title=_lead_title(payload),
    )


def _marketing_owner(payload: dict[str, Any]) -> tuple[int | None, int | None]:
    """The contact's owner and their marketing team, when the owner works in marketing."""
    from interlock.customers.models import Contact
    from interlock.org.models import Membership, Team

    if "owner_id" in payload:
        owner_id = payload["owner_id"]
    else:  # events recorded before the payload carried the owner
        owner_id = (
            Contact.all_objects.filter(pk=int(payload.get("contact_id") or 0))
            .values_list("owner_id", flat=True)
            .first()
        )
    if not owner_id:
        return None, None
    team_id = (
        Membership.objects.filter(
            user_id=owner_id,
            team__function=Team.Function.MARKETING,
            team__deleted_at__isnull=True,
        )
        .order_by("team_id")
        .values_list("team_id", flat=True)
        .first()
    )
    return (owner_id, team_id) if team_id else (None, None)


def rejection_evaluate(keys: list[str]) -> dict[str, dict[str, Any]]:
    from interlock.leads.models import Handoff

    ids = _ids(keys, "handoff")
    rows = Handoff.objects.filter(pk__in=set(ids.values())).select_related("reason")
    handoffs = {h.pk: h for h in rows}
    result: dict[str, dict[str, Any]] = {}
    for key, handoff_id in ids.items():
        handoff = handoffs.get(handoff_id)
        if handoff is None:
            continue
        answered = handoff.answered_at is not None or handoff.disputed_at is not None
        result[key] = {
            "outcome": handoff.reason.outcome if handoff.reason else UNDECIDED,
            "reason": handoff.reason.code if handoff.reason else UNDECIDED,
            "commented": bool(handoff.comment.strip()),
            "disputed": handoff.disputed_at is not None if answered else UNDECIDED,
        }
    return result


# --- registration -----------------------------------------------------------------------


def _source_choices() -> tuple[tuple[str, Any], ...]:
    from interlock.leads.models import Source

    return tuple(Source.choices)


def _reason_choices() -> tuple[tuple[str, Any], ...]:
    from interlock.leads.services_handoff import SEEDED

    return tuple((code, label) for code, (_n, label, _o) in SEEDED.items())


def register_kinds() -> None:
    from interlock.leads.kinds_sql import register_sql_kind
    from interlock.leads.models import RejectionReason

    grades = tuple((g, g) for g in ("A", "B", "C", "D"))
    deliverables.register(
        DeliverableKind(
            key=HANDOFF,
            label=_("MQL handed to a sales queue"),
            noun=_("MQL"),
            noun_plural=_("MQLs"),
            duty=_("accepts or rejects"),
            description=_(
                "A marketing-qualified lead handed to a sales queue; answered when the "
                "queue accepts or rejects it."
            ),
            delivered_by=frozenset({"lead.handed_off"}),
            fulfilled_by=frozenset({"lead.accepted", "lead.rejected"}),
            cancelled_by=frozenset({"lead.handoff_withdrawn"}),
            delivery=handoff_delivery,
            instance_key=_handoff_key,
            attributes={
                "accepted": Attribute("accepted", _("accepted by the queue"), "bool"),
                "fit_grade": Attribute("fit_grade", _("fit grade"), "grade", grades),
                "fields_complete": Attribute(
                    "fields_complete",
                    _("e-mail, phone, job title and account filled"),
                    "bool",
                ),
                "became_sql_30d": Attribute(
                    "became_sql_30d", _("became SQL within 30 days"), "bool"
                ),
                "source": Attribute("source", _("source"), "choice", _source_choices()),
            },
            evaluate=handoff_evaluate,
            places=_team_places,
            place_label=team_place_label,
            provider_function="marketing",
            receiver_function="sales",
            fulfil_by_default=handoff_fulfil_by_default,
            return_to_provider=handoff_return_to_provider,
            reassign=handoff_reassign_hook,
            url=_handoff_url,
        )
    )
    deliverables.register(
        DeliverableKind(
            key=REJECTION,
            label=_("Rejected lead back to marketing"),
            noun=_("rejected lead"),
            noun_plural=_("rejected leads"),
            duty=_("answers"),
            description=_(
                "A lead a sales queue rejected; answered when marketing acknowledges "
                "the rejection or disputes it."
            ),
            delivered_by=frozenset({"lead.rejected"}),
            fulfilled_by=frozenset({"lead.rejection_answered", "lead.disputed"}),
            delivery=rejection_delivery,
            instance_key=_handoff_key,
            attributes={
                "outcome": Attribute(
                    "outcome", _("outcome"), "choice", tuple(RejectionReason.Outcome.choices)
                ),
                "reason": Attribute("reason", _("rejection reason"), "choice", _reason_choices()),
                "commented": Attribute("commented", _("rejection has a comment"), "bool"),
                "disputed": Attribute("disputed", _("disputed by marketing"), "bool"),
            },
            evaluate=rejection_evaluate,
            places=_team_places,
            place_label=team_place_label,
            provider_function="sales",
            receiver_function="marketing",
            url=_handoff_url,
        )
    )
    register_sql_kind()
