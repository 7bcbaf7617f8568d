"""The building blocks of lifecycle moves and handoffs, for the services that use them.

``services_lifecycle`` (and the scoring and capture paths) call these inside
their own transaction: the checks of a move, the append-only
:class:`LifecycleTransition` with its ``lead.stage_changed`` event, and the
handoff row chosen by routing with its ``lead.handed_off`` event. The
caller locks the contact first (``lock_contact``) and asks the policy
(``require``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.customers.models import Contact
from interlock.leads import lifecycle
from interlock.leads.models import (
    Handoff,
    LeadProfile,
    LifecycleTransition,
    Stage,
)
from interlock.org.models import BusinessCalendar, Team

# A handoff is answered within this many business hours of the team (the
# agreements issue replaces this default with the signed term).
ANSWER_HOURS = 8
BANT_FIELDS = ("budget", "authority", "need", "timing")
# Moves that take a contact out of a sales queue it still waits in: the open
# handoff is withdrawn (its answer no longer matters). Accepting (SAL) and
# rejecting close the handoff before the contact moves.
WITHDRAWS = frozenset(
    {Stage.SAL, Stage.OPPORTUNITY, Stage.CUSTOMER, Stage.RECYCLED, Stage.DISQUALIFIED}
)


def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else (stage or "—")


def lead_profile(contact: Contact) -> LeadProfile:
    """The contact's lead profile, created on first use."""
    profile, _created = LeadProfile.objects.get_or_create(contact=contact)
    return profile


def require(actor: Any, action: str, obj: Any = None) -> None:
    """A user must pass the policy; ``None`` is a rule or the system acting."""
    if actor is not None:
        policy.require(actor, action, obj)


def lock_contact(contact: Contact) -> Contact:
    # Lock the contact row: two moves at once (the MQL rule and a rep, or a
    # deal event and a rejection) must not both start from the same stage.
    return Contact.all_objects.select_for_update().get(pk=contact.pk)


def missing_bant(profile: LeadProfile) -> list[str]:
    names = {
        "budget": _("budget"),
        "authority": _("authority"),
        "need": _("need"),
        "timing": _("timing"),
    }
    return [names[f] for f in BANT_FIELDS if not str(getattr(profile, f)).strip()]


def check_move(contact: Contact, profile: LeadProfile, to_stage: str, reason: str) -> None:
    if to_stage not in Stage.values:
        raise ValidationError(
            {
                "to_stage": _("“%(stage)s” is not a lifecycle stage. Use one of: %(stages)s.")
                % {"stage": to_stage, "stages": ", ".join(Stage.values)}
            }
        )
    current = contact.lifecycle_stage or ""
    if not lifecycle.allowed(current, to_stage):
        options = ", ".join(stage_label(s) for s in lifecycle.next_stages(current)) or _("none")
        raise ValidationError(
            {
                "to_stage": _(
                    "A contact cannot move from %(from)s to %(to)s. Allowed next stages: %(options)s."
                )
                % {
                    "from": stage_label(current) if current else _("no stage"),
                    "to": stage_label(to_stage),
                    "options": options,
                }
            }
        )
    if to_stage in lifecycle.NEEDS_REASON and not reason:
        raise ValidationError(
            {
                "reason": _("Say why the contact becomes %(stage)s: a reason is required.")
                % {"stage": stage_label(to_stage)}
            }
        )
    if to_stage == Stage.SQL:
        missing = missing_bant(profile)
        if missing:
            raise ValidationError(
                {
                    "to_stage": _(
                        "To become SQL the qualification must be complete; missing: %(fields)s."
                    )
                    % {"fields": ", ".join(missing)}
                }
            )


def transition(
    *,
    actor: Any,
    contact: Contact,
    to_stage: str,
    reason: str,
    rule: str,
    at: datetime,
    profile: LeadProfile | None = None,
    first: bool = False,
) -> LifecycleTransition:
    """The move itself; the caller holds the lock on ``contact`` and has asked the policy.

    ``profile``: the contact's profile when the caller has it; ``first``: the
    contact has no transition yet (it was created in this transaction).
    """
    if profile is None:
        profile = lead_profile(contact)
    check_move(contact, profile, to_stage, reason)
    previous = (
        None
        if first
        else LifecycleTransition.objects.filter(contact_id=contact.pk)
        .order_by("-at", "-id")
        .first()
    )
    since = previous.at if previous is not None else profile.stage_changed_at
    seconds = None if since is None else max(0, int((at - since).total_seconds()))
    account = contact.account
    from_stage = contact.lifecycle_stage or ""
    transition = LifecycleTransition(
        contact=contact,
        from_stage=from_stage,
        to_stage=to_stage,
        at=at,
        actor=actor if getattr(actor, "pk", None) else None,
        rule="" if actor is not None and not rule else (rule or "system"),
        reason=reason,
        seconds_in_previous=seconds,
        source=profile.source,
        campaign_id=profile.source_campaign_id,
        owner_id=contact.owner_id,
        segment=account.size if account is not None else "",
    )
    # null: no previous stage. The relations come from rows in hand (the
    # locked contact, its profile and owner): no lookups to validate them.
    transition.full_clean(exclude=["seconds_in_previous", "contact", "actor", "campaign", "owner"])
    transition.save()
    Contact.all_objects.filter(pk=contact.pk).update(lifecycle_stage=to_stage)
    contact.lifecycle_stage = to_stage
    if to_stage in WITHDRAWS:
        withdraw_open_handoff(actor, contact, to_stage, at)
    if profile.stage_changed_at != at:
        profile.stage_changed_at = at
        profile.save(update_fields=["stage_changed_at"])
    events.record(
        "lead.stage_changed",
        subject=contact,
        actor=actor,
        occurred_at=at,
        payload={
            "contact_id": contact.pk,
            "contact_name": str(contact),
            "owner_id": contact.owner_id,
            "account_id": contact.account_id,
            "from": from_stage,
            "to": to_stage,
            "rule": transition.rule,
            "reason": reason,
            "transition_id": transition.pk,
            "seconds_in_previous": seconds,
        },
    )
    return transition


