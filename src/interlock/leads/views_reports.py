"""Funnel and speed-to-lead pages (read-only; everybody signed in).

One view per report serves the whole page, the results partial (htmx, when
the filters change) or the table as CSV (``?export=csv``).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from interlock.core import policy
from interlock.core.charts import bar_chart, funnel_chart, line_chart
from interlock.core.views import HtmxHttpRequest
from interlock.leads import rollups, selectors_reports
from interlock.leads.forms_reports import FunnelForm, SpeedForm
from interlock.leads.selectors_reports import FunnelReport, SpeedReport
from interlock.lists.export import CSV_TYPE, neutralise

INVALID = 400


def duration(seconds: float | None) -> str:
    """A readable duration: minutes, hours or days."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return _("%(n)d min") % {"n": round(seconds / 60)}
    if seconds < 2 * 86400:
        return _("%(n).1f h") % {"n": seconds / 3600}
    return _("%(n).1f d") % {"n": seconds / 86400}


def business_duration(seconds: float | None) -> str:
    if seconds is not None and seconds >= rollups.SPEED_EDGES[-1]:
        return _("more than 48 h")
    if seconds is None or seconds < 3600:
        return duration(seconds)
    return _("%(n).1f h") % {"n": seconds / 3600}


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f} %"


def _csv(filename: str, header: list[str], rows: Iterable[list[Any]]) -> HttpResponse:
    response = HttpResponse(content_type=CSV_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([neutralise(v) if isinstance(v, str) else v for v in row])
    return response


# --- funnel ------------------------------------------------------------------------------


def _funnel_context(report: FunnelReport) -> dict[str, Any]:
    stages = report.total.stages
    groups = [*report.groups, report.total] if len(report.groups) > 1 else report.groups
    rows = [
        {
            "label": group.label,
            "total": group is report.total,
            "cells": [
                {
                    "entered": line.entered,
                    "conversion": percent(line.conversion),
                    "to_next": line.to_next,
                    "avg": duration(line.avg_seconds),
                    "median": duration(line.median_seconds),
                }
                for line in group.stages
            ],
        }
        for group in groups
    ]
    charts = {}
    if any(line.entered for line in stages):
        charts["funnel"] = funnel_chart(
            _("Entries per stage"), [line.label for line in stages], [s.entered for s in stages]
        )
    if any(report.mqls) or any(report.sqls):
        charts["monthly"] = line_chart(
            _("MQLs and SQLs per month"),
            [m.strftime("%Y-%m") for m in report.months],
            {_("MQLs"): report.mqls, _("SQLs"): report.sqls},
        )
    return {"report": report, "stages": stages, "rows": rows, "charts": charts}


def _funnel_csv(report: FunnelReport) -> HttpResponse:
    header = [
        _("Group"),
        _("Stage"),
        _("Entered"),
        _("Left the stage"),
        _("Moved forward"),
        _("To next stage"),
        _("Conversion"),
        _("Average seconds in stage"),
        _("Median seconds in stage"),
    ]
    rows = (
        [
            group.label,
            line.stage,
            line.entered,
            line.left,
            line.forward,
            line.to_next,
            "" if line.conversion is None else round(line.conversion, 4),
            "" if line.avg_seconds is None else round(line.avg_seconds),
            "" if line.median_seconds is None else round(line.median_seconds),
        ]
        for group in [*report.groups, report.total]
        for line in group.stages
    )
    return _csv("funnel.csv", header, rows)


@login_required
@require_GET
def funnel(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.view")
    form = FunnelForm(request.GET)
    context: dict[str, Any] = {"form": form}
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        report = selectors_reports.funnel(
            data["period_from"], data["period_to"], data["group_by"] or "month", form.filters()
        )
        if request.GET.get("export") == "csv":
            return _funnel_csv(report)
        context.update(_funnel_context(report))
    else:
        status = INVALID
    template = "leads/reports/partials/funnel_results.html"
    if not request.htmx:
        template = "leads/reports/funnel.html"
    return render(request, template, context, status=status)


# --- speed to lead -------------------------------------------------------------------------


def _speed_context(report: SpeedReport) -> dict[str, Any]:
    groups = [*report.groups, report.total] if len(report.groups) > 1 else report.groups
    rows = [
        {
            "label": group.label,
            "total": group is report.total,
            "count": group.count,
            "accepted": group.accepted,
            "rejected": group.rejected,
            "median": business_duration(group.median_seconds),
            "p90": business_duration(group.p90_seconds),
            "within": [percent(group.share_within(h)) for h in rollups.WITHIN_HOURS],
        }
        for group in groups
    ]
    chart = None
    top = sorted(report.groups, key=lambda g: -g.count)[:12]
    if top:
        chart = bar_chart(
            _("Share answered within 1, 4, 8 and 24 business hours"),
            [g.label for g in top],
            {
                _("within %(n)d h") % {"n": h}: [100 * (g.share_within(h) or 0) for g in top]
                for h in rollups.WITHIN_HOURS
            },
            value_suffix=" %",
        )
    return {"report": report, "rows": rows, "chart": chart, "hours": rollups.WITHIN_HOURS}


def _speed_csv(report: SpeedReport) -> HttpResponse:
    header = [
        _("Group"),
        _("Answered"),
        _("Accepted"),
        _("Rejected"),
        _("Median business seconds"),
        _("p90 business seconds"),
        *(_("Share within %(n)d h") % {"n": h} for h in rollups.WITHIN_HOURS),
    ]
    rows = (
        [
            group.label,
            group.count,
            group.accepted,
            group.rejected,
            "" if group.median_seconds is None else round(group.median_seconds),
            "" if group.p90_seconds is None else round(group.p90_seconds),
            *(round(group.share_within(h) or 0, 4) for h in rollups.WITHIN_HOURS),
        ]
        for group in [*report.groups, report.total]
    )
    return _csv("speed-to-lead.csv", header, rows)


@login_required
@require_GET
def speed(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.view")
    form = SpeedForm(request.GET)
    context: dict[str, Any] = {"form": form}
    status = 200
    if form.is_valid():
        data = form.cleaned_data
        report = selectors_reports.speed_to_lead(
            data["period_from"], data["period_to"], data["group_by"] or "rep", form.filters()
        )
        if request.GET.get("export") == "csv":
            return _speed_csv(report)
        context.update(_speed_context(report))
    else:
        status = INVALID
    template = "leads/reports/partials/speed_results.html"
    if not request.htmx:
        template = "leads/reports/speed.html"
    return render(request, template, context, status=status)
