"""Keep one contact's scores current: re-score it when something about it happens.

Subscribed after commit through the event log (retried if scoring fails):
an activity logged, a campaign response, the contact created or changed,
and its account changed (then every contact of the account).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.utils import timezone

from interlock.core import events

CONTACT_EVENTS = ("activity.logged", "campaign.responded", "contact.created", "contact.updated")


def _at(event: Any) -> datetime:
    """Score as of now: the stored score is the current one.

    Scoring as of the event would let a late delivery of an older event
    overwrite a newer score with an older, lower one.
    """
    return timezone.now()


def rescore_contact(event: Any) -> None:
    from interlock.customers.models import Contact
    from interlock.leads.scoring import score_contact

    contact_id = event.payload.get("contact_id")
    if not isinstance(contact_id, int):
        return
    if event.payload.get("scored"):
        return  # written together with its score (lead capture): nothing new to count
    if getattr(event, "type", "") == "contact.created":
        from interlock.leads.models import LeadProfile

        # Scored since it was created (lead capture scores a new contact in
        # the same transaction): a new contact has nothing else to count yet.
        if LeadProfile.objects.filter(contact_id=contact_id, scored_at__isnull=False).exists():
            return
    if Contact.objects.filter(pk=contact_id).exists():
        score_contact(contact_id=contact_id, at=_at(event))


def rescore_contacts(batch: list[Any]) -> None:
    """:func:`rescore_contact` for many events: each contact scored once, as of now.

    The same rows as event by event: scoring is as of now, so a second
    scoring of a contact changes nothing, and a contact that only has
    ``contact.created`` events is skipped if it is scored already.
    """
    from interlock.customers.models import Contact
    from interlock.leads.models import LeadProfile
    from interlock.leads.scoring import score_contact

    only_created: dict[int, bool] = {}
    for event in batch:
        contact_id = event.payload.get("contact_id")
        if not isinstance(contact_id, int) or event.payload.get("scored"):
            continue
        created = getattr(event, "type", "") == "contact.created"
        only_created[contact_id] = only_created.get(contact_id, True) and created
    if not only_created:
        return
    skip = set(
        LeadProfile.objects.filter(
            contact_id__in=[cid for cid, created in only_created.items() if created],
            scored_at__isnull=False,
        ).values_list("contact_id", flat=True)
    )
    existing = set(Contact.objects.filter(pk__in=list(only_created)).values_list("pk", flat=True))
    for contact_id in only_created:
        if contact_id in existing and contact_id not in skip:
            score_contact(contact_id=contact_id, at=timezone.now())


def rescore_account(event: Any) -> None:
    from interlock.customers.models import Contact
    from interlock.leads.scoring import score_contact

    account_id = event.payload.get("account_id")
    if not isinstance(account_id, int):
        return
    for contact_id in Contact.objects.filter(account_id=account_id).values_list("pk", flat=True):
        score_contact(contact_id=contact_id, at=_at(event))


def register_scoring() -> None:
    """Subscribers and tasks of scoring; called from ``registrations.register_all``."""
    from interlock.leads import tasks_scoring  # noqa: F401  (huey discovers the task)

    # Events written together with the contact's score (lead capture) carry
    # ``scored``: they get no delivery here.
    events.subscribe(*CONTACT_EVENTS, name="leads.scoring.contact", unless="scored")(
        rescore_contact
    )
    events.handle_many("leads.scoring.contact", rescore_contacts)
    events.subscribe("account.updated", name="leads.scoring.account")(rescore_account)
