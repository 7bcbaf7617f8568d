"""Rollups that keep the funnel and speed-to-lead reports fast (owned by the reports work).

The rows are derived data: ``interlock.leads.rollups.refresh()`` folds new
``LifecycleTransition`` rows and newly answered handoffs in (set-based SQL,
upsert), ``rebuild()`` recomputes everything. Dimension ids are plain
integers, not foreign keys, with 0 for "none": a deleted campaign or user
must not delete or change history, and the unique key needs non-null values.
Durations are kept as histograms in fixed buckets (columns ``d0…``/``m0…``,
edges in ``interlock.leads.rollups``) so that medians and p90 come from the
rollup without the raw rows.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# Fixed here because the migration creates exactly these columns.
FUNNEL_BUCKETS = 30
SPEED_BUCKETS = 105


class ReportWatermark(models.Model):
    """The last source id folded into a rollup; its row is locked by every refresh."""

    name = models.CharField(max_length=20, primary_key=True)
    last_id = models.BigIntegerField(default=0)
    refreshed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("report watermark")
        verbose_name_plural = _("report watermarks")

    def __str__(self) -> str:
        return f"{self.name} @ {self.last_id}"


class FunnelRollup(models.Model):
    """Transitions per month and dimensions, kept at several grains.

    ``grain`` 0 keeps every dimension; 1 sums over owners, 2 over campaigns,
    3 over both (``owner_id``/``campaign_id`` are then 0). A report reads
    the smallest grain that still has the dimensions it groups or filters by.
    """

    grain = models.PositiveSmallIntegerField()
    month = models.DateField()
    from_stage = models.CharField(max_length=12)
    to_stage = models.CharField(max_length=12)
    source = models.CharField(max_length=12)
    segment = models.CharField(max_length=10)
    campaign_id = models.BigIntegerField()
    owner_id = models.BigIntegerField()
    count = models.BigIntegerField(default=0)
    timed = models.BigIntegerField(default=0)  # rows with seconds_in_previous
    sum_seconds = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("funnel rollup")
        verbose_name_plural = _("funnel rollups")
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "grain",
                    "month",
                    "from_stage",
                    "to_stage",
                    "source",
                    "segment",
                    "campaign_id",
                    "owner_id",
                ],
                name="funnel_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} {self.from_stage}→{self.to_stage}: {self.count}"


class SpeedRollup(models.Model):
    """Answered handoffs per month of handoff, queue, rep, source and outcome."""

    month = models.DateField()
    team_id = models.BigIntegerField()
    assignee_id = models.BigIntegerField()
    source = models.CharField(max_length=12)
    outcome = models.CharField(max_length=10)  # accepted, rejected
    count = models.BigIntegerField(default=0)
    sum_seconds = models.BigIntegerField(default=0)
    within_1h = models.BigIntegerField(default=0)
    within_4h = models.BigIntegerField(default=0)
    within_8h = models.BigIntegerField(default=0)
    within_24h = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("speed-to-lead rollup")
        verbose_name_plural = _("speed-to-lead rollups")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "team_id", "assignee_id", "source", "outcome"],
                name="speed_rollup_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.month} team {self.team_id}: {self.count}"


# The histogram columns: d0… durations in stage, m0… business minutes to answer.
for _i in range(FUNNEL_BUCKETS):
    FunnelRollup.add_to_class(f"d{_i}", models.BigIntegerField(default=0))
for _i in range(SPEED_BUCKETS):
    SpeedRollup.add_to_class(f"m{_i}", models.BigIntegerField(default=0))

__all__ = ["FunnelRollup", "ReportWatermark", "SpeedRollup"]
