from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "interlock.customers"
    label = "customers"
    verbose_name = _("Customers")

    def ready(self) -> None:
        from interlock.customers.lists import register_all as register_lists

        register_lists()
        from auditlog.registry import auditlog

        from interlock.customers import models
        from interlock.customers.registrations import register_all

        auditlog.register(models.Account)
        auditlog.register(models.Contact)
        auditlog.register(models.Activity)
        register_all()
