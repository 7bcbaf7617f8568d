"""Writes for hand-made requests between teams (the deliverable kind "request").

``request_create`` records ``request.created`` (the payload carries what the
engine needs: teams, assignee, wanted-by date), ``request_deliver``
``request.delivered`` and ``request_cancel`` ``request.cancelled``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.agreements.models import WorkRequest
from interlock.core import events, policy
from interlock.org.models import Membership, Team, User


def _payload(request: WorkRequest, **extra: Any) -> dict[str, Any]:
    return {
        "request_id": request.pk,
        "title": request.title,
        "requesting_team_id": request.requesting_team_id,
        "provider_team_id": request.provider_team_id,
        "assignee_id": request.assignee_id,
        "requested_by_id": request.requested_by_id,
        "due_at": request.due_at.astimezone(UTC).isoformat() if request.due_at else None,
        **extra,
    }


def _check(
    *,
    requesting_team: Team,
    provider_team: Team,
    assignee: User | None,
    due_at: datetime | None,
    now: datetime,
) -> None:
    errors: dict[str, str] = {}
    for field, team in (("requesting_team", requesting_team), ("provider_team", provider_team)):
        if team.deleted_at is not None:
            errors[field] = _("The team “%(name)s” was deleted.") % {"name": team.name}
    if requesting_team.pk == provider_team.pk:
        errors["provider_team"] = _("A team does not ask itself; choose another team.")
    if assignee is not None:
        if not assignee.is_active:
            errors["assignee"] = _("%(name)s is inactive; choose someone else.") % {
                "name": assignee
            }
        elif not Membership.objects.filter(user=assignee, team=provider_team).exists():
            errors["assignee"] = _("%(name)s is not in the team “%(team)s”.") % {
                "name": assignee,
                "team": provider_team.name,
            }
    if due_at is not None:
        if timezone.is_naive(due_at):
            errors["due_at"] = _("Give the wanted-by time with its time zone.")
        elif due_at <= now:
            errors["due_at"] = _("The wanted-by time lies in the past; choose a later one.")
    if errors:
        raise ValidationError(errors)


def request_create(
    *,
    actor: Any,
    title: str,
    requesting_team: Team,
    provider_team: Team,
    description: str = "",
    assignee: User | None = None,
    due_at: datetime | None = None,
    at: datetime | None = None,
) -> WorkRequest:
    """One team asks another for something, optionally by a date and of one person."""
    policy.require(actor, "request.create")
    now = at or timezone.now()
    _check(
        requesting_team=requesting_team,
        provider_team=provider_team,
        assignee=assignee,
        due_at=due_at,
        now=now,
    )
    request = WorkRequest(
        title=(title or "").strip(),
        description=(description or "").strip(),
        requesting_team=requesting_team,
        provider_team=provider_team,
        assignee=assignee,
        requested_by=actor if getattr(actor, "pk", None) else None,
        requested_at=now,
        due_at=due_at,
    )
    request.full_clean()
    with transaction.atomic():
        request.save()
        events.record(
            "request.created",
            subject=request,
            actor=actor,
            occurred_at=now,
            payload=_payload(request),
        )
    return request


def _lock_open(request: WorkRequest) -> WorkRequest:
    # Lock: delivering and cancelling at the same moment must not both happen.
    locked = WorkRequest.objects.select_for_update().get(pk=request.pk)
    if locked.status != WorkRequest.Status.OPEN:
        raise ValidationError(
            _("This request is already %(status)s.") % {"status": locked.get_status_display()}
        )
    return locked


def request_deliver(
    *, actor: Any, request: WorkRequest, note: str = "", at: datetime | None = None
) -> WorkRequest:
    """The asked team hands over what was asked for (with a note on what it is)."""
    policy.require(actor, "request.deliver", request)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_open(request)
        locked.status = WorkRequest.Status.DELIVERED
        locked.delivered_at = at
        locked.delivered_by = actor if getattr(actor, "pk", None) else None
        locked.delivery_note = (note or "").strip()
        locked.full_clean()
        locked.save(update_fields=["status", "delivered_at", "delivered_by", "delivery_note"])
        events.record(
            "request.delivered",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=_payload(locked, note=locked.delivery_note),
        )
    return locked


def request_cancel(
    *, actor: Any, request: WorkRequest, reason: str = "", at: datetime | None = None
) -> WorkRequest:
    """Nobody needs it any more: the request is cancelled (and measured no longer)."""
    policy.require(actor, "request.deliver", request)
    at = at or timezone.now()
    with transaction.atomic():
        locked = _lock_open(request)
        locked.status = WorkRequest.Status.CANCELLED
        locked.save(update_fields=["status"])
        events.record(
            "request.cancelled",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload=_payload(locked, reason=(reason or "").strip()),
        )
    return locked
