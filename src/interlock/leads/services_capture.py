"""Lead capture: one submission (API or embedded form) becomes a contact, a response, a lead.

Two steps. ``capture_accept`` checks the input (lengths, NULs, e-mail,
phone, country) and stores it as a ``pending`` :class:`Capture` — one INSERT,
so a busy form or API answers at once and nothing that arrived is lost.
Processing then finds the live contact by e-mail (or creates it), finds or
creates the account by domain or company name, sets the lead's source
(first time only), moves a new contact into the funnel (rule ``capture``),
attaches the campaign response, records ``lead.captured``, scores, and —
when the MQL rule fires — hands off through routing: ``capture_one`` for a
caller that waits (``lead_capture``), ``capture_batch`` for the worker,
which takes every pending capture in order, new contacts set-based.

This module holds what both share: the cleaning, the locks that keep two
submissions of one address from making two contacts, and the timeline
entries of captures and routing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
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
from interlock.core.models import Event
from interlock.customers import services as customer_services
from interlock.leads import intake
from interlock.leads.intake import COLUMNS
from interlock.leads.models import Capture, CaptureForm

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
    campaign: Any = None  # a Campaign, resolved by the caller ...
    campaign_id: int | None = None  # ... or only its id (a live campaign)
    utm: dict[str, str] = field(default_factory=dict)
    consent_text: str = ""
    source: str = ""
    newsletter_only: bool = False


# The fields of CaptureData kept in a pending capture's payload (the rest has columns).
STORED = (
    "email",
    "phone",
    "first_name",
    "last_name",
    "company",
    "domain",
    "title",
    "country",
    "source",
)


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


def lock_keys(*keys: str) -> None:
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


# The ids of the events recorded during one capture (None outside of one).
_recorded: ContextVar[list[int] | None] = ContextVar("interlock_capture_events", default=None)


def _collect_event(sender: Any, instance: Event, created: bool, **kwargs: Any) -> None:
    ids = _recorded.get()
    if ids is not None and created:
        ids.append(instance.pk)


post_save.connect(_collect_event, sender=Event, dispatch_uid="leads.capture.collect_event")


@contextlib.contextmanager
def deliver_once() -> Iterator[None]:
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


def data_of(capture: Capture) -> CaptureData:
    """The submission stored in a pending capture, as ``CaptureData`` (already cleaned)."""
    stored = capture.payload or {}
    data = CaptureData(
        **{name: stored.get(name, "") for name in STORED},
        newsletter_only=bool(stored.get("newsletter_only")),
        campaign=capture.campaign,
        utm=dict(capture.utm or {}),
        consent_text=capture.consent_text,
    )
    return data


def capture_accept(
    *,
    actor: Any,
    data: CaptureData,
    form: CaptureForm | None = None,
    channel: str = "api",
    ip: str = "",
    at: datetime | None = None,
    waits: bool = False,
) -> Capture:
    """Check and store one submission (``pending``): one INSERT, nothing else yet.

    Bad input is refused here with a ValidationError per field; what is
    stored is processed by :func:`lead_capture` (the caller waits:
    ``waits``, the row goes to the main table at once) or by the worker
    (``tasks_capture``), which commits every pending capture in order.
    """
    if actor is not None:
        policy.require(actor, "lead.write")
    data = _clean(data)
    if form is not None and data.campaign is None and data.campaign_id is None:
        data.campaign = form.campaign
    campaign_id = data.campaign.pk if data.campaign is not None else data.campaign_id
    if data.campaign is not None and data.campaign.in_trash:
        campaign_id = None  # a trashed campaign: keep the lead, drop the link
    payload: dict[str, Any] = {name: getattr(data, name) for name in STORED if getattr(data, name)}
    if data.newsletter_only:
        payload["newsletter_only"] = True
    if ip:
        payload["ip"] = ip  # for the audit trail of the processing; dropped when done
    capture = Capture(
        form=form,
        campaign_id=campaign_id,
        channel=channel,
        consent_text=data.consent_text,
        utm=data.utm,
        ip_hash=_ip_hash(ip),
        at=at or timezone.now(),
        status=Capture.Status.PENDING,
        payload=payload,
        actor=actor if getattr(actor, "pk", None) else None,
    )
    _insert(capture, waits=waits)
    return capture


def _insert(capture: Capture, *, waits: bool) -> None:
    """One INSERT of plain SQL (the ORM's statement costs more than the write itself).

    On SQLite a submission for the worker goes to the intake file
    (``leads.intake``), so that the request does not wait for the worker's
    writes to the main file; one the caller waits for goes to the main table
    under an id from the intake's sequence.
    """
    values = [getattr(capture, name) for name in COLUMNS]
    values[COLUMNS.index("utm")] = json.dumps(capture.utm)
    values[COLUMNS.index("payload")] = json.dumps(capture.payload)
    values[COLUMNS.index("at")] = connection.ops.adapt_datetimefield_value(capture.at)
    queued = intake.enabled()
    if queued and not waits:
        capture.pk = intake.put(values)
    else:
        columns = list(COLUMNS)
        if queued:
            columns.insert(0, "id")
            values.insert(0, intake.reserve())
        table = Capture._meta.db_table
        marks = ", ".join(["%s"] * len(values))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) RETURNING id",  # noqa: S608
                values,
            )
            capture.pk = cursor.fetchone()[0]
    capture._state.adding = False


def capture_queue(
    *,
    actor: Any,
    data: CaptureData,
    form: CaptureForm | None = None,
    channel: str = "api",
    ip: str = "",
    at: datetime | None = None,
) -> Capture:
    """Store one submission and leave it to the worker (the answer does not wait)."""
    from interlock.leads.tasks_capture import schedule_drain

    capture = capture_accept(actor=actor, data=data, form=form, channel=channel, ip=ip, at=at)
    transaction.on_commit(schedule_drain)
    return capture


def inline() -> bool:
    """Whether submissions are processed in the request (setting LEAD_CAPTURE_INLINE)."""
    return bool(getattr(settings, "LEAD_CAPTURE_INLINE", False))


def lead_capture(
    *,
    actor: Any,
    data: CaptureData,
    form: CaptureForm | None = None,
    channel: str = "api",
    ip: str = "",
    at: datetime | None = None,
) -> Capture:
    """Store and process one submission now; ``actor`` None is the public form.

    Returns the ``Capture`` (``capture.created`` says whether the contact is
    new); a submission that cannot become a contact raises ValidationError
    and stays stored as ``failed`` with the reason.
    """
    from interlock.leads.capture_one import process_one

    capture = capture_accept(
        actor=actor, data=data, form=form, channel=channel, ip=ip, at=at, waits=True
    )
    capture = process_one(capture)
    if capture.status == Capture.Status.FAILED:
        raise ValidationError(capture.error)
    return capture


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

    import interlock.leads.tasks_capture  # noqa: F401  (registers the minute sweep)
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
