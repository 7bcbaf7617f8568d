"""The handover of a won deal to customer success: one form per deal.

Sales may save it incomplete (a draft) as often as it likes; completing it
needs every field and happens once (``deal.handover_completed``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The fields that must all be filled before the handover can be completed.
REQUIRED_FIELDS = ("team", "goals", "stakeholders", "commitments", "risks", "next_steps")


class DealHandover(models.Model):
    deal = models.OneToOneField(
        "sales.Deal", verbose_name=_("deal"), on_delete=models.CASCADE, related_name="handover"
    )
    team = models.ForeignKey(
        "org.Team",
        verbose_name=_("receiving customer success team"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    goals = models.TextField(_("customer's goals"), blank=True)
    stakeholders = models.TextField(_("stakeholders and contacts"), blank=True)
    commitments = models.TextField(_("commitments made in the sale"), blank=True)
    risks = models.TextField(_("risks"), blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("deal handover")
        verbose_name_plural = _("deal handovers")
        indexes = [models.Index(fields=["completed_at"])]

    def __str__(self) -> str:
        return f"handover of deal {self.deal_id}"

    def missing(self) -> list[str]:
        """The names of required fields still empty (verbose names, translated)."""
        empty = []
        for name in REQUIRED_FIELDS:
            value = self.team_id if name == "team" else getattr(self, name)
            if not str(value or "").strip():
                field = self._meta.get_field(name)
                empty.append(str(getattr(field, "verbose_name", name)))
        return empty

    @property
    def is_complete(self) -> bool:
        return self.completed_at is not None
