"""Writes for the lifecycle of a contact and the handoff of leads to sales and back.

Every function is one transaction: it asks the policy (a user) or names the
rule that acted (``actor=None``), validates, writes, and records its domain
event in the same transaction. ``Contact.lifecycle_stage`` is changed only
here; every move is an append-only :class:`LifecycleTransition`.

Events: ``lead.stage_changed``, ``lead.handed_off``, ``lead.accepted``,
``lead.rejected``, ``lead.recycled``, ``lead.disputed``, ``lead.dispute_settled``,
``lead.qualified``, ``lead.handoff_withdrawn``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.customers.models import Contact
from interlock.leads import lifecycle
from interlock.leads.models import (
    Handoff,
    LeadProfile,
    LifecycleTransition,
    RejectionReason,
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


def _require(actor: Any, action: str, obj: Any = None) -> None:
    """A user must pass the policy; ``None`` is a rule or the system acting."""
    if actor is not None:
        policy.require(actor, action, obj)


def _lock_contact(contact: Contact) -> Contact:
    # Lock the contact row: two moves at once (the MQL rule and a rep, or a
    # deal event and a rejection) must not both start from the same stage.
    return Contact.all_objects.select_for_update().get(pk=contact.pk)


def _missing_bant(profile: LeadProfile) -> list[str]:
    names = {
        "budget": _("budget"),
        "authority": _("authority"),
        "need": _("need"),
        "timing": _("timing"),
    }
    return [names[f] for f in BANT_FIELDS if not str(getattr(profile, f)).strip()]


def _check_move(contact: Contact, profile: LeadProfile, to_stage: str, reason: str) -> None:
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
        missing = _missing_bant(profile)
        if missing:
            raise ValidationError(
                {
                    "to_stage": _(
                        "To become SQL the qualification must be complete; missing: %(fields)s."
                    )
                    % {"fields": ", ".join(missing)}
                }
            )


def _transition(
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
    _check_move(contact, profile, to_stage, reason)
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
        _withdraw_open_handoff(actor, contact, to_stage, at)
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
        return _transition(
            actor=None,
            contact=contact,
            to_stage=to_stage,
            reason="",
            rule=rule,
            at=at,
            profile=profile,
            first=True,
        )


def _withdraw_open_handoff(actor: Any, contact: Contact, to_stage: str, at: datetime) -> None:
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
            payload=_handoff_payload(handoff, stage=to_stage),
        )


def lifecycle_change(
    *,
    actor: Any,
    contact: Contact,
    to_stage: str,
    reason: str = "",
    rule: str = "",
    at: datetime | None = None,
) -> LifecycleTransition:
    """Move ``contact`` to ``to_stage`` if the table allows it (ValidationError if not).

    A contact that becomes MQL is handed to a sales queue in the same
    transaction (unless it already waits in one), as with the MQL rule.
    """
    _require(actor, "lead.write", contact)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_contact(contact)
        moved = _transition(
            actor=actor,
            contact=locked,
            to_stage=to_stage,
            reason=(reason or "").strip(),
            rule=rule,
            at=at,
        )
        if to_stage == Stage.MQL and not _has_open_handoff(locked):
            _handoff_create(actor=actor, contact=locked, at=at)
    contact.lifecycle_stage = locked.lifecycle_stage
    return moved


def lead_qualify(
    *,
    actor: Any,
    contact: Contact,
    budget: str,
    authority: str,
    need: str,
    timing: str,
    advance: bool = True,
    at: datetime | None = None,
) -> LeadProfile:
    """Store the qualification (BANT); with ``advance`` an SAL becomes SQL once all four are set.

    An incomplete qualification is stored and the contact stays where it is.
    """
    _require(actor, "lead.write", contact)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_contact(contact)
        profile = lead_profile(locked)
        profile.budget = budget.strip()
        profile.authority = authority.strip()
        profile.need = need.strip()
        profile.timing = timing.strip()
        profile.full_clean()
        profile.save(update_fields=list(BANT_FIELDS))
        events.record(
            "lead.qualified",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload={
                "contact_id": locked.pk,
                "account_id": locked.account_id,
                "complete": not _missing_bant(profile),
            },
        )
        if advance and locked.lifecycle_stage == Stage.SAL and not _missing_bant(profile):
            _transition(actor=actor, contact=locked, to_stage=Stage.SQL, reason="", rule="", at=at)
    contact.lifecycle_stage = locked.lifecycle_stage
    return profile


# --- handoff ------------------------------------------------------------------------


def _due(team: Team, start: datetime) -> datetime:
    from interlock.org.selectors import due_at

    try:
        return due_at(team, start=start, hours=ANSWER_HOURS)
    except BusinessCalendar.DoesNotExist:  # a team without a calendar: plain hours
        return start + timedelta(hours=ANSWER_HOURS)


def _business_seconds(team: Team, start: datetime, end: datetime) -> int:
    from interlock.org.selectors import business_hours_between

    if end <= start:
        return 0
    try:
        spent = business_hours_between(team, start=start, end=end)
    except BusinessCalendar.DoesNotExist:
        spent = end - start
    return max(0, int(spent.total_seconds()))


def _utc(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat() if moment is not None else None


def _handoff_payload(handoff: Handoff, **extra: Any) -> dict[str, Any]:
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


def _has_open_handoff(contact: Contact) -> bool:
    return Handoff.objects.filter(contact_id=contact.pk, status=Handoff.Status.OPEN).exists()


def _handoff_create(
    *, actor: Any, contact: Contact, at: datetime, profile: LeadProfile | None = None
) -> Handoff:
    from interlock.leads.routing import route_contact

    if _has_open_handoff(contact):
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
        due_at=_due(assignment.team, at),
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
        payload=_handoff_payload(handoff, due_at=_utc(handoff.due_at), fit_grade=profile.fit_grade),
    )
    return handoff


def handoff_create(*, contact: Contact, at: datetime | None = None, actor: Any = None) -> Handoff:
    """Hand ``contact`` to the sales queue chosen by routing (``lead.handed_off``)."""
    _require(actor, "lead.write", contact)
    with transaction.atomic():
        locked = _lock_contact(contact)
        return _handoff_create(actor=actor, contact=locked, at=at or timezone.now())


def promote_to_mql(
    *, contact: Contact, rule: str = "mql-rule", reason: str = "", at: datetime | None = None
) -> Handoff | None:
    """Make the contact an MQL and hand it to sales; None if its stage may not become MQL."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_contact(contact)
        if (locked.lifecycle_stage or "") not in lifecycle.AUTO_MQL_FROM:
            return None
        profile = lead_profile(locked)
        _transition(
            actor=None,
            contact=locked,
            to_stage=Stage.MQL,
            reason=reason,
            rule=rule,
            at=at,
            profile=profile,
        )
        handoff = _handoff_create(actor=None, contact=locked, at=at, profile=profile)
    contact.lifecycle_stage = locked.lifecycle_stage
    return handoff


