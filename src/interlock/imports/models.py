"""Import jobs, saved column mappings and value aliases."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CONTACTS = "contacts", _("contacts")
    ACCOUNTS = "accounts", _("accounts")
    DEALS = "deals", _("deals")
    USERS = "users", _("users and teams")


class ImportJob(models.Model):
    """One uploaded file on its way through mapping, dry run and apply."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        CHECKED = "checked", _("checked (dry run)")
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        REFUSED = "refused", _("nothing applied (strict mode)")
        FAILED = "failed", _("failed")

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    file_name = models.CharField(_("file name"), max_length=255)
    stored_name = models.CharField(_("stored file"), max_length=100, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    options = models.JSONField(_("options"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.UPLOADED
    )
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    report = models.JSONField(_("report"), default=dict, blank=True)
    progress_done = models.PositiveIntegerField(_("rows done"), default=0)
    progress_total = models.PositiveIntegerField(_("rows in total"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        indexes = [models.Index(fields=["created_by", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.file_name}"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.DONE else 0
        return min(100, int(100 * self.progress_done / self.progress_total))

    @property
    def finished(self) -> bool:
        return self.status in {self.Status.DONE, self.Status.REFUSED, self.Status.FAILED}


class SavedMapping(models.Model):
    """A custom column mapping (file column -> field) saved under a name."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    columns = models.JSONField(_("columns"), default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("saved mapping")
        verbose_name_plural = _("saved mappings")
        constraints = [
            models.UniqueConstraint(fields=["kind", "name"], name="saved_mapping_name_per_kind")
        ]

    def __str__(self) -> str:
        return self.name


class ValueAlias(models.Model):
    """Another spelling of a value: "Closed Won" and "Gewonnen" both mean the won stage."""

    class Field(models.TextChoices):
        STAGE = "stage", _("deal stage")
        PRODUCT = "product", _("product")
        LOST_REASON = "lost_reason", _("lost reason")
        TEAM = "team", _("team")
        ACCOUNT = "account", _("account name")

    field = models.CharField(_("field"), max_length=16, choices=Field.choices)
    alias = models.CharField(_("spelling in the file"), max_length=200)
    value = models.CharField(_("means"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("value alias")
        verbose_name_plural = _("value aliases")
        constraints = [models.UniqueConstraint(fields=["field", "alias"], name="value_alias_once")]

    def __str__(self) -> str:
        return f"{self.alias} → {self.value}"
