from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "interlock.core"
    label = "core"
    verbose_name = _("Platform")

    def ready(self) -> None:
        from interlock.core import tasks  # noqa: F401  (registers periodic tasks)
