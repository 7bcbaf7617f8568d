"""Lead capture: one submission (API or embedded form) becomes a contact, a response, a lead.

``lead_capture`` normalises the input, finds the live contact by e-mail (or
creates it), finds or creates the account by domain or company name, sets
the lead's source (first time only), moves a new contact into the funnel
(rule ``capture``), attaches the campaign response, stores a ``Capture``
with the consent text shown and the UTM parameters, and records
``lead.captured`` — all in one transaction. Scoring (which may promote to
MQL and hand off through routing) runs after commit: a failing score never
loses a captured lead, it is logged and the nightly rescore catches up.

Captures only fill gaps in an existing contact (blank name, title, phone,
account); they never overwrite what people entered.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models.signals import post_save
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.core.context import Source as ActingSource
from interlock.core.context import acting
from interlock.core.models import Event
from interlock.customers import selectors as customer_selectors
from interlock.customers import services as customer_services
from interlock.customers.models import Account, Contact
from interlock.leads.models import Capture, CaptureForm, LeadProfile, Source, Stage

try:
    import fcntl
except ImportError:  # not on POSIX: threads of one process still queue
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

UTM_KEYS = ("utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content")
LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "title": 150,
    "company": 200,
    "consent_text": 5000,
    "source": 20,
}


@dataclass
class CaptureData:
    """What one submission carries; strings as received (the service normalises)."""

    email: str = ""
    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    domain: str = ""
    title: str = ""
    country: str = ""
    campaign: Any = None  # a Campaign, resolved by the caller
    utm: dict[str, str] = field(default_factory=dict)
    consent_text: str = ""
    source: str = ""
    newsletter_only: bool = False


def _clean(data: CaptureData) -> CaptureData:
    """Strip, check lengths and NULs; ValidationError per field, never a database error."""
    errors: dict[str, str] = {}
    for name in ("email", "phone", "first_name", "last_name", "company", "domain", "title"):
        value = getattr(data, name) or ""
        if not isinstance(value, str):
            errors[name] = _("Send text.")
            continue
        if "\x00" in value:
            errors[name] = _("Text must not contain NUL characters.")
            continue
        setattr(data, name, value.strip())
    for name, limit in LIMITS.items():
        value = getattr(data, name, "")
        if isinstance(value, str) and len(value) > limit:
            errors[name] = _("At most %(max)d characters.") % {"max": limit}
    if errors:
        raise ValidationError(errors)
    data.email = customer_services.normalise_email(data.email)
    data.phone = customer_services.normalise_phone(data.phone)
    if not data.email and not data.phone:
        raise ValidationError({"email": _("Give an e-mail address (or at least a phone number).")})
    data.country = customer_services.normalise_country(data.country or "")
    data.domain = customer_services.normalise_domain(data.domain or "")
    data.utm = {
        key: str(value).strip()[:100]
        for key, value in (data.utm or {}).items()
        if key in UTM_KEYS and value and "\x00" not in str(value)
    }
    return data


def _lock(*keys: str) -> None:
    """Serialise captures of the same e-mail (and new accounts of the same domain).

    Two submissions of one person at the same moment (a double click, a
    retrying client) would otherwise both find no contact and create two.
    PostgreSQL: a transaction-scoped advisory lock per key, taken in sorted
    order so two captures never wait for each other in a cycle. SQLite:
    the connection begins every transaction IMMEDIATE, so the write lock is
    held from BEGIN and the lookup below already runs alone.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted(k for k in keys if k):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [f"lead-capture:{key}"])


# SQLite has one writer at a time; threads of one server process that all
# want it would otherwise wait in SQLite's busy handler, which sleeps in
# growing steps (up to 100 ms) and lets the lock idle between them. Queueing
# them on a mutex hands the lock over at once. Between the server's worker
# processes an advisory file lock beside the database does the same (the
# kernel wakes the next waiter when it is released).
_sqlite_writer = threading.Lock()


def _lock_file() -> Any:
    path = connection.settings_dict["NAME"]
    if fcntl is None or not isinstance(path, str) or path.startswith(":") or "mode=memory" in path:
        return None
    try:
        return open(f"{path}-capture.lock", "a+b")
    except OSError:
        return None


@contextlib.contextmanager
def _one_writer() -> Iterator[None]:
    if connection.vendor != "sqlite":
        yield
        return
    with _sqlite_writer:
        handle = _lock_file()
        if handle is None:
            yield
            return
        with handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)


# The ids of the events recorded during one capture (None outside of one).
_recorded: ContextVar[list[int] | None] = ContextVar("interlock_capture_events", default=None)


def _collect_event(sender: Any, instance: Event, created: bool, **kwargs: Any) -> None:
    ids = _recorded.get()
    if ids is not None and created:
        ids.append(instance.pk)


post_save.connect(_collect_event, sender=Event, dispatch_uid="leads.capture.collect_event")


@contextlib.contextmanager
def _deliver_once() -> Iterator[None]:
    """Queue the delivery of all events of one capture as one task after commit.

    A capture records four to six events (contact, stage, response, capture,
    ...); each would otherwise queue its own task, a write to the queue per
    event. Use inside the capture's outermost ``transaction.atomic()``.
    """
    from interlock.core.tasks import deliver_events

    ids: list[int] = []

    def enqueue() -> None:
        if not ids:
            return
        try:
            deliver_events(ids)
        except Exception:  # the queue may be down: the sweep delivers later
            log.exception("could not enqueue delivery of %d events", len(ids))

    token = _recorded.set(ids)
    try:
        with events.enqueue_held():
            yield
        transaction.on_commit(enqueue)
    finally:
        _recorded.reset(token)


