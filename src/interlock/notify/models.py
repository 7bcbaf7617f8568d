"""Notifications for people: in the app, and by e-mail at once or as a daily digest."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    # What kind of thing happened ("agreement.breach", "agreement.at_risk" …):
    # for filters and for the reader's settings.
    topic = models.CharField(_("topic"), max_length=60)
    # Stored in the recipient's language at the time it was written.
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"))
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set when the e-mail (single or digest) went out.
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    # The same topic for the same thing is written once per recipient.
    dedupe_key = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="notification_once_per_key",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at", "created_at"]),
            models.Index(
                fields=["emailed_at", "created_at"],
                condition=Q(emailed_at__isnull=True),
                name="notification_mail_pending",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Preference(models.Model):
    """How a person wants their notifications e-mailed."""

    class Email(models.TextChoices):
        IMMEDIATE = "immediate", _("each one at once")
        DIGEST = "digest", _("one digest a day")
        NONE = "none", _("no e-mail, only in the app")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.CharField(
        _("e-mail"), max_length=10, choices=Email.choices, default=Email.IMMEDIATE
    )
    # Local hour (in the user's team calendar or the site's zone) the digest goes out.
    digest_hour = models.PositiveSmallIntegerField(_("digest at hour"), default=7)
    last_digest_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification setting")
        verbose_name_plural = _("notification settings")

    def __str__(self) -> str:
        return f"{self.user}: {self.email}"
