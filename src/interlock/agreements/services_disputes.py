"""Disputes of breaches: the receiver raises one, a team lead of each side decides.

A dispute is settled when both sides have decided the same way: "upheld"
(the breach stands) or "waived" (it does not count). If they disagree it
stays open and goes on the joint meeting's agenda, where they talk it over.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.agreements.models import AgendaItem, BreachDispute, Obligation, PeriodResult
from interlock.agreements.selectors_disputes import sides_led_by
from interlock.core import events, policy

REASON_MAX = 4000
NOTE_MAX = 4000
DECISIONS = (BreachDispute.Status.UPHELD, BreachDispute.Status.WAIVED)
DISPUTABLE = (Obligation.Status.BREACHED, Obligation.Status.LATE)


def _check_at(at: datetime | None) -> datetime:
    if at is not None and timezone.is_naive(at):
        raise ValidationError({"at": _("The time must carry a time zone.")})
    return at or timezone.now()


def breach_dispute_raise(
    *,
    actor: Any,
    obligation: Obligation | None = None,
    period_result: PeriodResult | None = None,
    reason: str,
    at: datetime | None = None,
) -> BreachDispute:
    """The receiving side says a breach (a late obligation or a missed period) is none."""
    if (obligation is None) == (period_result is None):
        raise ValidationError(_("Name either a breached obligation or a missed period."))
    at = _check_at(at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why this is not a breach.")})
    if len(reason) > REASON_MAX:
        raise ValidationError({"reason": _("The reason may have at most 4000 characters.")})
    with transaction.atomic():
        if obligation is not None:
            dispute = _for_obligation(actor, obligation, reason, at)
        else:
            assert period_result is not None
            dispute = _for_period(actor, period_result, reason, at)
        try:
            with transaction.atomic():
                dispute.save()
        except IntegrityError:  # a parallel request raised one a moment earlier
            raise ValidationError(_("This breach is already disputed.")) from None
        events.record(
            "breach_dispute.raised",
            subject=dispute,
            actor=actor,
            occurred_at=at,
            payload={
                "agreement_id": dispute.agreement_id,
                "obligation_id": dispute.obligation_id,
                "period_result_id": dispute.period_result_id,
            },
        )
    return dispute


def _for_obligation(actor: Any, obligation: Obligation, reason: str, at: datetime) -> BreachDispute:
    # Locked: two people disputing the same breach at once must not both pass the check.
    obligation = (
        Obligation.objects.select_for_update()
        .select_related("agreement", "deliverable")
        .get(pk=obligation.pk)
    )
    policy.require(actor, "breach.dispute", obligation.agreement)
    if obligation.status not in DISPUTABLE or obligation.waived:
        raise ValidationError(
            _("Only a breached or late obligation can be disputed (this one is %(status)s).")
            % {"status": obligation.get_status_display()}
        )
    if obligation.disputes.filter(status=BreachDispute.Status.OPEN).exists():
        raise ValidationError(_("This breach is already disputed."))
    return BreachDispute(
        agreement=obligation.agreement,
        obligation=obligation,
        deliverable_kind=obligation.deliverable.kind,
        deliverable_key=obligation.deliverable.key,
        term_id_ref=obligation.term_id,
        reason=reason,
        raised_by=actor,
        raised_at=at,
    )


def _for_period(actor: Any, result: PeriodResult, reason: str, at: datetime) -> BreachDispute:
    result = (
        PeriodResult.objects.select_for_update()
        .select_related("term__version__agreement")
        .get(pk=result.pk)
    )
    agreement = result.term.version.agreement
    policy.require(actor, "breach.dispute", agreement)
    if result.status != PeriodResult.Status.MISSED or result.waived:
        raise ValidationError(_("Only a missed period can be disputed."))
    if result.disputes.filter(status=BreachDispute.Status.OPEN).exists():
        raise ValidationError(_("This breach is already disputed."))
    return BreachDispute(
        agreement=agreement,
        period_result=result,
        term_id_ref=result.term_id,
        period_start=result.period_start,
        reason=reason,
        raised_by=actor,
        raised_at=at,
    )


def breach_dispute_decide(
    *,
    actor: Any,
    dispute: BreachDispute,
    decision: str,
    note: str = "",
    at: datetime | None = None,
) -> BreachDispute:
    """Record the decision of the side(s) ``actor`` leads; settle when both agree."""
    if decision not in DECISIONS:
        raise ValidationError({"decision": _("Decide “upheld” or “waived”.")})
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise ValidationError({"note": _("The note may have at most 4000 characters.")})
    at = _check_at(at)
    with transaction.atomic():
        # Locked: the two leads deciding at the same moment must see each other's
        # decision, or neither would settle the dispute.
        dispute = (
            BreachDispute.objects.select_for_update().select_related("agreement").get(pk=dispute.pk)
        )
        policy.require(actor, "breach.settle", dispute.agreement)
        if dispute.status != BreachDispute.Status.OPEN:
            raise ValidationError(_("This dispute is already settled."))
        sides = sides_led_by(actor, dispute)
        if not sides:
            raise ValidationError(_("Only a team lead of one of the two teams decides."))
        for side in sides:
            setattr(dispute, f"{side}_decision", decision)
            setattr(dispute, f"{side}_decided_by", actor)
            setattr(dispute, f"{side}_decided_at", at)
        if note:
            dispute.note = f"{dispute.note}\n{note}".strip() if dispute.note else note
        settled = _settle_if_agreed(dispute, at)
        dispute.save()
        events.record(
            "breach_dispute.settled" if settled else "breach_dispute.decided",
            subject=dispute,
            actor=actor,
            occurred_at=at,
            payload={
                "agreement_id": dispute.agreement_id,
                "sides": sides,
                "decision": decision,
                "status": dispute.status,
            },
        )
    return dispute


def _settle_if_agreed(dispute: BreachDispute, at: datetime) -> bool:
    provider, receiver = dispute.provider_decision, dispute.receiver_decision
    if not provider or not receiver:
        return False
    if provider != receiver:
        text = _("The two sides disagree (provider: %(p)s, receiver: %(r)s); on the agenda.") % {
            "p": provider,
            "r": receiver,
        }
        dispute.note = f"{dispute.note}\n{text}".strip() if dispute.note else text
        AgendaItem.objects.create(
            agreement_id=dispute.agreement_id,
            obligation_id=dispute.obligation_id,
            dispute=dispute,
            title=(
                _("Disputed breach: the sides disagree — %(reason)s") % {"reason": dispute.reason}
            )[:300],
            created_at=at,
        )
        return False
    dispute.status = provider
    dispute.settled_at = at
    if provider == BreachDispute.Status.WAIVED:
        if dispute.obligation_id:
            Obligation.objects.filter(pk=dispute.obligation_id).update(
                waived=True, changed_at=timezone.now()
            )
        if dispute.period_result_id:
            PeriodResult.objects.filter(pk=dispute.period_result_id).update(waived=True)
    return True
