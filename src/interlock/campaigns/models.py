"""Campaigns: short-term marketing actions, their costs, members and responses.

A campaign's members are contacts with a status; every response (a form
filled, an event attended, a click from a mailing) is its own append-only
``CampaignResponse`` row, because engagement scoring and attribution both
need the moment of each touch, not only the member's latest status.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from interlock.core.trash import Trashable
from interlock.customers.models import Contact


class Campaign(Trashable):
    class Type(models.TextChoices):
        EVENT = "event", _("event")
        WEBINAR = "webinar", _("webinar")
        EMAIL = "email", _("e-mail")
        PAID_ADS = "paid_ads", _("paid ads")
        TRADE_FAIR = "trade_fair", _("trade fair")
        CONTENT = "content", _("content")
        DIRECT_MAIL = "direct_mail", _("direct mail")

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        ACTIVE = "active", _("active")
        COMPLETED = "completed", _("completed")
        CANCELLED = "cancelled", _("cancelled")

    name = models.CharField(_("name"), max_length=200)
    type = models.CharField(_("type"), max_length=20, choices=Type.choices)
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.PLANNED
    )
    description = models.TextField(_("description"), blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns_owned",
    )
    team = models.ForeignKey(
        "org.Team",
        verbose_name=_("team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="campaigns",
    )
    budget = models.DecimalField(
        _("budget"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    utm_source = models.CharField(_("UTM source"), max_length=100, blank=True)
    utm_medium = models.CharField(_("UTM medium"), max_length=100, blank=True)
    utm_campaign = models.CharField(_("UTM campaign"), max_length=100, blank=True)
    utm_term = models.CharField(_("UTM term"), max_length=100, blank=True)
    utm_content = models.CharField(_("UTM content"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "name"]
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="campaign_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(budget__gte=0), name="campaign_budget_not_negative"),
            # utm_campaign identifies the campaign in captured form posts.
            models.UniqueConstraint(
                fields=["utm_campaign"],
                condition=Q(deleted_at__isnull=True) & ~Q(utm_campaign=""),
                name="campaign_utm_campaign_live_unique",
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_on"])]

    def __str__(self) -> str:
        return self.name


class CampaignCost(models.Model):
    """One line of actual cost (booth, ads invoice, printing, ...)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="costs"
    )
    description = models.CharField(_("description"), max_length=200)
    amount = models.DecimalField(
        _("amount"),
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    incurred_on = models.DateField(_("incurred on"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("campaign cost")
        verbose_name_plural = _("campaign costs")
        ordering = ["incurred_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="campaign_cost_not_negative")
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.amount} {self.currency}"


class CampaignMember(models.Model):
    class Status(models.TextChoices):
        TARGETED = "targeted", _("targeted")
        SENT = "sent", _("sent")
        RESPONDED = "responded", _("responded")
        REGISTERED = "registered", _("registered")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("no-show")
        UNSUBSCRIBED = "unsubscribed", _("unsubscribed")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="members"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="campaign_members",
    )
    status = models.CharField(
        _("status"), max_length=14, choices=Status.choices, default=Status.TARGETED
    )
    added_at = models.DateTimeField(_("added at"))
    first_responded_at = models.DateTimeField(_("first responded at"), null=True, blank=True)
    status_changed_at = models.DateTimeField(_("status changed at"))

    class Meta:
        verbose_name = _("campaign member")
        verbose_name_plural = _("campaign members")
        constraints = [
            models.UniqueConstraint(fields=["campaign", "contact"], name="campaign_member_unique")
        ]
        indexes = [
            models.Index(fields=["contact", "added_at"]),
            models.Index(fields=["campaign", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} in {self.campaign_id}: {self.status}"


class CampaignResponse(models.Model):
    """One touch of a contact by a campaign (append-only): engagement and attribution read it."""

    class Kind(models.TextChoices):
        FORM = "form", _("form submitted")
        RESPONDED = "responded", _("responded")
        REGISTERED = "registered", _("registered")
        ATTENDED = "attended", _("attended")
        CLICKED = "clicked", _("clicked")
        OPENED = "opened", _("opened")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE, related_name="responses"
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        on_delete=models.CASCADE,
        related_name="campaign_responses",
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when"))
    source = models.CharField(_("source"), max_length=20, blank=True)  # form, api, import, manual
    payload = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("campaign response")
        verbose_name_plural = _("campaign responses")
        ordering = ["-occurred_at", "-id"]
        indexes = [
            models.Index(fields=["contact", "occurred_at"]),
            models.Index(fields=["campaign", "occurred_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id} {self.kind} {self.campaign_id}"
