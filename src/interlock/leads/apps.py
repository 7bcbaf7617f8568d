from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LeadsConfig(AppConfig):
    name = "interlock.leads"
    label = "leads"
    verbose_name = _("Leads")

    def ready(self) -> None:
        from interlock.leads.registrations import register_all

        register_all()
