"""Routing rules (first match assigns) and the record of every assignment."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from interlock.customers.models import Contact


class RoutingRule(models.Model):
    """One rule; rules run by ``position``, the first that matches assigns.

    ``conditions`` (validated by ``leads/routing.py``): ``countries``,
    ``states``, ``regions``, ``sizes`` (account size segments),
    ``accounts`` (named account ids) — each a list; empty lists match
    everything. ``method`` chooses the person within ``team``: the account
    owner, round robin among ``members`` (or the team's members), or the
    team queue without a person. ``capacity`` caps a rep's open handoffs.
    """

    class Method(models.TextChoices):
        ROUND_ROBIN = "round_robin", _("round robin")
        ACCOUNT_OWNER = "account_owner", _("owner of the account")
        QUEUE = "queue", _("team queue (nobody yet)")

    name = models.CharField(_("name"), max_length=100)
    position = models.PositiveIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)
    conditions = models.JSONField(_("conditions"), default=dict, blank=True)
    team = models.ForeignKey(
        "org.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="routing_rules"
    )
    method = models.CharField(
        _("method"), max_length=14, choices=Method.choices, default=Method.ROUND_ROBIN
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("reps"), blank=True, related_name="+"
    )
    capacity = models.PositiveIntegerField(_("open leads per rep at most"), null=True, blank=True)
    # Round robin: the id of the last rep chosen (locked with select_for_update).
    last_user_id = models.IntegerField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("routing rule")
        verbose_name_plural = _("routing rules")
        ordering = ["position", "id"]

    def __str__(self) -> str:
        return self.name


class LeadSettings(models.Model):
    """The one settings row (pk=1): the default queue no lead falls past."""

    default_team = models.ForeignKey(
        "org.Team",
        verbose_name=_("default queue"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lead settings")
        verbose_name_plural = _("lead settings")

    def __str__(self) -> str:
        return "lead settings"


class Assignment(models.Model):
    """Which rule chose whom for a contact, and why (append-only)."""

    contact = models.ForeignKey(
        Contact, verbose_name=_("contact"), on_delete=models.CASCADE, related_name="assignments"
    )
    rule = models.ForeignKey(
        RoutingRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assignments",
    )
    rule_name = models.CharField(_("rule"), max_length=100)  # kept when the rule is deleted
    team = models.ForeignKey(
        "org.Team", verbose_name=_("team"), on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    intended_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("chosen before absences"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    explanation = models.CharField(_("why"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"))

    class Meta:
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["contact", "at"])]

    def __str__(self) -> str:
        return f"{self.contact_id} → {self.user_id or self.team_id}"
