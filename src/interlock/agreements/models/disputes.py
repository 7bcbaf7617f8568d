"""Disputes of breaches, topics for the joint meeting, and hand-made requests."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from interlock.agreements.models.agreement import Agreement
from interlock.agreements.models.engine import Obligation, PeriodResult


class BreachDispute(models.Model):
    """The receiver says a breach is not one; a team lead of each side settles it.

    Kept across an engine rebuild: it names the breach by (kind, key, term)
    as well, and is attached to the rebuilt obligation again.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        UPHELD = "upheld", _("breach stands")
        WAIVED = "waived", _("breach waived")

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="disputes")
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="disputes"
    )
    period_result = models.ForeignKey(
        PeriodResult, null=True, blank=True, on_delete=models.SET_NULL, related_name="disputes"
    )
    # Stable name of the breach, for re-attaching after a rebuild.
    deliverable_kind = models.CharField(max_length=60, blank=True)
    deliverable_key = models.CharField(max_length=120, blank=True)
    term_id_ref = models.BigIntegerField(null=True, blank=True)
    period_start = models.DateField(null=True, blank=True)
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    raised_at = models.DateTimeField(_("raised at"))
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.OPEN
    )
    # A team lead of each side agrees on the outcome.
    provider_decision = models.CharField(max_length=8, blank=True)  # upheld / waived
    provider_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    provider_decided_at = models.DateTimeField(null=True, blank=True)
    receiver_decision = models.CharField(max_length=8, blank=True)
    receiver_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    receiver_decided_at = models.DateTimeField(null=True, blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    note = models.TextField(_("settlement note"), blank=True)

    class Meta:
        verbose_name = _("breach dispute")
        verbose_name_plural = _("breach disputes")
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation"],
                condition=Q(status="open", obligation__isnull=False),
                name="dispute_one_open_per_obligation",
            )
        ]

    def __str__(self) -> str:
        return f"dispute {self.pk} ({self.status})"


class AgendaItem(models.Model):
    """A topic the ladder put on the next joint meeting of the two teams.

    The meetings module takes them (``taken_at``) when it builds an agenda.
    """

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="agenda_items")
    obligation = models.ForeignKey(
        Obligation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispute = models.ForeignKey(
        BreachDispute, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(_("created at"))
    taken_at = models.DateTimeField(_("taken into a meeting at"), null=True, blank=True)

    class Meta:
        verbose_name = _("agenda topic")
        verbose_name_plural = _("agenda topics")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.title


class WorkRequest(models.Model):
    """A hand-made deliverable: one team asks another for something by a date.

    E.g. sales asks marketing for a case study. ``request.created`` delivers
    it, ``request.delivered`` fulfils it, ``request.cancelled`` cancels it.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DELIVERED = "delivered", _("delivered")
        CANCELLED = "cancelled", _("cancelled")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    requesting_team = models.ForeignKey(
        "org.Team", verbose_name=_("asked by team"), on_delete=models.PROTECT, related_name="+"
    )
    provider_team = models.ForeignKey(
        "org.Team", verbose_name=_("asked of team"), on_delete=models.PROTECT, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"))
    due_at = models.DateTimeField(_("wanted by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    delivery_note = models.TextField(_("what was delivered"), blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-requested_at", "-id"]
        indexes = [models.Index(fields=["provider_team", "status", "due_at"])]

    def __str__(self) -> str:
        return self.title
