"""Writes around a handoff that team agreements need beside the queue's own answers.

- marketing acknowledges a rejection (``lead.rejection_answered``), the other
  way to answer it beside a dispute;
- the escalation ladder counts an unanswered lead as accepted, hands it back
  to marketing, or gives it to someone else (``lead.handoff_reassigned``).

``actor=None`` is the system acting under a signed agreement: no policy
check, the event names no person.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.leads.models import Handoff, Stage
from interlock.leads.moves import handoff_payload, lock_contact, require
from interlock.leads.services_lifecycle import (
    _answer,
    _lock_open,
    _move_if_allowed,
    lifecycle_change,
)

# Written into the handoff's comment so the queue sees why it was accepted.
BY_DEFAULT_COMMENT = "accepted by default under agreement"
RETURNED_REASON = "returned to marketing under agreement"


def handoff_answer_rejection(
    *, actor: Any, handoff: Handoff, note: str, at: datetime | None = None
) -> Handoff:
    """Marketing takes note of a rejection and says what it does with the lead (once)."""
    policy.require(actor, "lead.dispute", handoff)
    note = (note or "").strip()
    if not note:
        raise ValidationError(
            {"note": _("Say what marketing does with the lead, e.g. “back to nurturing”.")}
        )
    at = at or timezone.now()
    with transaction.atomic():
        # Lock: a dispute and an answer at the same moment must not both count.
        locked = Handoff.objects.select_for_update().select_related("contact").get(pk=handoff.pk)
        if locked.status != Handoff.Status.REJECTED:
            raise ValidationError(_("Only a rejected lead can be answered."))
        if locked.answered_at is not None or locked.dispute != Handoff.Dispute.NONE:
            raise ValidationError(_("This rejection was already answered or disputed."))
        locked.answered_at = at
        locked.answered_by = actor
        locked.answer_note = note
        locked.full_clean(exclude=["response_seconds"])
        locked.save(update_fields=["answered_at", "answered_by", "answer_note"])
        events.record(
            "lead.rejection_answered",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=handoff_payload(locked, note=note),
        )
    return locked


def handoff_accept_by_default(*, handoff: Handoff, at: datetime | None = None) -> Handoff:
    """The system accepts an unanswered lead (a ladder step of a signed agreement).

    Same outcome as the queue's ``handoff_accept``: the contact becomes SAL and
    ``lead.accepted`` is recorded, with ``by_default`` in its payload.
    """
    at = at or timezone.now()
    with transaction.atomic():
        contact = lock_contact(handoff.contact)
        locked = _lock_open(handoff)
        _answer(locked, None, Handoff.Status.ACCEPTED, BY_DEFAULT_COMMENT, at)
        locked.full_clean(exclude=["response_seconds"])
        locked.save()
        _move_if_allowed(None, contact, Stage.SAL, "", "agreement.accepted_by_default", at)
        events.record(
            "lead.accepted",
            subject=locked,
            actor=None,
            occurred_at=at,
            payload=handoff_payload(
                locked,
                response_seconds=locked.response_seconds,
                comment=locked.comment,
                by_default=True,
            ),
        )
    return locked


def handoff_return_to_marketing(
    *, handoff: Handoff, actor: Any = None, at: datetime | None = None
) -> Handoff:
    """Take an open handoff out of the queue: the contact goes back to marketing (recycled).

    The lifecycle move withdraws the handoff (``lead.handoff_withdrawn``).
    """
    require(actor, "lead.respond", handoff)
    if handoff.status != Handoff.Status.OPEN:
        raise ValidationError(_("Only a lead that still waits in a queue can be returned."))
    lifecycle_change(
        actor=actor,
        contact=handoff.contact,
        to_stage=Stage.RECYCLED,
        reason=RETURNED_REASON,
        rule="agreement.return_to_provider",
        at=at,
    )
    handoff.refresh_from_db()
    return handoff


def handoff_reassign(
    *, handoff: Handoff, assignee_id: int | None, actor: Any = None, at: datetime | None = None
) -> Handoff:
    """Give an open handoff to another person of the queue, or back to the queue (None)."""
    require(actor, "lead.respond", handoff)
    if assignee_id is not None:
        user = get_user_model().objects.filter(pk=assignee_id, is_active=True).first()
        if user is None:
            raise ValidationError(
                {"assignee": _("User %(id)s does not exist or is inactive.") % {"id": assignee_id}}
            )
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_open(handoff)
        previous = locked.assignee_id
        if previous == assignee_id:
            return locked
        locked.assignee_id = assignee_id
        locked.save(update_fields=["assignee"])
        events.record(
            "lead.handoff_reassigned",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=handoff_payload(locked, previous_assignee_id=previous),
        )
    return locked
