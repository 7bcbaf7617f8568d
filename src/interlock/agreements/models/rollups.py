"""Daily rollups of obligations that keep scorecards fast (owned by the scorecard work).

One row per (term, local day the obligation was opened, team, assignee) with
counts per outcome and a histogram of business seconds to fulfilment in
fixed log-spaced buckets (columns ``h0…``, edges in
``interlock.agreements.rollups``), so a scorecard sums a few thousand rows
instead of reading a million obligations, and medians/p90 come from merged
histograms. Derived data: ``rollups.refresh()`` recomputes the (term, day)
groups whose obligations changed, ``rollups.rebuild()`` everything.

Dimension ids other than the term are plain integers with 0 for "none": the
unique key needs non-null values, and a deleted user must not delete history.
Coarser grains live in the same table with -1 for "all": (team, assignee -1)
per team and day, (-1, -1) per term and day, so a trend or the overview sums
about a thousand rows a year instead of one per person and day.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from interlock.agreements.models.agreement import Term

# Fixed here because the migration creates exactly these columns.
HIST_BUCKETS = 40


class ScoreRollup(models.Model):
    term = models.ForeignKey(Term, on_delete=models.CASCADE, related_name="+")
    agreement_id = models.BigIntegerField()
    day = models.DateField()  # the site-local day the obligation was opened
    team_id = models.BigIntegerField()
    assignee_id = models.BigIntegerField()
    opened = models.BigIntegerField(default=0)  # every obligation, cancelled ones included
    on_time = models.BigIntegerField(default=0)
    late = models.BigIntegerField(default=0)  # fulfilled late, not waived
    breached_open = models.BigIntegerField(default=0)  # past due, not fulfilled, not waived
    waived = models.BigIntegerField(default=0)  # late or breached, waived by a dispute
    open = models.BigIntegerField(default=0)  # open or at risk
    cancelled = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("scorecard rollup")
        verbose_name_plural = _("scorecard rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["term", "day", "team_id", "assignee_id"], name="score_rollup_key"
            )
        ]
        indexes = [
            # A period of every grain (people's tables), and one grain's trend.
            models.Index(fields=["agreement_id", "day"], name="score_rollup_agreement"),
            models.Index(
                fields=["agreement_id", "assignee_id", "team_id", "day"], name="score_rollup_grain"
            ),
        ]

    def __str__(self) -> str:
        return f"term {self.term_id} {self.day}: {self.opened}"


class ScoreWatermark(models.Model):
    """Up to when obligation changes (``changed_at``) are folded in; locked by each refresh."""

    name = models.CharField(max_length=20, primary_key=True)
    folded_to = models.DateTimeField(null=True, blank=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("scorecard watermark")
        verbose_name_plural = _("scorecard watermarks")

    def __str__(self) -> str:
        return f"{self.name} @ {self.folded_to}"


for _i in range(HIST_BUCKETS):
    ScoreRollup.add_to_class(f"h{_i}", models.BigIntegerField(default=0))

__all__ = ["HIST_BUCKETS", "ScoreRollup", "ScoreWatermark"]