def first_transition(
    *, contact: Contact, profile: LeadProfile, to_stage: str, rule: str, at: datetime
) -> LifecycleTransition:
    """The first move of a contact created in the caller's transaction (lead capture).

    The same move as ``lifecycle_change(actor=None, ...)`` without its lookups:
    a contact nobody else can see yet needs no row lock and has no earlier
    transition, and the caller passes the profile it has just created.
    """
    with transaction.atomic():
        return transition(
            actor=None,
            contact=contact,
            to_stage=to_stage,
            reason="",
            rule=rule,
            at=at,
            profile=profile,
            first=True,
        )


def withdraw_open_handoff(actor: Any, contact: Contact, to_stage: str, at: datetime) -> None:
    """A lead that left the MQL stage by another way (a deal, a manual move) leaves the queue."""
    for handoff in Handoff.objects.select_for_update().filter(
        contact_id=contact.pk, status=Handoff.Status.OPEN
    ):
        handoff.status = Handoff.Status.WITHDRAWN
        handoff.save(update_fields=["status"])
        events.record(
            "lead.handoff_withdrawn",
            subject=handoff,
            actor=actor,
            occurred_at=at,
            payload=handoff_payload(handoff, stage=to_stage),
        )


# --- handoff ------------------------------------------------------------------------


def due(team: Team, start: datetime) -> datetime:
    """When a handoff to ``team`` handed at ``start`` must be answered."""
    return Deadlines().due(team, start)


class Deadlines:
    """Answer-by times of many handoffs (one batch): each team's calendar read once."""

    def __init__(self) -> None:
        self._specs: dict[int, Any] = {}

    def due(self, team: Team, start: datetime) -> datetime:
        from interlock.org import business_time
        from interlock.org.selectors import calendar_spec

        if team.pk not in self._specs:
            try:
                self._specs[team.pk] = calendar_spec(team)
            except BusinessCalendar.DoesNotExist:
                self._specs[team.pk] = None
        spec = self._specs[team.pk]
        if spec is None:  # a team without a calendar: plain hours
            return start + timedelta(hours=ANSWER_HOURS)
        return business_time.add_business_hours(spec, start=start, hours=ANSWER_HOURS)


def business_seconds(team: Team, start: datetime, end: datetime) -> int:
    from interlock.org.selectors import business_hours_between

    if end <= start:
        return 0
    try:
        spent = business_hours_between(team, start=start, end=end)
    except BusinessCalendar.DoesNotExist:
        spent = end - start
    return max(0, int(spent.total_seconds()))


def utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def handoff_payload(handoff: Handoff, **extra: Any) -> dict[str, Any]:
    return {
        "contact_id": handoff.contact_id,
        "contact_name": str(handoff.contact),
        "owner_id": handoff.contact.owner_id,
        "account_id": handoff.contact.account_id,
        "team_id": handoff.team_id,
        "assignee_id": handoff.assignee_id,
        "handoff_id": handoff.pk,
        **extra,
    }


def has_open_handoff(contact: Contact) -> bool:
    return Handoff.objects.filter(contact_id=contact.pk, status=Handoff.Status.OPEN).exists()


def create_handoff(
    *, actor: Any, contact: Contact, at: datetime, profile: LeadProfile | None = None
) -> Handoff:
    from interlock.leads.routing import route_contact

    if has_open_handoff(contact):
        raise ValidationError(
            _("This contact already waits in a sales queue; answer that handoff first.")
        )
    assignment = route_contact(contact=contact, at=at)
    if profile is None:
        profile = lead_profile(contact)
    handoff = Handoff(
        contact=contact,
        team=assignment.team,
        assignee=assignment.user,
        assignment=assignment,
        handed_at=at,
        due_at=due(assignment.team, at),
        source=profile.source,
        campaign_id=profile.source_campaign_id,
    )
    # The relations are rows in hand (the locked contact, the routing result),
    # and "one open handoff per contact" was checked above under the row lock:
    # no lookups to validate them again (the database still enforces both).
    handoff.full_clean(
        exclude=["response_seconds", "contact", "team", "assignee", "assignment", "campaign"],
        validate_constraints=False,
    )
    handoff.save()
    events.record(
        "lead.handed_off",
        subject=handoff,
        actor=actor,
        occurred_at=at,
        payload=handoff_payload(handoff, due_at=utc(handoff.due_at), fit_grade=profile.fit_grade),
    )
    return handoff
