"""Charts of the scorecards (server-side SVG through ``interlock.core.charts``)."""

from __future__ import annotations

from datetime import date

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from interlock.agreements.selectors_scorecards import Figures, OverviewRow
from interlock.core.charts import bar_chart, line_chart


def period_label(start: date, period: str) -> str:
    if period == "week":
        return _("W%(week)02d %(year)d") % {
            "week": start.isocalendar().week,
            "year": start.isocalendar().year,
        }
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return start.strftime("%Y-%m")


def _percent(share: float | None) -> float | None:
    return None if share is None else round(100 * share, 1)


def trend_chart(title: str, labels: list[str], trend: list[Figures]) -> SafeString | None:
    if not any(f.opened for f in trend):
        return None
    return line_chart(
        title,
        labels,
        {_("Compliance"): [_percent(f.compliance) for f in trend]},
        value_suffix=" %",
        y_range=(0, 100),
    )


def volume_chart(title: str, labels: list[str], trend: list[Figures]) -> SafeString | None:
    if not any(f.opened for f in trend):
        return None
    return bar_chart(
        title,
        labels,
        {
            _("on time"): [f.on_time for f in trend],
            _("late"): [f.late for f in trend],
            _("breached, still open"): [f.breached_open for f in trend],
        },
        stacked=True,
    )


def overview_chart(rows: list[OverviewRow]) -> SafeString | None:
    shown = [r for r in rows if r.current.compliance is not None][:12]
    if not shown:
        return None
    return bar_chart(
        _("Compliance this period"),
        [r.agreement.title for r in shown],
        {_("Compliance"): [_percent(r.current.compliance) for r in shown]},
        horizontal=True,
        value_suffix=" %",
        y_range=(0, 100),
    )
