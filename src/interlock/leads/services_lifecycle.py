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

from datetime import datetime
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
from interlock.leads.moves import (
    BANT_FIELDS,
    business_seconds,
    create_handoff,
    handoff_payload,
    has_open_handoff,
    lead_profile,
    lock_contact,
    missing_bant,
    require,
    transition,
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
    require(actor, "lead.write", contact)
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock_contact(contact)
        moved = transition(
            actor=actor,
            contact=locked,
            to_stage=to_stage,
            reason=(reason or "").strip(),
            rule=rule,
            at=at,
        )
        if to_stage == Stage.MQL and not has_open_handoff(locked):
            create_handoff(actor=actor, contact=locked, at=at)
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
    require(actor, "lead.write", contact)
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock_contact(contact)
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
                "complete": not missing_bant(profile),
            },
        )
        if advance and locked.lifecycle_stage == Stage.SAL and not missing_bant(profile):
            transition(actor=actor, contact=locked, to_stage=Stage.SQL, reason="", rule="", at=at)
    contact.lifecycle_stage = locked.lifecycle_stage
    return profile


def handoff_create(*, contact: Contact, at: datetime | None = None, actor: Any = None) -> Handoff:
    """Hand ``contact`` to the sales queue chosen by routing (``lead.handed_off``)."""
    require(actor, "lead.write", contact)
    with transaction.atomic():
        locked = lock_contact(contact)
        return create_handoff(actor=actor, contact=locked, at=at or timezone.now())


def promote_to_mql(
    *, contact: Contact, rule: str = "mql-rule", reason: str = "", at: datetime | None = None
) -> Handoff | None:
    """Make the contact an MQL and hand it to sales; None if its stage may not become MQL."""
    at = at or timezone.now()
    with transaction.atomic():
        locked = lock_contact(contact)
        if (locked.lifecycle_stage or "") not in lifecycle.AUTO_MQL_FROM:
            return None
        profile = lead_profile(locked)
        transition(
            actor=None,
            contact=locked,
            to_stage=Stage.MQL,
            reason=reason,
            rule=rule,
            at=at,
            profile=profile,
        )
        handoff = create_handoff(actor=None, contact=locked, at=at, profile=profile)
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
    locked.response_seconds = business_seconds(locked.team, locked.handed_at, at)
    locked.comment = comment


def _move_if_allowed(
    actor: Any, contact: Contact, to_stage: str, reason: str, rule: str, at: datetime
) -> None:
    """Move along with an answer when the contact still stands where a move is allowed."""
    if lifecycle.allowed(contact.lifecycle_stage, to_stage):
        transition(actor=actor, contact=contact, to_stage=to_stage, reason=reason, rule=rule, at=at)


def handoff_accept(
    *, actor: Any, handoff: Handoff, comment: str = "", at: datetime | None = None
) -> Handoff:
    """The rep takes the lead: the handoff is accepted and the contact becomes SAL."""
    policy.require(actor, "lead.respond", handoff)
    at = at or timezone.now()
    with transaction.atomic():
        contact = lock_contact(handoff.contact)
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
            payload=handoff_payload(
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
        contact = lock_contact(handoff.contact)
        locked = _lock_open(handoff)
        _answer(locked, actor, Handoff.Status.REJECTED, comment.strip(), at)
        locked.reason = reason
        locked.full_clean(exclude=["response_seconds"])
        locked.save()
        text = reason.name + (f": {locked.comment}" if locked.comment else "")
        _move_if_allowed(actor, contact, reason.outcome, text, "handoff.rejected", at)
        payload = handoff_payload(
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
            payload=handoff_payload(locked, comment=comment),
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
        contact = lock_contact(handoff.contact)
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
                new_handoff = create_handoff(actor=actor, contact=contact, at=at)
        events.record(
            "lead.dispute_settled",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=handoff_payload(
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
