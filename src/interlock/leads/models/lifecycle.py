"""Lifecycle stages of a contact and the append-only record of every move."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from interlock.customers.models import Contact


class Stage(models.TextChoices):
    SUBSCRIBER = "subscriber", _("subscriber")
    LEAD = "lead", _("lead")
    MQL = "mql", _("MQL")
    SAL = "sal", _("SAL")
    SQL = "sql", _("SQL")
    OPPORTUNITY = "opportunity", _("opportunity")
    CUSTOMER = "customer", _("customer")
    RECYCLED = "recycled", _("recycled")
    DISQUALIFIED = "disqualified", _("disqualified")


class Source(models.TextChoices):
    """Where a lead came from (the first time)."""

    WEB_FORM = "web_form", _("web form")
    API = "api", _("API")
    IMPORT = "import", _("import")
    EVENT = "event", _("event or trade fair")
    REFERRAL = "referral", _("referral")
    PARTNER = "partner", _("partner")
    OUTBOUND = "outbound", _("outbound")
    OTHER = "other", _("other")


class LeadProfile(models.Model):
    """What lead management keeps per contact beside the shared record.

    ``Contact.lifecycle_stage`` stays the one place the current stage is
    read from (lists, filters, API); this row holds the scores, the routing
    result and the qualification fields. Created lazily by the services.
    """

    contact = models.OneToOneField(
        Contact, primary_key=True, on_delete=models.CASCADE, related_name="lead"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, blank=True)
    source_campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("first campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    stage_changed_at = models.DateTimeField(_("stage changed at"), null=True, blank=True)
    # Scores: totals only; the explanation is computed from the rules on demand.
    fit_points = models.IntegerField(_("fit points"), default=0)
    fit_grade = models.CharField(_("fit grade"), max_length=1, blank=True)
    engagement_points = models.FloatField(_("engagement points"), default=0.0)
    engagement_at = models.DateTimeField(_("engagement as of"), null=True, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    scoring_version = models.PositiveIntegerField(_("rules version"), default=0)
    # Routing result (the latest assignment; history in Assignment).
    routed_team = models.ForeignKey(
        "org.Team",
        verbose_name=_("routed team"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Qualification (SAL -> SQL needs all four).
    budget = models.CharField(_("budget"), max_length=200, blank=True)
    authority = models.CharField(_("authority"), max_length=200, blank=True)
    need = models.CharField(_("need"), max_length=500, blank=True)
    timing = models.CharField(_("timing"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lead profile")
        verbose_name_plural = _("lead profiles")
        indexes = [
            models.Index(fields=["fit_grade", "engagement_points"]),
            models.Index(fields=["source"]),
        ]

    def __str__(self) -> str:
        return f"lead {self.contact_id}"


class LifecycleTransition(models.Model):
    """One move of one contact from a stage to another (append-only).

    Who moved it (a user) or which rule (``rule``: ``mql-rule``,
    ``deal.created``, ``handoff.rejected``, ``capture``, ...), when, why.
    ``source``, ``campaign``, ``owner`` and ``segment`` are copied at write
    time so that funnel reports group without joining the live tables, and
    ``seconds_in_previous`` is the time spent in ``from_stage``.
    """

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="transitions"
    )
    from_stage = models.CharField(_("from"), max_length=12, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=12, choices=Stage.choices)
    at = models.DateTimeField(_("when"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rule = models.CharField(_("rule"), max_length=60, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    seconds_in_previous = models.BigIntegerField(
        _("seconds in previous stage"), null=True, blank=True
    )
    source = models.CharField(_("source"), max_length=12, blank=True)
    campaign = models.ForeignKey(
        "campaigns.Campaign",
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    segment = models.CharField(_("segment"), max_length=10, blank=True)  # account size

    class Meta:
        verbose_name = _("lifecycle transition")
        verbose_name_plural = _("lifecycle transitions")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["contact", "at"]),
            models.Index(fields=["to_stage", "at"]),
            models.Index(fields=["at"]),
        ]

    def __str__(self) -> str:
        return f"{self.contact_id}: {self.from_stage or '–'} → {self.to_stage}"
