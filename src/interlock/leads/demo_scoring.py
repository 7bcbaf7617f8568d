"""Bulk delivery of the demo seed's scoring events: each stale contact scored once.

The seed scores every contact as it goes; these handlers (registered with
``core.demo.register_bulk_projection``) only score the contacts whose latest
event came after their score, instead of one scoring per event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from interlock.customers.models import Contact
from interlock.leads.models import (
    LeadProfile,
    RescoreJob,
)


def _rescore_stale(contact_times: dict[int, datetime]) -> None:
    """Score the contacts not scored since their latest event (the seed scored everyone)."""
    from django.utils import timezone

    from interlock.leads.scoring import score_contact, scoring_settings

    if RescoreJob.objects.filter(status=RescoreJob.Status.QUEUED).exists():
        return  # a queued re-scoring of everyone follows the seed: it scores them all
    version = scoring_settings().version
    fresh = dict(
        LeadProfile.objects.filter(
            pk__in=list(contact_times), scoring_version=version, scored_at__isnull=False
        ).values_list("pk", "scored_at")
    )
    alive = set(Contact.objects.filter(pk__in=list(contact_times)).values_list("pk", flat=True))
    now = timezone.now()
    for contact_id in sorted(contact_times):
        scored = fresh.get(contact_id)
        if contact_id in alive and (scored is None or scored < contact_times[contact_id]):
            score_contact(contact_id=contact_id, at=now)


def scoring_contact_events(chunk: list[Any]) -> None:
    """Bulk form of ``leads.scoring.contact`` for the seed: one scoring per stale contact."""
    latest: dict[int, datetime] = {}
    for event in chunk:
        contact_id = event.payload.get("contact_id")
        if isinstance(contact_id, int):
            latest[contact_id] = max(latest.get(contact_id, event.occurred_at), event.occurred_at)
    _rescore_stale(latest)


def scoring_account_events(chunk: list[Any]) -> None:
    """Bulk form of ``leads.scoring.account``: the contacts of the accounts, as above."""
    latest: dict[int, datetime] = {}
    for event in chunk:
        if isinstance(event.payload.get("account_id"), int):
            latest[event.payload["account_id"]] = event.occurred_at
    times: dict[int, datetime] = {}
    for contact_id, account_id in Contact.objects.filter(account_id__in=list(latest)).values_list(
        "pk", "account_id"
    ):
        times[contact_id] = latest[account_id]
    _rescore_stale(times)
