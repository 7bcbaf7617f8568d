"""Complaints and ideas: what customers tell us, kept on the shared customer record.

A complaint may name the product it is about and the deal it arose from; the
deal must belong to the complaint's account (checked in the services).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from interlock.core.trash import Trashable


class ComplaintCategory(models.Model):
    """A managed list of complaint categories; retired ones stay for old complaints."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("complaint category")
        verbose_name_plural = _("complaint categories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Complaint(Trashable):
    class Channel(models.TextChoices):
        PHONE = "phone", _("phone")
        EMAIL = "email", _("e-mail")
        WEB = "web", _("web")
        VISIT = "visit", _("visit")
        LETTER = "letter", _("letter")
        SOCIAL = "social", _("social media")

    class Severity(models.TextChoices):
        LOW = "low", _("low")
        MEDIUM = "medium", _("medium")
        HIGH = "high", _("high")
        CRITICAL = "critical", _("critical")

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        RESOLVED = "resolved", _("resolved")
        CLOSED = "closed", _("closed")

    OPEN_STATUSES = (Status.NEW, Status.IN_PROGRESS)

    account = models.ForeignKey(
        "customers.Account",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    product = models.ForeignKey(
        "sales.Product",
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    deal = models.ForeignKey(
        "sales.Deal",
        verbose_name=_("deal"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="complaints",
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    category = models.ForeignKey(
        ComplaintCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_complaints",
    )
    root_cause = models.TextField(_("root cause"), blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    satisfaction = models.PositiveSmallIntegerField(
        _("customer satisfaction"), null=True, blank=True, help_text=_("1 (poor) to 5 (great).")
    )
    created_at = models.DateTimeField(_("created at"), db_index=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__isnull=True)
                | Q(satisfaction__gte=1, satisfaction__lte=5),
                name="complaint_satisfaction_1_5",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["new", "in_progress", "resolved", "closed"]),
                name="complaint_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(severity__in=["low", "medium", "high", "critical"]),
                name="complaint_severity_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["account", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class Idea(Trashable):
    class Status(models.TextChoices):
        NEW = "new", _("new")
        EVALUATING = "evaluating", _("evaluating")
        PLANNED = "planned", _("planned")
        SHIPPED = "shipped", _("shipped")
        DECLINED = "declined", _("declined")

    class Source(models.TextChoices):
        CUSTOMER = "customer", _("customer")
        STAFF = "staff", _("staff")

    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.NEW
    )
    source = models.CharField(
        _("source"), max_length=10, choices=Source.choices, default=Source.CUSTOMER
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)
    accounts = models.ManyToManyField(  # type: ignore[var-annotated]
        "customers.Account", through="IdeaRequest", related_name="ideas", blank=True
    )
    complaints = models.ManyToManyField(  # type: ignore[var-annotated]
        Complaint, through="IdeaComplaint", related_name="ideas", blank=True
    )

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "evaluating", "planned", "shipped", "declined"]),
                name="idea_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class IdeaRequest(models.Model):
    """An account asked for an idea ("which customers want this")."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="requests")
    account = models.ForeignKey(
        "customers.Account", on_delete=models.CASCADE, related_name="idea_requests"
    )
    contact = models.ForeignKey(
        "customers.Contact", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idea request")
        verbose_name_plural = _("idea requests")
        constraints = [
            models.UniqueConstraint(fields=["idea", "account"], name="idea_request_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} ← {self.account_id}"


class IdeaComplaint(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="complaint_links")
    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="idea_links")

    class Meta:
        verbose_name = _("idea–complaint link")
        verbose_name_plural = _("idea–complaint links")
        constraints = [
            models.UniqueConstraint(fields=["idea", "complaint"], name="idea_complaint_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.idea_id} ↔ {self.complaint_id}"


class IdeaVote(models.Model):
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("idea vote")
        verbose_name_plural = _("idea votes")
        constraints = [
            models.UniqueConstraint(fields=["idea", "user"], name="idea_vote_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.idea_id}"
