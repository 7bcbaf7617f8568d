"""Processing one stored submission: the contact, its profile, the funnel, the response.

``process_one`` turns a ``pending`` :class:`~interlock.leads.models.Capture`
into a contact (found by e-mail, or created), fills gaps of an existing one,
moves a new contact into the funnel (rule ``capture``), attaches the campaign
response and records ``lead.captured`` — in one transaction, then scores.
It serves every submission that the set-based path of ``capture_batch``
does not take (an existing contact, a phone-only lead, a second submission
of one address in a batch) and the caller who waits for the result.

Captures only fill gaps in an existing contact (blank name, title, phone,
account); they never overwrite what people entered.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.core.context import Source as ActingSource
from interlock.core.context import acting
from interlock.customers import selectors as customer_selectors
from interlock.customers import services as customer_services
from interlock.customers.models import Account, Contact
from interlock.leads.models import Capture, LeadProfile, Source, Stage
from interlock.leads.services_capture import (
    CaptureData,
    data_of,
    deliver_once,
    lock_keys,
)

log = logging.getLogger(__name__)


def _account(actor: Any, data: CaptureData) -> Account | None:
    if data.domain:
        found = customer_selectors.account_duplicates(data.domain).first()
        if found is not None:
            return found
    elif data.company:
        found = Account.objects.filter(name__iexact=data.company).order_by("pk").first()
        if found is not None:
            return found
    else:
        return None
    fields: dict[str, Any] = {"domain": data.domain, "country": data.country}
    name = data.company or data.domain
    if actor is not None:
        policy.require(actor, "customer.write")
    # The same cleaning and rules as account_create (the public form acts as
    # the system, without a person to ask the policy about), minus its
    # savepoint and the external-id constraint query: a captured account has
    # no external id and no parent, and duplicates of the domain were just
    # looked up under the lock.
    fields["name"] = name
    customer_services._clean_account_fields(fields)
    account = Account(**fields)
    account.full_clean(validate_constraints=False)
    account.save()
    events.record(
        "account.created",
        subject=account,
        actor=actor,
        payload={"account_id": account.pk, "name": account.name},
    )
    return account


def _new_contact(actor: Any, data: CaptureData, account: Account | None) -> Contact:
    """contact_create's cleaning and rules, without the queries a capture does not need.

    The account was just found or created in this transaction (no lookup of
    it), a captured contact has no external id (no constraint query), and
    duplicates of the e-mail were looked up under the lock already.
    """
    if actor is not None:
        policy.require(actor, "customer.write")
    last_name = data.last_name or (data.email.split("@", 1)[0] if data.email else data.phone)
    fields: dict[str, Any] = {
        "first_name": data.first_name,
        "last_name": last_name,
        "email": data.email,
        "phone": data.phone,
        "title": data.title,
        "account": account,
    }
    customer_services._clean_contact_fields(fields, account)
    contact = Contact(**fields)
    contact.full_clean(exclude=["account"], validate_constraints=False)
    if account is not None and account.in_trash:
        raise ValidationError({"account": _("This account is in the trash.")})
    # A new contact has no lead profile yet: say so, or the audit entry of the
    # INSERT looks the (reverse one-to-one) profile up to record it as empty.
    Contact.lead.related.set_cached_value(contact, None)
    contact.save()
    events.record(
        "contact.created",
        subject=contact,
        actor=actor,
        payload={"account_id": contact.account_id, "contact_id": contact.pk, "name": str(contact)},
    )
    return contact


def _fill_gaps(actor: Any, contact: Contact, data: CaptureData, account: Account | None) -> Contact:
    gaps: dict[str, Any] = {}
    for name in ("first_name", "title", "phone"):
        if getattr(data, name) and not getattr(contact, name):
            gaps[name] = getattr(data, name)
    if account is not None and contact.account_id is None:
        gaps["account"] = account
    if not gaps:
        return contact
    if actor is not None:
        return customer_services.contact_update(actor=actor, contact=contact, **gaps)
    customer_services._clean_contact_fields(gaps, gaps.get("account", contact.account))
    for name, value in gaps.items():
        setattr(contact, name, value)
    contact.full_clean()
    contact.save()
    events.record(
        "contact.updated",
        subject=contact,
        payload={
            "account_id": contact.account_id,
            "contact_id": contact.pk,
            "fields": sorted(gaps),
        },
    )
    return contact


def source_of(channel: str, given: str) -> str:
    if given in Source.values:
        return given
    return Source.WEB_FORM if channel == "form" else Source.API


def _enter_funnel(
    contact: Contact, profile: LeadProfile, data: CaptureData, at: datetime, *, created: bool
) -> None:
    from interlock.leads import moves, services_lifecycle

    stage = contact.lifecycle_stage or ""
    target = ""
    if stage == "":
        target = Stage.SUBSCRIBER if data.newsletter_only else Stage.LEAD
    elif stage == Stage.SUBSCRIBER and not data.newsletter_only:
        target = Stage.LEAD
    if not target:
        return
    if created:
        # The contact was inserted in this transaction: nobody else can see
        # it to move it (no row lock needed), it has no earlier transition,
        # and its profile is the one in hand. The move itself is the same.
        moves.first_transition(
            contact=contact, profile=profile, to_stage=target, rule="capture", at=at
        )
        return
    services_lifecycle.lifecycle_change(
        actor=None, contact=contact, to_stage=target, rule="capture", at=at
    )


def _respond(
    contact: Contact, campaign: Any, channel: str, capture_payload: dict[str, Any], at: datetime
) -> None:
    if campaign is None or campaign.in_trash:
        return  # trashed since the submission arrived: keep the lead, drop the response
    try:
        from interlock.campaigns.services import campaign_response_record
    except ImportError:  # the campaigns part not installed yet: the Capture row keeps the link
        return
    # The capture acts as the system here: a sales rep's token may post leads
    # (lead.write) without being allowed to run campaigns.
    campaign_response_record(
        actor=None,
        campaign=campaign,
        contact=contact,
        kind="form",
        source=channel,
        payload=capture_payload,
        at=at,
    )


def _score(contact_id: int, at: datetime) -> None:
    try:
        from interlock.leads.scoring import score_contact
    except ImportError:  # the scoring part not installed yet
        return
    try:
        score_contact(contact_id=contact_id, at=at)
    except Exception:
        # The capture is committed; a scoring bug must not turn it into an
        # error the sender retries (which would only duplicate the response).
        log.exception("scoring the captured contact %s failed", contact_id)


def _profile(
    contact: Contact, data: CaptureData, channel: str, at: datetime, created: bool
) -> LeadProfile:
    """A new profile starts its clock now and gets its first source; an old one fills gaps."""
    if created:
        # The contact was inserted just now: the profile cannot exist.
        profile = LeadProfile(
            contact=contact,
            stage_changed_at=at,
            source=source_of(channel, data.source),
            source_campaign=data.campaign,
        )
        profile.save(force_insert=True)
        return profile
    profile, made = LeadProfile.objects.get_or_create(
        contact=contact,
        defaults={
            "stage_changed_at": min(contact.created_at, at),
            "source": source_of(channel, data.source),
            "source_campaign": data.campaign,
        },
    )
    if not made:
        fill = []
        if not profile.source:
            profile.source = source_of(channel, data.source)
            fill.append("source")
        if profile.source_campaign_id is None and data.campaign is not None:
            profile.source_campaign = data.campaign
            fill.append("source_campaign")
        if fill:
            profile.save(update_fields=fill)
    return profile


def _claim(capture: Capture) -> bool:
    """Whether this call may process ``capture`` (it is still pending; now it is ours)."""
    return bool(
        Capture.objects.filter(pk=capture.pk, status=Capture.Status.PENDING).update(
            status=Capture.Status.DONE
        )
    )


def process_one(capture: Capture) -> Capture:
    """Process one pending capture; returns it done (or failed, with the reason kept)."""
    actor = capture.actor
    data = data_of(capture)
    at = capture.at
    channel = capture.channel
    ip = str(capture.payload.get("ip") or "")
    source = ActingSource.API if channel == "api" else ActingSource.SYSTEM
    try:
        with acting(actor, source, ip or None):
            with transaction.atomic(), deliver_once():
                # The row first, then the keys: the worker's batch takes them in this order too.
                if not _claim(capture):
                    capture.refresh_from_db()
                    return capture
                lock_keys(
                    f"email:{data.email or data.phone}", f"domain:{data.domain or data.company}"
                )
                contact, created = _contact(actor, data)
                profile = _profile(contact, data, channel, at, created)
                _enter_funnel(contact, profile, data, at, created=created)
                capture.contact = contact
                capture.created = created
                capture.status = Capture.Status.DONE
                capture.payload = {}
                capture.processed_at = timezone.now()
                capture.save(
                    update_fields=["contact", "created", "status", "payload", "processed_at"]
                )
                _respond(
                    contact, data.campaign, channel, {"capture_id": capture.pk, **data.utm}, at
                )
                record_captured(capture, actor)
            _score(contact.pk, at)
    except ValidationError as exc:
        fail(capture, exc)
    except Exception:
        # A bug or a broken row must not stop the queue behind it: keep the
        # submission as failed (with the reason logged) and go on.
        log.exception("capture %s could not be processed", capture.pk)
        fail(capture, ValidationError(_("It could not be processed (an internal error, logged).")))
    return capture


def _contact(actor: Any, data: CaptureData) -> tuple[Contact, bool]:
    contact = None
    if data.email:
        contact = customer_selectors.contact_duplicates(data.email).first()
    elif data.phone:
        contact = Contact.objects.filter(phone=data.phone).order_by("pk").first()
    account = _account(actor, data) if (data.domain or data.company) else None
    if contact is None:
        return _new_contact(actor, data, account), True
    return _fill_gaps(actor, contact, data, account), False


def record_captured(capture: Capture, actor: Any) -> None:
    events.record(
        "lead.captured",
        subject=capture,
        actor=actor,
        occurred_at=capture.at,
        payload={
            "contact_id": capture.contact_id,
            "account_id": capture.contact.account_id if capture.contact else None,
            "capture_id": capture.pk,
            "campaign_id": capture.campaign_id,
            "form_id": capture.form_id,
            "channel": capture.channel,
            "created": capture.created,
            "consent": bool(capture.consent_text),
        },
    )


def fail(capture: Capture, exc: ValidationError) -> None:
    """Keep the submission and say why it could not become a contact."""
    text = "; ".join(
        f"{name}: {' '.join(str(m) for m in messages)}"
        for name, messages in (
            exc.message_dict.items() if hasattr(exc, "error_dict") else [("", exc.messages)]
        )
    )
    log.warning("capture %s failed: %s", capture.pk, text)
    Capture.objects.filter(pk=capture.pk).update(
        status=Capture.Status.FAILED, error=text[:2000], processed_at=timezone.now()
    )
    capture.status = Capture.Status.FAILED
    capture.error = text[:2000]
