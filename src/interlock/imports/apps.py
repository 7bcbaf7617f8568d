from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImportsConfig(AppConfig):
    name = "interlock.imports"
    label = "imports"
    verbose_name = _("Imports")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from interlock.imports import models, tasks  # noqa: F401 (registers the task)

        auditlog.register(models.SavedMapping)
        auditlog.register(models.ValueAlias)
