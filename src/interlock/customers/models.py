"""The shared customer record: accounts (companies), contacts (people), activities."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from interlock.core.trash import Trashable


class Account(Trashable):
    class Size(models.TextChoices):
        MICRO = "1-9", _("1–9 employees")
        SMALL = "10-49", _("10–49 employees")
        MEDIUM = "50-249", _("50–249 employees")
        LARGE = "250-999", _("250–999 employees")
        ENTERPRISE = "1000+", _("1,000 or more employees")

    class RevenueBand(models.TextChoices):
        UNDER_2M = "<2m", _("under €2 million")
        UNDER_10M = "2-10m", _("€2–10 million")
        UNDER_50M = "10-50m", _("€10–50 million")
        UNDER_250M = "50-250m", _("€50–250 million")
        OVER_250M = "250m+", _("over €250 million")

    class Lifecycle(models.TextChoices):
        PROSPECT = "prospect", _("prospect")
        CUSTOMER = "customer", _("customer")
        FORMER = "former_customer", _("former customer")

    name = models.CharField(_("name"), max_length=200)
    domain = models.CharField(
        _("website domain"),
        max_length=253,
        blank=True,
        db_index=True,
        help_text=_("e.g. kessler-maschinenbau.de; used to find duplicates."),
    )
    industry = models.CharField(_("industry"), max_length=100, blank=True)
    size = models.CharField(_("size"), max_length=10, choices=Size.choices, blank=True)
    revenue_band = models.CharField(
        _("annual revenue"), max_length=10, choices=RevenueBand.choices, blank=True
    )
    country = CountryField(_("country"), blank=True)
    state = models.CharField(_("state"), max_length=10, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="subsidiaries",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_accounts",
    )
    lifecycle = models.CharField(
        _("lifecycle"), max_length=16, choices=Lifecycle.choices, default=Lifecycle.PROSPECT
    )
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id="") & Q(deleted_at__isnull=True),
                name="account_external_id_unique",
            ),
        ]
        indexes = [models.Index(fields=["name"]), models.Index(fields=["owner", "lifecycle"])]

    def __str__(self) -> str:
        return self.name


class Contact(Trashable):
    class BuyingRole(models.TextChoices):
        DECISION_MAKER = "decision_maker", _("decision maker")
        ECONOMIC_BUYER = "economic_buyer", _("economic buyer")
        TECHNICAL_BUYER = "technical_buyer", _("technical buyer")
        USER = "user", _("user")
        INFLUENCER = "influencer", _("influencer")
        CHAMPION = "champion", _("champion")
        GATEKEEPER = "gatekeeper", _("gatekeeper")

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), max_length=254, blank=True, db_index=True)
    phone = models.CharField(
        _("phone"),
        max_length=20,
        blank=True,
        help_text=_("International format, e.g. +49 711 123456."),
    )
    title = models.CharField(_("job title"), max_length=150, blank=True)
    buying_role = models.CharField(
        _("role in the buying centre"), max_length=20, choices=BuyingRole.choices, blank=True
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="contacts",
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_contacts",
    )
    # Reserved for lead management (lifecycle stages are set only by its services).
    lifecycle_stage = models.CharField(_("lifecycle stage"), max_length=20, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id="") & Q(deleted_at__isnull=True),
                name="contact_external_id_unique",
            ),
        ]
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            models.Index(fields=["account", "last_name"]),
            models.Index(fields=["owner"]),
            # "My contacts by name": the owner filter, the sort and the keyset in one range.
            models.Index(
                fields=["owner", "last_name", "first_name", "id"], name="contact_owner_name"
            ),
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.first_name, self.last_name) if part)


class Activity(Trashable):
    class Kind(models.TextChoices):
        CALL = "call", _("call")
        MEETING = "meeting", _("meeting")
        EMAIL = "email", _("e-mail")
        NOTE = "note", _("note")
        TASK = "task", _("task")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("details"), blank=True)
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    contact = models.ForeignKey(
        Contact,
        verbose_name=_("contact"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="activities",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Tasks only: who must do it by when, and when it was done.
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assignee"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tasks",
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        default_manager_name = "objects"
        base_manager_name = "all_objects"
        constraints = [
            models.CheckConstraint(
                condition=Q(account__isnull=False) | Q(contact__isnull=False),
                name="activity_has_account_or_contact",
            ),
            models.CheckConstraint(
                condition=Q(kind="task") | (Q(due_at__isnull=True) & Q(assignee__isnull=True)),
                name="activity_due_only_for_tasks",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "done_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"


class TimelineEntry(models.Model):
    """One line on an account's and/or contact's timeline, projected from an event.

    Written by the timeline subscriber from the event log (see timeline.py),
    so it can be rebuilt with ``interlock events replay customers.timeline``.
    """

    event = models.ForeignKey(
        "core.Event", on_delete=models.CASCADE, related_name="+", db_constraint=False
    )
    account = models.ForeignKey(
        Account,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        db_constraint=False,
    )
    kind = models.CharField(_("kind"), max_length=40)
    occurred_at = models.DateTimeField(_("when"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline entries")
        constraints = [
            models.UniqueConstraint(fields=["event", "account", "contact"], name="timeline_once"),
        ]
        indexes = [
            models.Index(fields=["account", "-occurred_at", "-id"]),
            models.Index(fields=["contact", "-occurred_at", "-id"]),
        ]

    def __str__(self) -> str:
        return self.title
