"""Writes for complaints and ideas.

Every function is one transaction, asks the policy first, validates (database
constraints, ``full_clean()``, then the rules here), records a domain event
and is audited by django-auditlog. ``complaint.created``,
``complaint.first_response`` and ``complaint.resolved`` are what the
agreements engine will measure response and resolution times on.

Category upkeep uses ``feedback.write`` for now (everyone who may write);
a stricter rule can follow once the agreements issue says who owns the list.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.core import events, policy, trash
from interlock.customers.models import Account, Contact
from interlock.feedback.models import (
    Complaint,
    ComplaintCategory,
    Idea,
    IdeaComplaint,
    IdeaRequest,
    IdeaVote,
)
from interlock.sales.models import Deal, Product

S = Complaint.Status

# Allowed status changes: forward one step at a time, and a resolved
# complaint may be reopened (back to in progress) if the fix did not hold.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.NEW: frozenset({S.IN_PROGRESS}),
    S.IN_PROGRESS: frozenset({S.RESOLVED}),
    S.RESOLVED: frozenset({S.CLOSED, S.IN_PROGRESS}),
    S.CLOSED: frozenset(),
}

COMPLAINT_FIELDS = (
    "contact",
    "product",
    "deal",
    "channel",
    "category",
    "severity",
    "title",
    "description",
    "owner",
    "root_cause",
    "resolution",
)
IDEA_FIELDS = ("title", "description", "source")


def _where(complaint: Complaint) -> dict[str, Any]:
    """Payload keys the timeline needs without queries."""
    return {
        "account_id": complaint.account_id,
        "contact_id": complaint.contact_id,
        "product_id": complaint.product_id,
        "deal_id": complaint.deal_id,
        "title": complaint.title,
        "severity": complaint.severity,
        "channel": complaint.channel,
        "owner_id": complaint.owner_id,
    }


def _check_contact(account: Account, contact: Contact | None) -> None:
    if contact is not None and contact.account_id not in (None, account.pk):
        raise ValidationError(
            {"contact": _("This contact belongs to another account than the complaint.")}
        )


def _check_deal(account: Account, deal: Deal | None) -> None:
    if deal is not None and deal.account_id != account.pk:
        raise ValidationError(
            {
                "deal": _(
                    "This deal belongs to another account than the complaint; "
                    "choose one of %(account)s's deals or leave it empty."
                )
                % {"account": account.name}
            }
        )


def _check_product(product: Product | None, previous_id: int | None = None) -> None:
    if product is not None and not product.active and product.pk != previous_id:
        raise ValidationError(
            {"product": _("This product is no longer sold; choose an active one.")}
        )


def _check_category(category: ComplaintCategory, previous_id: int | None = None) -> None:
    if not category.active and category.pk != previous_id:
        raise ValidationError({"category": _("This category is retired; choose an active one.")})


# --- categories ---------------------------------------------------------------------


def category_create(*, actor: Any, name: str, active: bool = True) -> ComplaintCategory:
    policy.require(actor, "feedback.write")
    category = ComplaintCategory(name=name.strip(), active=active)
    with transaction.atomic():
        category.full_clean()
        category.save()
        events.record(
            "complaint_category.created", subject=category, actor=actor, payload={"name": name}
        )
    return category


def category_update(
    *, actor: Any, category: ComplaintCategory, name: str | None = None, active: bool | None = None
) -> ComplaintCategory:
    policy.require(actor, "feedback.write")
    with transaction.atomic():
        if name is not None:
            category.name = name.strip()
        if active is not None:
            category.active = active
        category.full_clean()
        category.save()
        events.record(
            "complaint_category.updated",
            subject=category,
            actor=actor,
            payload={"name": category.name, "active": category.active},
        )
    return category


# --- complaints ---------------------------------------------------------------------


def complaint_create(
    *,
    actor: Any,
    account: Account,
    category: ComplaintCategory,
    channel: str,
    title: str,
    severity: str = Complaint.Severity.MEDIUM,
    description: str = "",
    contact: Contact | None = None,
    owner: Any | None = None,
    product: Product | None = None,
    deal: Deal | None = None,
    created_at: datetime | None = None,
) -> Complaint:
    """A new complaint on ``account``; ``created_at`` only for imports and demo data.

    ``product`` and ``deal`` are optional; the deal must be one of the account's.
    """
    policy.require(actor, "feedback.write")
    complaint = Complaint(
        account=account,
        contact=contact,
        product=product,
        deal=deal,
        category=category,
        channel=channel,
        severity=severity,
        title=title.strip(),
        description=description,
        owner=owner,
        created_at=created_at or timezone.now(),
    )
    complaint.full_clean()
    _check_contact(account, contact)
    _check_deal(account, deal)
    _check_product(product)
    _check_category(category)
    with transaction.atomic():
        complaint.save()
        events.record(
            "complaint.created",
            subject=complaint,
            actor=actor,
            payload=_where(complaint),
            occurred_at=complaint.created_at,
        )
    return complaint


def complaint_update(*, actor: Any, complaint: Complaint, **fields: Any) -> Complaint:
    """Change the editable fields (not status, times or satisfaction: they have services)."""
    policy.require(actor, "feedback.write")
    unknown = set(fields) - set(COMPLAINT_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed here.") for name in sorted(unknown)}
        )
    with transaction.atomic():
        # Lock: two people editing at once must not interleave with a status change.
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        previous_category = locked.category_id
        previous_product = locked.product_id
        changed = []
        for name, value in fields.items():
            if isinstance(value, str) and name == "title":
                value = value.strip()
            if getattr(locked, name) != value:
                setattr(locked, name, value)
                changed.append(name)
        locked.full_clean()
        _check_contact(locked.account, locked.contact)
        _check_deal(locked.account, locked.deal)
        _check_product(locked.product, previous_product)
        _check_category(locked.category, previous_category)
        locked.save()
        if changed:
            events.record(
                "complaint.updated",
                subject=locked,
                actor=actor,
                payload={**_where(locked), "fields": sorted(changed)},
            )
    return locked


def complaint_respond(*, actor: Any, complaint: Complaint, at: datetime | None = None) -> Complaint:
    """Mark the first response to the customer; later calls change nothing."""
    policy.require(actor, "feedback.write")
    with transaction.atomic():
        # Lock: two people answering at the same moment must record one first response.
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.first_response_at is not None:
            return locked
        moment = at or timezone.now()
        if moment < locked.created_at:
            raise ValidationError({"at": _("The response cannot lie before the complaint.")})
        locked.first_response_at = moment
        if locked.status == S.NEW:
            locked.status = S.IN_PROGRESS
        locked.save(update_fields=["first_response_at", "status"])
        events.record(
            "complaint.first_response",
            subject=locked,
            actor=actor,
            occurred_at=moment,
            payload={
                **_where(locked),
                "seconds": int((moment - locked.created_at).total_seconds()),
            },
        )
    return locked


def complaint_set_status(
    *,
    actor: Any,
    complaint: Complaint,
    status: str,
    resolution: str | None = None,
    root_cause: str | None = None,
    at: datetime | None = None,
) -> Complaint:
    """Move along new → in progress → resolved → closed (or reopen a resolved one)."""
    policy.require(actor, "feedback.write")
    if status not in S.values:
        raise ValidationError({"status": _("Unknown status %(status)r.") % {"status": status}})
    with transaction.atomic():
        # Lock: two status changes at once would both pass the transition check.
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if status not in TRANSITIONS[locked.status]:
            raise ValidationError(
                {
                    "status": _("A complaint cannot go from “%(old)s” to “%(new)s”.")
                    % {"old": locked.get_status_display(), "new": S(status).label}
                }
            )
        moment = at or timezone.now()
        if resolution is not None:
            locked.resolution = resolution
        if root_cause is not None:
            locked.root_cause = root_cause
        if status == S.RESOLVED:
            if not locked.resolution.strip():
                raise ValidationError({"resolution": _("Say how the complaint was resolved.")})
            locked.resolved_at = moment
            if locked.first_response_at is None:
                locked.first_response_at = moment
        elif status == S.CLOSED:
            locked.closed_at = moment
        elif status == S.IN_PROGRESS and locked.status == S.RESOLVED:
            locked.resolved_at = None  # reopened: it will be resolved again
        old = locked.status
        locked.status = status
        locked.full_clean()
        locked.save()
        verb = {
            S.RESOLVED: "resolved",
            S.CLOSED: "closed",
            S.IN_PROGRESS: "reopened" if old == S.RESOLVED else "started",
        }[S(status)]
        events.record(
            f"complaint.{verb}",
            subject=locked,
            actor=actor,
            occurred_at=moment,
            payload={
                **_where(locked),
                "from": old,
                "to": status,
                **(
                    {"seconds": int((moment - locked.created_at).total_seconds())}
                    if status == S.RESOLVED
                    else {}
                ),
            },
        )
    return locked


def complaint_rate(
    *, actor: Any, complaint: Complaint, satisfaction: int, at: datetime | None = None
) -> Complaint:
    """The customer's satisfaction (1–5), once the complaint is resolved or closed.

    ``at`` (when the customer rated) only for imports and demo data.
    """
    policy.require(actor, "feedback.write")
    if isinstance(satisfaction, bool) or not isinstance(satisfaction, int):
        raise ValidationError({"satisfaction": _("Give a whole number from 1 to 5.")})
    if not 1 <= satisfaction <= 5:
        raise ValidationError({"satisfaction": _("Satisfaction goes from 1 to 5.")})
    with transaction.atomic():
        locked = Complaint.objects.select_for_update().get(pk=complaint.pk)
        if locked.status not in (S.RESOLVED, S.CLOSED):
            raise ValidationError(
                {"satisfaction": _("Rate a complaint only once it is resolved or closed.")}
            )
        locked.satisfaction = satisfaction
        locked.save(update_fields=["satisfaction"])
        events.record(
            "complaint.rated",
            subject=locked,
            actor=actor,
            occurred_at=at,
            payload={**_where(locked), "satisfaction": satisfaction},
        )
    return locked


def complaint_delete(*, actor: Any, complaint: Complaint) -> None:
    policy.require(actor, "feedback.write")
    trash.trash_move(obj=complaint, actor=actor)


# --- ideas --------------------------------------------------------------------------


def idea_create(
    *,
    actor: Any,
    title: str,
    description: str = "",
    source: str = Idea.Source.CUSTOMER,
    at: datetime | None = None,
) -> Idea:
    """A new idea; ``at`` (when it came up; default now) only for imports and demo data."""
    policy.require(actor, "feedback.write")
    idea = Idea(
        title=title.strip(),
        description=description,
        source=source,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    idea.full_clean()
    with transaction.atomic():
        idea.save()
        if at is not None:  # created_at is auto_now_add: backdate it explicitly
            Idea.all_objects.filter(pk=idea.pk).update(created_at=at)
            idea.created_at = at
        events.record(
            "idea.created",
            subject=idea,
            actor=actor,
            occurred_at=at,
            payload={"title": idea.title},
        )
    return idea


def idea_update(*, actor: Any, idea: Idea, **fields: Any) -> Idea:
    policy.require(actor, "feedback.write")
    unknown = set(fields) - set(IDEA_FIELDS)
    if unknown:
        raise ValidationError(
            {name: _("This field cannot be changed here.") for name in sorted(unknown)}
        )
    with transaction.atomic():
        changed = []
        for name, value in fields.items():
            if name == "title":
                value = value.strip()
            if getattr(idea, name) != value:
                setattr(idea, name, value)
                changed.append(name)
        idea.full_clean()
        idea.save()
        if changed:
            events.record(
                "idea.updated", subject=idea, actor=actor, payload={"fields": sorted(changed)}
            )
    return idea


def idea_set_status(*, actor: Any, idea: Idea, status: str, at: datetime | None = None) -> Idea:
    """Any status may follow any other: ideas move back and forth as plans change.

    ``at`` (default now) only for imports and demo data.
    """
    policy.require(actor, "feedback.write")
    if status not in Idea.Status.values:
        raise ValidationError({"status": _("Unknown status %(status)r.") % {"status": status}})
    with transaction.atomic():
        old = idea.status
        idea.status = status
        idea.save(update_fields=["status"])
        if old != status:
            events.record(
                "idea.status_changed",
                subject=idea,
                actor=actor,
                occurred_at=at,
                payload={"title": idea.title, "from": old, "to": status},
            )
    return idea


def idea_link_account(
    *,
    actor: Any,
    idea: Idea,
    account: Account,
    contact: Contact | None = None,
    note: str = "",
    at: datetime | None = None,
) -> IdeaRequest:
    """Record that ``account`` asked for ``idea``; linking twice keeps the first request.

    ``at`` (when they asked; default now) only for imports and demo data.
    """
    policy.require(actor, "feedback.write")
    _check_contact(account, contact)
    with transaction.atomic():
        found = IdeaRequest.objects.filter(idea=idea, account=account).first()
        if found is not None:
            return found
        request = IdeaRequest(idea=idea, account=account, contact=contact, note=note)
        request.full_clean(validate_unique=False)
        try:
            # Race: two people linking the same account at once; the unique
            # constraint lets one win and the other gets the winner's row.
            with transaction.atomic():
                request.save()
        except IntegrityError:
            return IdeaRequest.objects.get(idea=idea, account=account)
        if at is not None:  # created_at is auto_now_add: backdate it explicitly
            IdeaRequest.objects.filter(pk=request.pk).update(created_at=at)
            request.created_at = at
        events.record(
            "idea.requested",
            subject=idea,
            actor=actor,
            occurred_at=at,
            payload={
                "title": idea.title,
                "account_id": account.pk,
                "contact_id": contact.pk if contact else None,
                "note": note[:200],
            },
        )
    return request


def idea_unlink_account(*, actor: Any, idea: Idea, account: Account) -> None:
    policy.require(actor, "feedback.write")
    with transaction.atomic():
        deleted, _rows = IdeaRequest.objects.filter(idea=idea, account=account).delete()
        if deleted:
            events.record(
                "idea.request_removed",
                subject=idea,
                actor=actor,
                payload={"title": idea.title, "account_id": account.pk},
            )


def idea_link_complaint(
    *, actor: Any, idea: Idea, complaint: Complaint, at: datetime | None = None
) -> IdeaComplaint:
    """Link a complaint to the idea it suggests; ``at`` (default now) for demo data only."""
    policy.require(actor, "feedback.write")
    with transaction.atomic():
        # Race: a double submit; get_or_create under the unique constraint.
        try:
            with transaction.atomic():
                link, created = IdeaComplaint.objects.get_or_create(idea=idea, complaint=complaint)
        except IntegrityError:
            return IdeaComplaint.objects.get(idea=idea, complaint=complaint)
        if created:
            events.record(
                "idea.complaint_linked",
                subject=idea,
                actor=actor,
                occurred_at=at,
                payload={"title": idea.title, "complaint_id": complaint.pk},
            )
    return link


def idea_vote(*, actor: Any, idea: Idea, at: datetime | None = None) -> bool:
    """The actor votes for ``idea``; True if this added a vote, False if they had one.

    ``at`` (default now) only for imports and demo data.
    """
    policy.require(actor, "feedback.write")
    with transaction.atomic():
        # Race: a double click sends two votes at once. Both may see "no vote
        # yet"; the unique constraint (idea, user) lets one insert win and the
        # other's IntegrityError (in its own savepoint) means "already voted".
        try:
            with transaction.atomic():
                vote = IdeaVote.objects.create(idea=idea, user=actor)
        except IntegrityError:
            return False
        if at is not None:  # created_at is auto_now_add: backdate it explicitly
            IdeaVote.objects.filter(pk=vote.pk).update(created_at=at)
        events.record(
            "idea.voted",
            subject=idea,
            actor=actor,
            occurred_at=at,
            payload={"title": idea.title},
        )
    return True


def idea_unvote(*, actor: Any, idea: Idea) -> bool:
    policy.require(actor, "feedback.write")
    with transaction.atomic():
        deleted, _rows = IdeaVote.objects.filter(idea=idea, user=actor).delete()
        if deleted:
            events.record("idea.unvoted", subject=idea, actor=actor, payload={"title": idea.title})
    return bool(deleted)


def idea_delete(*, actor: Any, idea: Idea) -> None:
    policy.require(actor, "feedback.write")
    trash.trash_move(obj=idea, actor=actor)