def _ip_hash(ip: str) -> str:
    if not ip:
        return ""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{ip}".encode()).hexdigest()


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


def _source(channel: str, given: str) -> str:
    if given in Source.values:
        return given
    return Source.WEB_FORM if channel == "form" else Source.API


def _enter_funnel(
    contact: Contact, profile: LeadProfile, data: CaptureData, at: datetime, *, created: bool
) -> None:
    from interlock.leads import services_lifecycle

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
        services_lifecycle.first_transition(
            contact=contact, profile=profile, to_stage=target, rule="capture", at=at
        )
        return
    services_lifecycle.lifecycle_change(
        actor=None, contact=contact, to_stage=target, rule="capture", at=at
    )


def _respond(
    contact: Contact, campaign: Any, channel: str, capture_payload: dict[str, Any], at: datetime
) -> None:
    if campaign is None:
        return
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


def lead_capture(
    *,
    actor: Any,
    data: CaptureData,
    form: CaptureForm | None = None,
    channel: str = "api",
    ip: str = "",
    at: datetime | None = None,
) -> Capture:
    """Create or update the contact of one submission; ``actor`` None is the public form.

    Returns the ``Capture`` (``capture.created`` says whether the contact is new).
    """
    if actor is not None:
        policy.require(actor, "lead.write")
    at = at or timezone.now()
    data = _clean(data)
    if form is not None and data.campaign is None:
        data.campaign = form.campaign
    if data.campaign is not None and data.campaign.in_trash:
        data.campaign = None  # a trashed campaign: keep the lead, drop the link
    source = ActingSource.API if channel == "api" else ActingSource.SYSTEM
    with acting(actor, source, ip or None), _one_writer():
        with transaction.atomic(), _deliver_once():
            _lock(f"email:{data.email or data.phone}", f"domain:{data.domain or data.company}")
            contact = None
            if data.email:
                contact = customer_selectors.contact_duplicates(data.email).first()
            elif data.phone:
                contact = Contact.objects.filter(phone=data.phone).order_by("pk").first()
            account = _account(actor, data) if (data.domain or data.company) else None
            created = contact is None
            if contact is None:
                contact = _new_contact(actor, data, account)
            else:
                contact = _fill_gaps(actor, contact, data, account)
            # A new profile starts its clock now (the first move then measures
            # the time without a stage from here) and gets its first source in
            # the same INSERT; an existing one only has gaps filled.
            if created:
                # The contact was inserted just now: the profile cannot exist.
                profile = LeadProfile(
                    contact=contact,
                    stage_changed_at=at,
                    source=_source(channel, data.source),
                    source_campaign=data.campaign,
                )
                profile.save(force_insert=True)
            else:
                profile, made = LeadProfile.objects.get_or_create(
                    contact=contact,
                    defaults={
                        "stage_changed_at": min(contact.created_at, at),
                        "source": _source(channel, data.source),
                        "source_campaign": data.campaign,
                    },
                )
                if not made:
                    fill = []
                    if not profile.source:
                        profile.source = _source(channel, data.source)
                        fill.append("source")
                    if profile.source_campaign_id is None and data.campaign is not None:
                        profile.source_campaign = data.campaign
                        fill.append("source_campaign")
                    if fill:
                        profile.save(update_fields=fill)
            _enter_funnel(contact, profile, data, at, created=created)
            capture = Capture.objects.create(
                form=form,
                contact=contact,
                campaign=data.campaign,
                channel=channel,
                created=created,
                consent_text=data.consent_text,
                utm=data.utm,
                ip_hash=_ip_hash(ip),
                at=at,
            )
            _respond(contact, data.campaign, channel, {"capture_id": capture.pk, **data.utm}, at)
            events.record(
                "lead.captured",
                subject=capture,
                actor=actor,
                occurred_at=at,
                payload={
                    "contact_id": contact.pk,
                    "account_id": contact.account_id,
                    "capture_id": capture.pk,
                    "campaign_id": data.campaign.pk if data.campaign else None,
                    "form_id": form.pk if form else None,
                    "channel": channel,
                    "created": created,
                    "consent": bool(data.consent_text),
                },
            )
        _score(contact.pk, at)
    return capture


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


def _targets(event: Any) -> list[tuple[int | None, int | None]]:
    pairs: list[tuple[int | None, int | None]] = [(None, event.payload.get("contact_id"))]
    if event.payload.get("account_id"):
        pairs.append((event.payload["account_id"], None))
    return pairs


def register_routing_and_capture() -> None:
    """Show captures and routing decisions on the contact's (and account's) timeline.

    Called from ``registrations.register_all``.
    """
    from django.utils.translation import gettext_lazy

    from interlock.customers import timeline

    timeline.register(
        "lead.captured",
        kind="lead_capture",
        title=lambda e: (
            _("Lead captured (new contact)") if e.payload.get("created") else _("Lead captured")
        ),
        targets=_targets,
        summary=lambda e: _("by web form") if e.payload.get("channel") == "form" else _("by API"),
        label=gettext_lazy("lead captures"),
    )
    timeline.register(
        "lead.routed",
        kind="lead_routing",
        title=lambda e: (
            _("Lead routed to %(team)s: %(user)s") % e.payload
            if e.payload.get("user")
            else _("Lead routed to the %(team)s queue") % e.payload
        ),
        targets=lambda e: [(None, e.payload.get("contact_id"))],
        summary=lambda e: str(e.payload.get("explanation", "")),
        label=gettext_lazy("lead routing"),
    )
