from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ListsConfig(AppConfig):
    name = "interlock.lists"
    label = "lists"
    verbose_name = _("Lists")

    def ready(self) -> None:
        # Each app registers its own lists (its lists.py) from its own ready().
        from auditlog.registry import auditlog

        from interlock.lists import models, subscribers

        auditlog.register(models.SavedView)
        auditlog.register(models.Tag)
        auditlog.register(models.TaggedItem)
        subscribers.connect()
