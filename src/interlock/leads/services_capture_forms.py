"""Writes for the embeddable capture forms (the web forms a website posts leads to)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.leads.models import CaptureForm

FORM_FIELDS = frozenset(
    {
        "name",
        "campaign",
        "allowed_origins",
        "consent_text",
        "thank_you",
        "redirect_url",
        "language",
        "active",
    }
)
LANGUAGES = ("de", "en")


def parse_origins(text: str) -> list[str]:
    """One origin per line → ``scheme://host[:port]``, lower-case; ValidationError names the bad one."""
    origins: list[str] = []
    for raw in (text or "").splitlines():
        line = raw.strip().rstrip("/")
        if not line:
            continue
        parts = urlsplit(line)
        if (
            parts.scheme not in ("http", "https")
            or not parts.hostname
            or parts.path
            or parts.query
            or parts.fragment
            or parts.username
            or "\x00" in line
        ):
            raise ValidationError(
                {
                    "allowed_origins": _(
                        "“%(value)s” is not an origin. Write scheme and host only, "
                        "e.g. https://www.example.com (one per line)."
                    )
                    % {"value": line[:100]}
                }
            )
        try:
            port = parts.port
        except ValueError:
            raise ValidationError(
                {"allowed_origins": _("“%(value)s” has a bad port.") % {"value": line[:100]}}
            ) from None
        default = 443 if parts.scheme == "https" else 80
        origin = f"{parts.scheme}://{parts.hostname}" + (
            f":{port}" if port and port != default else ""
        )
        if origin not in origins:
            origins.append(origin)
    return origins


def _check_form(form: CaptureForm) -> None:
    form.name = (form.name or "").strip()
    if not form.name:
        raise ValidationError({"name": _("Give the form a name.")})
    form.allowed_origins = "\n".join(parse_origins(form.allowed_origins))
    if form.language not in LANGUAGES:
        raise ValidationError({"language": _("Choose German (de) or English (en).")})
    if form.campaign is not None and form.campaign.in_trash:
        raise ValidationError({"campaign": _("This campaign is in the trash; choose another.")})
    form.full_clean()


def _form_payload(form: CaptureForm) -> dict[str, Any]:
    return {
        "name": form.name,
        "campaign_id": form.campaign_id,
        "allowed_origins": form.allowed_origins.splitlines(),
        "active": form.active,
    }


def capture_form_create(*, actor: Any, name: str, **fields: Any) -> CaptureForm:
    """A new embeddable form; its key is random and stays (the snippet contains it)."""
    policy.require(actor, "lead.configure")
    unknown = set(fields) - FORM_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    form = CaptureForm(name=name, **fields)
    with transaction.atomic():
        _check_form(form)
        form.save()
        events.record(
            "capture_form.created", subject=form, actor=actor, payload=_form_payload(form)
        )
    return form


def capture_form_update(*, actor: Any, form: CaptureForm, **fields: Any) -> CaptureForm:
    policy.require(actor, "lead.configure")
    unknown = set(fields) - FORM_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    with transaction.atomic():
        form = CaptureForm.objects.select_for_update().get(pk=form.pk)
        for name, value in fields.items():
            setattr(form, name, value)
        _check_form(form)
        form.save()
        events.record(
            "capture_form.updated",
            subject=form,
            actor=actor,
            payload={**_form_payload(form), "fields": sorted(fields)},
        )
    return form


def capture_form_delete(*, actor: Any, form: CaptureForm) -> None:
    """Delete a form; its captures stay (their form link becomes empty), posts get 404."""
    policy.require(actor, "lead.configure")
    with transaction.atomic():
        events.record(
            "capture_form.deleted", subject=form, actor=actor, payload=_form_payload(form)
        )
        form.delete()


# --- timeline -----------------------------------------------------------------------------
