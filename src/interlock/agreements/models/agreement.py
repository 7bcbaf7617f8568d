"""An agreement between two teams, its versions, terms, escalation ladder and signatures.

An :class:`Agreement` names the two parties; everything that can change
lives on an :class:`AgreementVersion`. A draft version may be edited; once
proposed it is frozen; it becomes active when a team lead of each side has
signed it. A change to an active agreement is a new version (draft → proposed
→ signed) that supersedes the old one when it takes effect; every version
stays readable, and the engine measures each deliverable under the version
that was in force when it was delivered.
"""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Agreement(models.Model):
    provider_team = models.ForeignKey(
        "org.Team",
        verbose_name=_("provider team"),
        on_delete=models.PROTECT,
        related_name="agreements_provided",
    )
    receiver_team = models.ForeignKey(
        "org.Team",
        verbose_name=_("receiver team"),
        on_delete=models.PROTECT,
        related_name="agreements_received",
    )
    # Mirrors the newest version's title, for lists and search.
    title = models.CharField(_("title"), max_length=200)
    template = models.CharField(_("template"), max_length=40, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("team agreement")
        verbose_name_plural = _("team agreements")
        ordering = ["title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(provider_team=F("receiver_team")),
                name="agreement_two_different_teams",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AgreementVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PROPOSED = "proposed", _("proposed")
        ACTIVE = "active", _("active")
        SUPERSEDED = "superseded", _("superseded")
        TERMINATED = "terminated", _("terminated")
        WITHDRAWN = "withdrawn", _("withdrawn")  # a draft or proposal nobody signed

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("agreement"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=200)
    purpose = models.TextField(_("purpose"), blank=True)
    effective_from = models.DateTimeField(_("effective from"))
    effective_to = models.DateTimeField(_("effective until"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    proposed_at = models.DateTimeField(_("proposed at"), null=True, blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    activated_at = models.DateTimeField(_("active since"), null=True, blank=True)
    # When a later version superseded it or it was terminated.
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    end_note = models.TextField(_("why it ended"), blank=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["agreement", "number"], name="agreement_version_once"),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status="active"),
                name="agreement_one_active_version",
            ),
            models.UniqueConstraint(
                fields=["agreement"],
                condition=Q(status__in=["draft", "proposed"]),
                name="agreement_one_open_draft",
            ),
            models.CheckConstraint(
                condition=Q(effective_to__isnull=True) | Q(effective_to__gt=F("effective_from")),
                name="agreement_version_period_forward",
            ),
        ]
        indexes = [models.Index(fields=["status", "activated_at"])]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def in_force_from(self) -> datetime | None:
        if self.activated_at is None:
            return None
        return max(self.activated_at, self.effective_from)

    def in_force_to(self) -> datetime | None:
        ends = [t for t in (self.ended_at, self.effective_to) if t is not None]
        return min(ends) if ends else None

    def in_force_at(self, at: datetime) -> bool:
        """True if deliverables at ``at`` are measured under this version."""
        start = self.in_force_from()
        if start is None or at < start:
            return False
        end = self.in_force_to()
        return end is None or at < end


class Term(models.Model):
    class Type(models.TextChoices):
        TIME = "time", _("time")
        QUANTITY = "quantity", _("quantity")
        QUALITY = "quality", _("quality")

    class Period(models.TextChoices):
        WEEK = "week", _("week")
        MONTH = "month", _("month")
        QUARTER = "quarter", _("quarter")

    version = models.ForeignKey(
        AgreementVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="terms"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    type = models.CharField(_("type"), max_length=10, choices=Type.choices)
    # A key of the deliverable-kind registry (interlock.core.deliverables).
    deliverable = models.CharField(_("deliverable"), max_length=60)
    # Where it is delivered ("team:3" …); empty: anywhere.
    place = models.CharField(_("delivered where"), max_length=100, blank=True)
    # time terms
    hours = models.DecimalField(
        _("within business hours"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    at_risk_percent = models.PositiveSmallIntegerField(
        _("at risk after % of the time"), null=True, blank=True, default=75
    )
    # quantity and quality terms
    period = models.CharField(_("period"), max_length=8, choices=Period.choices, blank=True)
    minimum = models.PositiveIntegerField(_("at least"), null=True, blank=True)
    maximum = models.PositiveIntegerField(_("at most"), null=True, blank=True)
    # quality: {"attribute": "fit_grade", "op": "gte", "value": "B"}
    criterion = models.JSONField(_("criterion"), default=dict, blank=True)
    target_percent = models.DecimalField(
        _("target %"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    min_sample = models.PositiveIntegerField(_("minimum sample"), null=True, blank=True)

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["version_id", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(type="time") | Q(hours__gt=0), name="term_time_needs_positive_hours"
            ),
            models.CheckConstraint(
                condition=Q(maximum__isnull=True)
                | Q(minimum__isnull=True)
                | Q(maximum__gte=F("minimum")),
                name="term_quantity_max_not_below_min",
            ),
            models.CheckConstraint(
                condition=Q(target_percent__isnull=True)
                | (Q(target_percent__gte=0) & Q(target_percent__lte=100)),
                name="term_quality_target_is_percent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} · {self.deliverable}"


class EscalationStep(models.Model):
    """One rung of an agreement version's escalation ladder."""

    class Trigger(models.TextChoices):
        AT_RISK = "at_risk", _("at risk")
        BREACH = "breach", _("breach")

    class Action(models.TextChoices):
        NOTIFY_ASSIGNEE = "notify_assignee", _("notify the assignee")
        NOTIFY_TEAM_LEAD = "notify_team_lead", _("notify the team lead")
        NOTIFY_MANAGEMENT = "notify_management", _("notify management")
        REASSIGN_DEPUTY = "reassign_deputy", _("reassign to the deputy")
        REASSIGN_QUEUE = "reassign_queue", _("put back in the queue")
        RETURN_TO_PROVIDER = "return_to_provider", _("return to the provider")
        FULFIL_BY_DEFAULT = "fulfil_by_default", _("count as fulfilled")
        MEETING_AGENDA = "meeting_agenda", _("put on the next joint meeting's agenda")

    version = models.ForeignKey(
        AgreementVersion, verbose_name=_("version"), on_delete=models.CASCADE, related_name="ladder"
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    trigger = models.CharField(_("after"), max_length=8, choices=Trigger.choices)
    # Business hours of the receiver's calendar after the trigger (0 = at once).
    offset_hours = models.DecimalField(
        _("business hours later"), max_digits=7, decimal_places=2, default=0
    )
    actions = models.JSONField(_("actions"), default=list)

    class Meta:
        verbose_name = _("escalation step")
        verbose_name_plural = _("escalation steps")
        ordering = ["version_id", "trigger", "offset_hours", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(offset_hours__gte=0), name="step_offset_not_negative"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_trigger_display()} +{self.offset_hours}h"


class Signature(models.Model):
    class Side(models.TextChoices):
        PROVIDER = "provider", _("provider")
        RECEIVER = "receiver", _("receiver")

    version = models.ForeignKey(
        AgreementVersion,
        verbose_name=_("version"),
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    side = models.CharField(_("side"), max_length=8, choices=Side.choices)
    team = models.ForeignKey("org.Team", on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="agreement_signatures"
    )
    signed_at = models.DateTimeField(_("signed at"))
    # SHA-256 of the contract text as signed: proof of what was signed.
    content_hash = models.CharField(_("fingerprint"), max_length=64)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["version_id", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["version", "side"], name="signature_once_per_side")
        ]

    def __str__(self) -> str:
        return f"{self.user} for {self.team} ({self.side})"
