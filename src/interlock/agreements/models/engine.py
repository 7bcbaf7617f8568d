"""What the engine derives from the event log: deliverables, obligations, period results.

These rows are a projection: ``interlock agreements rebuild`` deletes and
replays them from the events and gets the same rows. Only disputes and
escalation runs (which did things in the world) are kept across a rebuild
and re-attached by (deliverable kind, key, term).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from interlock.agreements.models.agreement import (
    Agreement,
    AgreementVersion,
    EscalationStep,
    Term,
)


class Deliverable(models.Model):
    """One delivered instance of a kind (a handoff, a complaint, a won deal …).

    Created by the first event that concerns it, delivering or fulfilling:
    events may arrive out of order, and a fulfilment seen before its delivery
    still counts once the delivery arrives.
    """

    kind = models.CharField(_("kind"), max_length=60)
    key = models.CharField(_("key"), max_length=120)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    delivery_event_id = models.BigIntegerField(null=True, blank=True)
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilment_event_id = models.BigIntegerField(null=True, blank=True)
    # The fulfilling event type, or "default" when the ladder counted it.
    fulfilled_how = models.CharField(max_length=60, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    place = models.CharField(_("delivered where"), max_length=100, blank=True)
    team = models.ForeignKey(
        "org.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject_type = models.CharField(max_length=100, blank=True)
    subject_id = models.BigIntegerField(null=True, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    due_at = models.DateTimeField(_("requested by"), null=True, blank=True)

    class Meta:
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")
        constraints = [
            models.UniqueConstraint(fields=["kind", "key"], name="deliverable_once"),
        ]
        indexes = [models.Index(fields=["kind", "delivered_at"])]

    def __str__(self) -> str:
        return self.title or f"{self.kind} {self.key}"


class Obligation(models.Model):
    """A time term applied to one deliverable: due by ``due_at``.

    ``check_at`` is the next moment the clock must look at this row (at
    risk, due, or the next escalation step); it is NULL once nothing is left
    to do, so the tick reads only rows that need it through one index.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        AT_RISK = "at_risk", _("at risk")
        BREACHED = "breached", _("breached")  # past due, not fulfilled yet
        FULFILLED = "fulfilled", _("fulfilled on time")
        LATE = "late", _("fulfilled late")
        CANCELLED = "cancelled", _("cancelled")

    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="obligations"
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="obligations")
    version = models.ForeignKey(AgreementVersion, on_delete=models.PROTECT, related_name="+")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, related_name="obligations")
    team = models.ForeignKey(
        "org.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="obligations",
    )
    # Who routing chose, before absences sent it to a deputy.
    routed_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    opened_at = models.DateTimeField(_("delivered at"))
    at_risk_at = models.DateTimeField(_("at risk from"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    fulfilled_at = models.DateTimeField(_("fulfilled at"), null=True, blank=True)
    fulfilled_by_default = models.BooleanField(_("counted as fulfilled"), default=False)
    # The breach moment is the due time, whenever the clock noticed it.
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    # Business seconds from delivery to fulfilment in the receiver's calendar.
    business_seconds = models.BigIntegerField(null=True, blank=True)
    check_at = models.DateTimeField(null=True, blank=True)
    # A settled dispute in the receiver's favour: not counted as a breach.
    waived = models.BooleanField(_("breach waived"), default=False)
    # When the calendar could not give a due time (no working hours): why.
    problem = models.CharField(max_length=200, blank=True)
    # Wall-clock time of the last write to this row (never a frozen "now"):
    # every writer sets it, bulk updates included, so scorecard rollups can
    # refresh only what changed since their last run.
    changed_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["deliverable", "term"], name="obligation_once"),
        ]
        indexes = [
            models.Index(
                fields=["check_at"], condition=Q(check_at__isnull=False), name="obligation_check_at"
            ),
            models.Index(fields=["agreement", "opened_at"]),
            models.Index(fields=["term", "opened_at"]),
            models.Index(fields=["assignee", "status", "due_at"]),
            models.Index(fields=["status", "due_at"]),
        ]

    def __str__(self) -> str:
        return f"obligation {self.pk} ({self.status}) due {self.due_at:%Y-%m-%d %H:%M}"


class EscalationRun(models.Model):
    """One ladder step applied to one obligation (never twice)."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="escalations")
    step = models.ForeignKey(EscalationStep, on_delete=models.PROTECT, related_name="runs")
    # The moment the step was due (trigger + offset), not when the clock ran it.
    due_at = models.DateTimeField()
    ran_at = models.DateTimeField()
    # [{"action": "notify_assignee", "done": true, "note": "…"}]
    outcome = models.JSONField(default=list)

    class Meta:
        verbose_name = _("escalation")
        verbose_name_plural = _("escalations")
        ordering = ["obligation_id", "due_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["obligation", "step"], name="escalation_step_once")
        ]

    def __str__(self) -> str:
        return f"step {self.step_id} on obligation {self.obligation_id}"


class PeriodResult(models.Model):
    """A quantity or quality term evaluated for one period (forecast while it runs)."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", _("on track")
        AT_RISK = "at_risk", _("at risk")
        MET = "met", _("met")
        MISSED = "missed", _("missed")
        NOT_ENOUGH_DATA = "not_enough_data", _("not enough data")

    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="period_results")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period until"))  # exclusive
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    final = models.BooleanField(_("final"), default=False)
    count = models.PositiveIntegerField(_("deliverables"), default=0)
    # quality: how many were decided and how many met the criterion
    decided = models.PositiveIntegerField(default=0)
    met = models.PositiveIntegerField(default=0)
    percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    forecast = models.PositiveIntegerField(_("forecast"), null=True, blank=True)
    evaluated_at = models.DateTimeField()
    waived = models.BooleanField(_("breach waived"), default=False)

    class Meta:
        verbose_name = _("period result")
        verbose_name_plural = _("period results")
        ordering = ["term_id", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["term", "period_start"], name="period_result_once")
        ]

    def __str__(self) -> str:
        return f"term {self.term_id} from {self.period_start}: {self.status}"
