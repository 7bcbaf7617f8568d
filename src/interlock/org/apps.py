from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "interlock.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from interlock.org import models

        auditlog.register(models.User, exclude_fields=["password", "last_login"])
        auditlog.register(models.Team)
        auditlog.register(models.Membership)
        auditlog.register(models.BusinessCalendar)
        auditlog.register(models.WorkingHours)
        auditlog.register(models.CompanyHoliday)
        auditlog.register(models.Absence)

        from interlock.org import demo

        demo.register()  # the demo company for `interlock demo`
