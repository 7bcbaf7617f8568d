from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AgreementsConfig(AppConfig):
    name = "interlock.agreements"
    label = "agreements"
    verbose_name = _("Team agreements")

    def ready(self) -> None:
        from interlock.agreements.registrations import register_all

        register_all()
