"""The search app's one model: the index generation (the index itself is raw SQL, see index.py)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class IndexState(models.Model):
    """One row; ``generation`` grows with every write to the index.

    It is bumped in the writing transaction, so a reader that sees a
    generation sees the index rows of that generation: cached search answers
    are keyed by it and never outlive a change (in any process).
    """

    generation = models.BigIntegerField(_("generation"), default=0)

    class Meta:
        verbose_name = _("search index state")
        verbose_name_plural = _("search index state")

    def __str__(self) -> str:
        return f"search index generation {self.generation}"
