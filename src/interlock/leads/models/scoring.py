"""Scoring rules: fit (who the contact is) and engagement (what they did)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class FitRule(models.Model):
    """``field`` ``operator`` ``value`` adds ``points`` (negative subtracts).

    ``field`` names an attribute from the fit-attribute registry in
    ``leads/scoring.py`` (contact and account attributes); ``operator`` and
    ``value`` are validated there, so a bad rule is refused on save with a
    message instead of failing at scoring time.
    """

    class Operator(models.TextChoices):
        EQUALS = "equals", _("equals")
        NOT_EQUALS = "not_equals", _("does not equal")
        IN = "in", _("is one of")
        CONTAINS = "contains", _("contains")
        STARTS_WITH = "starts_with", _("starts with")
        MATCHES = "matches", _("matches the pattern")
        AT_LEAST = "gte", _("is at least")
        AT_MOST = "lte", _("is at most")
        IS_EMPTY = "empty", _("is empty")
        IS_SET = "set", _("is filled")

    name = models.CharField(_("name"), max_length=100, blank=True)
    field = models.CharField(_("attribute"), max_length=40)
    operator = models.CharField(_("operator"), max_length=12, choices=Operator.choices)
    value = models.CharField(_("value"), max_length=500, blank=True)
    points = models.IntegerField(
        _("points"), validators=[MinValueValidator(-1000), MaxValueValidator(1000)]
    )
    active = models.BooleanField(_("active"), default=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("fit rule")
        verbose_name_plural = _("fit rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name or f"{self.field} {self.operator} {self.value}"


class EngagementRule(models.Model):
    """Points for one kind of touch: ``activity:<kind>`` or ``campaign:<response kind>``."""

    trigger = models.CharField(_("trigger"), max_length=40, unique=True)
    points = models.IntegerField(
        _("points"), validators=[MinValueValidator(-1000), MaxValueValidator(1000)]
    )
    active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("engagement rule")
        verbose_name_plural = _("engagement rules")
        ordering = ["trigger"]

    def __str__(self) -> str:
        return f"{self.trigger}: {self.points}"


class ScoringSettings(models.Model):
    """The one settings row (pk=1): grades, half-life, the MQL rule, the rules' version."""

    half_life_days = models.PositiveIntegerField(
        _("half-life of engagement (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(3650)],
    )
    grade_a_min = models.IntegerField(_("grade A from (points)"), default=60)
    grade_b_min = models.IntegerField(_("grade B from (points)"), default=35)
    grade_c_min = models.IntegerField(_("grade C from (points)"), default=10)
    mql_min_grade = models.CharField(
        _("MQL: fit grade at least"),
        max_length=1,
        choices=[("A", "A"), ("B", "B"), ("C", "C"), ("D", "D")],
        default="B",
    )
    mql_min_engagement = models.PositiveIntegerField(_("MQL: engagement at least"), default=50)
    mql_enabled = models.BooleanField(_("promote to MQL automatically"), default=True)
    version = models.PositiveIntegerField(_("rules version"), default=1)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("scoring settings")
        verbose_name_plural = _("scoring settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(grade_a_min__gt=models.F("grade_b_min"))
                & Q(grade_b_min__gt=models.F("grade_c_min")),
                name="scoring_grades_descend",
            )
        ]

    def __str__(self) -> str:
        return "scoring settings"


class RescoreJob(models.Model):
    """A background re-scoring of every contact, with progress for the page."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")

    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.QUEUED
    )
    version = models.PositiveIntegerField(_("rules version"))
    total = models.PositiveIntegerField(_("contacts"), default=0)
    done = models.PositiveIntegerField(_("scored"), default=0)
    promoted = models.PositiveIntegerField(_("promoted to MQL"), default=0)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("re-scoring job")
        verbose_name_plural = _("re-scoring jobs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"re-scoring {self.pk} ({self.status})"
