"""Writes for the handover of a won deal to customer success.

``handover_save`` keeps a draft (any field may still be empty);
``handover_complete`` needs a won deal and every field, and records
``deal.handover_completed`` once. A completed handover is the record of what
was promised and no longer changes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.org.models import Team
from interlock.sales.models import Deal, Stage
from interlock.sales.models_handover import DealHandover

TEXT_FIELDS = ("goals", "stakeholders", "commitments", "risks", "next_steps")


def _payload(handover: DealHandover, deal: Deal, **extra: Any) -> dict[str, Any]:
    return {
        "deal_id": deal.pk,
        "title": deal.title,
        "account_id": deal.account_id,
        "contact_id": deal.contact_id,
        "owner_id": deal.owner_id,
        "team_id": handover.team_id,
        "amount": str(deal.amount),
        "currency": deal.currency,
        **extra,
    }


def _check_team(team: Team | None) -> None:
    if team is None:
        return
    if team.deleted_at is not None:
        raise ValidationError({"team": _("The team “%(name)s” was deleted.") % {"name": team.name}})
    if team.function != Team.Function.CUSTOMER_SUCCESS:
        raise ValidationError(
            {
                "team": _("“%(name)s” is not a customer success team; choose one that is.")
                % {"name": team.name}
            }
        )


def _locked_handover(deal: Deal) -> DealHandover:
    # Lock: two people saving (or completing) the same handover at once must
    # not both complete it, nor overwrite the completion with a draft.
    DealHandover.objects.get_or_create(deal=deal)
    return DealHandover.objects.select_for_update().get(deal=deal)


def handover_save(
    *,
    actor: Any,
    deal: Deal,
    team: Team | None = None,
    goals: str = "",
    stakeholders: str = "",
    commitments: str = "",
    risks: str = "",
    next_steps: str = "",
) -> DealHandover:
    """Store the handover form as a draft; nothing needs to be complete yet."""
    policy.require(actor, "sales.write")
    _check_team(team)
    texts = {
        "goals": goals,
        "stakeholders": stakeholders,
        "commitments": commitments,
        "risks": risks,
        "next_steps": next_steps,
    }
    with transaction.atomic():
        handover = _locked_handover(deal)
        if handover.completed_at is not None:
            raise ValidationError(
                _("This handover was completed; it is the record of the sale and stays as it is.")
            )
        handover.team = team
        for name, value in texts.items():
            setattr(handover, name, (value or "").strip())
        handover.updated_by = actor if getattr(actor, "pk", None) else None
        handover.full_clean()
        handover.save()
        events.record(
            "deal.handover_saved",
            subject=deal,
            actor=actor,
            payload=_payload(handover, deal, missing=len(handover.missing())),
        )
    return handover


def handover_complete(*, actor: Any, deal: Deal, at: datetime | None = None) -> DealHandover:
    """Complete the handover of a won deal: every field filled; ``deal.handover_completed``."""
    policy.require(actor, "sales.write")
    at = at or timezone.now()
    with transaction.atomic():
        locked_deal = Deal.objects.select_related("stage").get(pk=deal.pk)
        if locked_deal.stage.kind != Stage.Kind.WON:
            raise ValidationError(_("Only a won deal is handed over; win the deal first."))
        handover = _locked_handover(locked_deal)
        if handover.completed_at is not None:
            raise ValidationError(_("This handover was already completed."))
        missing = handover.missing()
        if missing:
            raise ValidationError(
                _("Fill in every field before completing the handover; missing: %(fields)s.")
                % {"fields": ", ".join(missing)}
            )
        if handover.team is not None:
            _check_team(handover.team)
        handover.completed_at = at
        handover.completed_by = actor if getattr(actor, "pk", None) else None
        handover.save(update_fields=["completed_at", "completed_by", "updated_at"])
        events.record(
            "deal.handover_completed",
            subject=locked_deal,
            actor=actor,
            occurred_at=at,
            payload=_payload(
                handover,
                locked_deal,
                completed_at=at.astimezone(UTC).isoformat(),
            ),
        )
    return handover


def handover_of(deal: Deal) -> DealHandover | None:
    """The deal's handover form, if anybody started it."""
    return DealHandover.objects.filter(deal=deal).select_related("team", "completed_by").first()
