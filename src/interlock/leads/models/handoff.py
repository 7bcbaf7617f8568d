"""The handoff of a lead to a sales queue, its answer, and marketing's dispute."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from interlock.customers.models import Contact


class RejectionReason(models.Model):
    """A managed reason code; ``outcome`` says where a rejected lead goes."""

    class Outcome(models.TextChoices):
        RECYCLED = "recycled", _("back to marketing (recycled)")
        DISQUALIFIED = "disqualified", _("disqualified")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices)
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("rejection reason")
        verbose_name_plural = _("rejection reasons")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Handoff(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Dispute(models.TextChoices):
        NONE = "", _("none")
        OPEN = "open", _("disputed")
        UPHELD = "upheld", _("rejection upheld")
        OVERTURNED = "overturned", _("rejection overturned")

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="handoffs"
    )
    team = models.ForeignKey(
        "org.Team", verbose_name=_("queue"), on_delete=models.PROTECT, related_name="handoffs"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handoffs",
    )
    assignment = models.ForeignKey(
        "leads.Assignment", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handed_at = models.DateTimeField(_("handed over at"))
    due_at = models.DateTimeField(_("answer due"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Business seconds from handoff to answer in the receiving team's calendar.
    response_seconds = models.BigIntegerField(
        _("time to answer (business seconds)"), null=True, blank=True
    )
    reason = models.ForeignKey(
        RejectionReason,
        verbose_name=_("rejection reason"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handoffs",
    )
    comment = models.TextField(_("comment"), blank=True)
    dispute = models.CharField(
        _("dispute"), max_length=10, choices=Dispute.choices, default=Dispute.NONE, blank=True
    )
    disputed_at = models.DateTimeField(_("disputed at"), null=True, blank=True)
    disputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispute_comment = models.TextField(_("dispute comment"), blank=True)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    settlement_note = models.TextField(_("settlement note"), blank=True)
    # Marketing acknowledges a rejection ("we recycle it into the nurture track").
    answered_at = models.DateTimeField(_("rejection answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    answer_note = models.TextField(_("answer to the rejection"), blank=True)
    # Copied at handoff for reports (speed to lead by source and campaign).
    source = models.CharField(_("source"), max_length=12, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("handoff")
        verbose_name_plural = _("handoffs")
        ordering = ["-handed_at", "-id"]
        constraints = [
            # One open handoff per contact at a time.
            models.UniqueConstraint(
                fields=["contact"], condition=Q(status="open"), name="handoff_one_open_per_contact"
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | Q(reason__isnull=False),
                name="handoff_rejection_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["team", "status", "due_at"]),
            models.Index(fields=["status", "handed_at"]),
            models.Index(fields=["dispute", "disputed_at"]),
        ]

    def __str__(self) -> str:
        return f"handoff {self.pk} of {self.contact_id} to {self.team_id}"