def _lock_open(handoff: Handoff) -> Handoff:
    # Lock the handoff: two people answering the same lead at once must not
    # both succeed (the second sees it answered and is told so).
    locked = Handoff.objects.select_for_update().select_related("contact").get(pk=handoff.pk)
    if locked.status != Handoff.Status.OPEN:
        raise ValidationError(
            _("This lead was already answered (%(status)s); it cannot be answered again.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _answer(locked: Handoff, actor: Any, status: str, comment: str, at: datetime) -> None:
    locked.status = status
    locked.responded_at = at
    locked.responded_by = actor if getattr(actor, "pk", None) else None
    locked.response_seconds = _business_seconds(locked.team, locked.handed_at, at)
    locked.comment = comment


def _move_if_allowed(
    actor: Any, contact: Contact, to_stage: str, reason: str, rule: str, at: datetime
) -> None:
    """Move along with an answer when the contact still stands where a move is allowed."""
    if lifecycle.allowed(contact.lifecycle_stage, to_stage):
        _transition(
            actor=actor, contact=contact, to_stage=to_stage, reason=reason, rule=rule, at=at
        )


def handoff_accept(
    *, actor: Any, handoff: Handoff, comment: str = "", at: datetime | None = None
) -> Handoff:
    """The rep takes the lead: the handoff is accepted and the contact becomes SAL."""
    policy.require(actor, "lead.respond", handoff)
    at = at or timezone.now()
    with transaction.atomic():
        contact = _lock_contact(handoff.contact)
        locked = _lock_open(handoff)
        _answer(locked, actor, Handoff.Status.ACCEPTED, comment.strip(), at)
        locked.full_clean(exclude=["response_seconds"])
        locked.save()
        _move_if_allowed(actor, contact, Stage.SAL, "", "handoff.accepted", at)
        events.record(
            "lead.accepted",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=_handoff_payload(
                locked, response_seconds=locked.response_seconds, comment=locked.comment
            ),
        )
    return locked


def _active_reason(reason_code: str) -> RejectionReason:
    code = (reason_code or "").strip()
    if not code:
        raise ValidationError({"reason": _("Choose a rejection reason; marketing learns from it.")})
    reason = RejectionReason.objects.filter(code=code).first()
    if reason is None:
        raise ValidationError(
            {"reason": _("“%(code)s” is not a rejection reason.") % {"code": code}}
        )
    if not reason.active:
        raise ValidationError(
            {
                "reason": _("The reason “%(name)s” is retired; choose an active one.")
                % {"name": reason.name}
            }
        )
    return reason


def handoff_reject(
    *,
    actor: Any,
    handoff: Handoff,
    reason_code: str,
    comment: str = "",
    at: datetime | None = None,
) -> Handoff:
    """The rep returns the lead to marketing: recycled or disqualified by the reason."""
    from interlock.leads.services_handoff import reason_label

    policy.require(actor, "lead.respond", handoff)
    reason = _active_reason(reason_code)
    at = at or timezone.now()
    with transaction.atomic():
        contact = _lock_contact(handoff.contact)
        locked = _lock_open(handoff)
        _answer(locked, actor, Handoff.Status.REJECTED, comment.strip(), at)
        locked.reason = reason
        locked.full_clean(exclude=["response_seconds"])
        locked.save()
        text = reason.name + (f": {locked.comment}" if locked.comment else "")
        _move_if_allowed(actor, contact, reason.outcome, text, "handoff.rejected", at)
        payload = _handoff_payload(
            locked,
            reason_code=reason.code,
            reason=reason.name,
            reason_label=reason_label(reason),
            outcome=reason.outcome,
            comment=locked.comment,
            response_seconds=locked.response_seconds,
        )
        events.record("lead.rejected", subject=locked, actor=actor, occurred_at=at, payload=payload)
        if reason.outcome == RejectionReason.Outcome.RECYCLED:
            events.record(
                "lead.recycled", subject=locked, actor=actor, occurred_at=at, payload=payload
            )
    return locked


def handoff_dispute(
    *, actor: Any, handoff: Handoff, comment: str, at: datetime | None = None
) -> Handoff:
    """Marketing disagrees with a rejection (once per handoff, with a comment)."""
    policy.require(actor, "lead.dispute", handoff)
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": _("Say why you dispute the rejection.")})
    at = at or timezone.now()
    with transaction.atomic():
        locked = Handoff.objects.select_for_update().select_related("contact").get(pk=handoff.pk)
        if locked.status != Handoff.Status.REJECTED:
            raise ValidationError(_("Only a rejected lead can be disputed."))
        if locked.dispute != Handoff.Dispute.NONE:
            raise ValidationError(
                _("This rejection was already disputed; a lead is disputed once.")
            )
        locked.dispute = Handoff.Dispute.OPEN
        locked.disputed_at = at
        locked.disputed_by = actor
        locked.dispute_comment = comment
        locked.full_clean(exclude=["response_seconds"])
        locked.save()
        events.record(
            "lead.disputed",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=_handoff_payload(locked, comment=comment),
        )
    return locked


def handoff_settle(
    *,
    actor: Any,
    handoff: Handoff,
    overturn: bool,
    note: str = "",
    at: datetime | None = None,
) -> Handoff:
    """Decide a dispute: overturned, the contact returns to MQL with a new handoff; upheld, it stays."""
    policy.require(actor, "lead.settle", handoff)
    at = at or timezone.now()
    with transaction.atomic():
        contact = _lock_contact(handoff.contact)
        locked = Handoff.objects.select_for_update().select_related("contact").get(pk=handoff.pk)
        if locked.dispute != Handoff.Dispute.OPEN:
            raise ValidationError(_("Only an open dispute can be settled."))
        locked.dispute = Handoff.Dispute.OVERTURNED if overturn else Handoff.Dispute.UPHELD
        locked.settled_at = at
        locked.settled_by = actor
        locked.settlement_note = (note or "").strip()
        locked.full_clean(exclude=["response_seconds"])
        locked.save()
        new_handoff = None
        if overturn:
            _move_if_allowed(
                actor, contact, Stage.MQL, locked.settlement_note, "dispute.overturned", at
            )
            if contact.lifecycle_stage == Stage.MQL:
                new_handoff = _handoff_create(actor=actor, contact=contact, at=at)
        events.record(
            "lead.dispute_settled",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=_handoff_payload(
                locked,
                overturned=overturn,
                note=locked.settlement_note,
                new_handoff_id=new_handoff.pk if new_handoff else None,
            ),
        )
    return locked


# The handoff interface also lives here (see the preamble of the lead issue).
from interlock.leads.services_handoff import reason_create, reason_label, reason_update  # noqa: E402

__all__ = [
    "handoff_accept",
    "handoff_create",
    "handoff_dispute",
    "handoff_reject",
    "handoff_settle",
    "lead_profile",
    "lead_qualify",
    "lifecycle_change",
    "promote_to_mql",
    "reason_create",
    "reason_label",
    "reason_update",
]
