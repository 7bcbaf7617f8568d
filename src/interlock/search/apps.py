from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "interlock.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from interlock.search import subscribers

        subscribers.register()
