"""Charts as server-side SVG (pygal): no JavaScript, no CDN.

The SVG goes into the page as an ``<img>`` with a ``data:`` URL: the page's
Content-Security-Policy allows no inline ``<style>`` or ``<script>``, while
an SVG image keeps its own styles and never runs scripts (pygal's config
script is removed anyway). ``alt`` carries the title; keep a table or a
sentence beside each chart for screen readers. Labels are escaped by pygal
(it writes through ElementTree) and ``alt`` by Django's ``escape``.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence

import pygal
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pygal.style import Style

PALETTE = ("#1f4fd1", "#17663a", "#b42318", "#8a5300", "#5b6475", "#7a3fbf", "#0f7c8c")

_STYLE = Style(
    background="transparent",
    plot_background="transparent",
    foreground="#1d2330",
    foreground_strong="#1d2330",
    foreground_subtle="#5b6475",
    opacity=".85",
    opacity_hover="1",
    colors=PALETTE,
    font_family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif",
    label_font_size=12,
    major_label_font_size=12,
    legend_font_size=12,
    title_font_size=14,
    value_font_size=11,
    tooltip_font_size=12,
)

Series = Mapping[str, Sequence[float | None]]


def _config(chart: pygal.graph.graph.Graph, title: str, labels: Sequence[str]) -> None:
    chart.title = title
    chart.x_labels = [str(label) for label in labels]


_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)


def as_img(chart: pygal.graph.graph.Graph, alt: str) -> SafeString:
    svg = _SCRIPT.sub("", chart.render(is_unicode=True))
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    # Built from escaped alt text and base64 only.
    return mark_safe(  # noqa: S308
        f'<img class="chart" alt="{escape(alt)}" src="data:image/svg+xml;base64,{data}">'
    )


def _render(chart: pygal.graph.graph.Graph, series: Series) -> SafeString:
    for name, values in series.items():
        chart.add(str(name), [None if v is None else float(v) for v in values])
    return as_img(chart, str(chart.title or ""))


def _common(**extra: object) -> dict[str, object]:
    return {
        "style": _STYLE,
        "js": [],  # no tooltips script from a CDN
        "disable_xml_declaration": True,
        "explicit_size": False,
        "width": 720,
        "height": 320,
        "legend_at_bottom": True,
        "legend_at_bottom_columns": 4,
        "print_values": False,
        "margin": 12,
        "margin_bottom": 30,
        **extra,
    }


def bar_chart(
    title: str,
    labels: Sequence[str],
    series: Series,
    *,
    stacked: bool = False,
    horizontal: bool = False,
    value_suffix: str = "",
    y_range: tuple[float, float] | None = None,
) -> SafeString:
    """Bars per label, one colour per series (stacked if asked).

    Counts below ten get whole-number axis labels (pygal would print 0.2 steps
    rounded to "0 0 1 1"); ``y_range`` fixes the axis (e.g. 0–100 %).
    """
    kind = {
        (False, False): pygal.Bar,
        (True, False): pygal.StackedBar,
        (False, True): pygal.HorizontalBar,
        (True, True): pygal.HorizontalStackedBar,
    }[(stacked, horizontal)]
    extra: dict[str, object] = {"range": y_range} if y_range else {}
    if y_range is None:
        columns = [[v or 0 for v in vs] for vs in series.values()]
        heights = [sum(c) for c in zip(*columns, strict=False)] if stacked else []
        top = max(heights or [v for c in columns for v in c] or [0])
        if 0 < top < 10:
            extra["y_labels"] = list(range(0, int(top) + 2))
    chart = kind(**_common(value_formatter=lambda v: f"{v:,.0f}{value_suffix}", **extra))
    _config(chart, title, labels)
    return _render(chart, series)


def line_chart(
    title: str,
    labels: Sequence[str],
    series: Series,
    *,
    value_suffix: str = "",
    y_range: tuple[float, float] | None = None,
) -> SafeString:
    """Lines over time (labels are the periods); ``y_range`` fixes the axis (e.g. 0–100 %)."""
    extra: dict[str, object] = {"range": y_range} if y_range else {}
    chart = pygal.Line(
        **_common(value_formatter=lambda v: f"{v:,.1f}{value_suffix}", dots_size=3, **extra)
    )
    _config(chart, title, labels)
    return _render(chart, series)


def funnel_chart(title: str, labels: Sequence[str], values: Sequence[float]) -> SafeString:
    """A funnel as horizontal bars, widest stage first (pygal's Funnel is hard to read)."""
    chart = pygal.HorizontalBar(**_common(value_formatter=lambda v: f"{v:,.0f}", show_legend=False))
    chart.title = title
    chart.x_labels = [str(label) for label in reversed(labels)]
    chart.add(title, [float(v) for v in reversed(values)])
    return as_img(chart, title)
