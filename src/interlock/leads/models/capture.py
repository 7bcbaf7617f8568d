"""Embeddable capture forms: one per campaign (or several), pasted into a website."""

from __future__ import annotations

import secrets

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_form_key() -> str:
    return secrets.token_urlsafe(12)


class CaptureForm(models.Model):
    name = models.CharField(_("name"), max_length=100)
    key = models.CharField(_("key"), max_length=40, unique=True, default=new_form_key)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="capture_forms",
    )
    # One origin per line (scheme://host[:port]); posts and CORS only from these.
    allowed_origins = models.TextField(_("allowed origins"), blank=True)
    consent_text = models.TextField(_("consent text shown"), blank=True)
    thank_you = models.CharField(_("thank-you message"), max_length=300, blank=True)
    redirect_url = models.URLField(_("redirect after submit"), blank=True)
    language = models.CharField(_("language"), max_length=8, default="de")
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("capture form")
        verbose_name_plural = _("capture forms")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Capture(models.Model):
    """One captured submission (API or form): what arrived, and the consent text shown.

    A submission is stored first (``pending``, the cleaned fields in
    ``payload``) and processed right after — in the request when the caller
    waits for it, otherwise by the worker in batches. Processing links the
    contact (``done``) or keeps the reason it could not (``failed``).
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting to be processed")
        DONE = "done", _("processed")
        FAILED = "failed", _("failed")

    form = models.ForeignKey(
        CaptureForm, null=True, blank=True, on_delete=models.SET_NULL, related_name="captures"
    )
    contact = models.ForeignKey(
        "customers.Contact",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="captures",
    )
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    channel = models.CharField(_("channel"), max_length=8)  # api, form
    created = models.BooleanField(_("new contact"), default=False)
    consent_text = models.TextField(_("consent text shown"), blank=True)
    utm = models.JSONField(_("UTM parameters"), default=dict, blank=True)
    ip_hash = models.CharField(max_length=64, blank=True)  # SHA-256, not the address itself
    at = models.DateTimeField(_("when"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DONE
    )
    # The cleaned submission (e-mail, names, company, ...) until it is processed.
    payload = models.JSONField(_("submission"), default=dict, blank=True)
    actor = models.ForeignKey(
        "org.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    error = models.TextField(_("error"), blank=True)
    processed_at = models.DateTimeField(_("processed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("capture")
        verbose_name_plural = _("captures")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["contact", "at"]),
            models.Index(
                fields=["id"],
                name="leads_capture_pending",
                condition=models.Q(status="pending"),
            ),
        ]

    def __str__(self) -> str:
        return f"capture {self.pk} of {self.contact_id}"
