from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SalesConfig(AppConfig):
    name = "interlock.sales"
    label = "sales"
    verbose_name = _("Sales")

    def ready(self) -> None:
        from interlock.sales.lists import register_all as register_lists

        register_lists()
        from auditlog.registry import auditlog

        from interlock.core import demo
        from interlock.sales import models, timeline
        from interlock.sales.demo import seed

        for model in (
            models.Pipeline,
            models.Stage,
            models.LostReason,
            models.Product,
            models.PriceList,
            models.PriceListItem,
            models.Deal,
            models.Quote,
            models.QuoteLine,
        ):
            auditlog.register(model)
        timeline.register_all()
        demo.register("sales", seed, order=300)
        # A customer-record merge moves these to the surviving record.
        from interlock.customers.merge import register_relation

        register_relation("sales.Deal", "account")
        register_relation("sales.Deal", "contact")
        auditlog.register(models.DealHandover)
        # The won-deal handover, for team agreements (read by the engine, one floor up).
        from interlock.sales.kinds import register_kinds

        register_kinds()
