"""Scorecard pages: the company overview, an agreement's scorecard, the obligations behind it.

Read-only; everybody signed in (``agreement.view``). Every figure links to the
obligations list with the matching filters.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from interlock.agreements import selectors_scorecards as sel
from interlock.agreements.charts_scorecards import (
    overview_chart,
    period_label,
    trend_chart,
    volume_chart,
)
from interlock.agreements.models import Agreement, Obligation
from interlock.core import deliverables, policy
from interlock.core.views import HtmxHttpRequest

INVALID = 400
PER_PAGE = 50
PERIOD_CHOICES = [
    ("week", gettext_lazy("week")),
    ("month", gettext_lazy("month")),
    ("quarter", gettext_lazy("quarter")),
]


class ScorecardForm(forms.Form):
    period = forms.ChoiceField(label=gettext_lazy("Period"), choices=PERIOD_CHOICES, required=False)
    term = forms.IntegerField(label=gettext_lazy("Term"), required=False, min_value=1)


class ObligationFilterForm(forms.Form):
    term = forms.IntegerField(label=gettext_lazy("Term"), required=False, min_value=1)
    status = forms.MultipleChoiceField(
        label=gettext_lazy("Status"), choices=Obligation.Status.choices, required=False
    )
    team = forms.IntegerField(label=gettext_lazy("Team"), required=False, min_value=0)
    assignee = forms.IntegerField(label=gettext_lazy("Assignee"), required=False, min_value=0)
    date_from = forms.DateField(label=gettext_lazy("Delivered from"), required=False)
    date_to = forms.DateField(label=gettext_lazy("Delivered until"), required=False)
    breached = forms.BooleanField(label=gettext_lazy("Breached only"), required=False)
    waived = forms.NullBooleanField(
        label=gettext_lazy("Breach waived"),
        required=False,
        widget=forms.Select(
            choices=[("", "—"), ("1", gettext_lazy("yes")), ("0", gettext_lazy("no"))]
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", _("The end of the period lies before its start."))
        return data

    def filters(self, agreement: Agreement) -> sel.ObligationFilters:
        d = self.cleaned_data
        term_ids: tuple[int, ...] = ()
        if d.get("term"):
            term_ids = sel.same_terms(agreement, d["term"]) or (d["term"],)
        waived = d.get("waived")
        return sel.ObligationFilters(
            term_ids=term_ids,
            statuses=tuple(d.get("status") or ()),
            team_id=d.get("team"),
            assignee_id=d.get("assignee"),
            day_from=d.get("date_from"),
            day_to=d.get("date_to"),
            breached=bool(d.get("breached")),
            waived=waived if isinstance(waived, bool) else None,
        )


def percent(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f} %"


def hours(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return _("%(n).1f h") % {"n": seconds / 3600}


# Which obligations each figure stands for (query parameters of the list).
FIGURE_FILTERS: dict[str, list[tuple[str, str]]] = {
    "deliverables": [("status", s) for s in ("open", "at_risk", "breached", "fulfilled", "late")],
    "on_time": [("status", "fulfilled")],
    "late": [("status", "late"), ("waived", "0")],
    "breached": [("breached", "1")],
    "open": [("status", "open"), ("status", "at_risk")],
    "waived": [("waived", "1")],
}


def drill_url(agreement_pk: int, figure: str, **filters: Any) -> str:
    params = [(k, str(v)) for k, v in filters.items() if v is not None]
    params += FIGURE_FILTERS.get(figure, [])
    base = reverse("agreements:obligations", args=[agreement_pk])
    return f"{base}?{urlencode(params)}"


def figure_cells(agreement_pk: int, f: sel.Figures, **filters: Any) -> dict[str, Any]:
    """The figures of one row with the link behind each."""
    return {
        "cells": [
            {"value": getattr(f, name), "url": drill_url(agreement_pk, name, **filters)}
            for name in ("deliverables", "on_time", "late", "breached", "open", "waived")
        ],
        "compliance": percent(f.compliance),
        "median": hours(f.median_seconds),
        "p90": hours(f.p90_seconds),
    }


def _period_bounds(start: date, period: str) -> dict[str, str]:
    end = sel.next_period(start, period) - timedelta(days=1)
    return {"date_from": start.isoformat(), "date_to": end.isoformat()}


def _term_context(card: sel.Scorecard, tc: sel.TermCard) -> dict[str, Any]:
    pk, period = card.agreement.pk, card.period
    labels = [period_label(s, period) for s in card.starts]
    context: dict[str, Any] = {"card": tc, "term_id": tc.term.pk}
    if tc.current is None or tc.previous is None:
        return context
    now_bounds = _period_bounds(card.current_start, period)
    last_bounds = _period_bounds(card.previous_start, period)
    context["periods"] = [
        {"label": _("This period"), **figure_cells(pk, tc.current, term=tc.term.pk, **now_bounds)},
        {
            "label": _("Last period"),
            **figure_cells(pk, tc.previous, term=tc.term.pk, **last_bounds),
        },
    ]
    context["trend"] = [
        {
            "label": label,
            **figure_cells(pk, f, term=tc.term.pk, **_period_bounds(start, period)),
        }
        for label, start, f in zip(labels, card.starts, tc.trend, strict=True)
    ]
    context["teams"] = [
        {"label": g.label, **figure_cells(pk, g.figures, term=tc.term.pk, team=g.key, **now_bounds)}
        for g in tc.teams
    ]
    context["people"] = [
        {
            "label": g.label,
            **figure_cells(pk, g.figures, term=tc.term.pk, assignee=g.key, **now_bounds),
        }
        for g in tc.people
    ]
    context["compliance_chart"] = trend_chart(
        _("Compliance per period: %(term)s") % {"term": tc.label}, labels, tc.trend
    )
    context["volume_chart"] = volume_chart(
        _("Outcomes per period: %(term)s") % {"term": tc.label}, labels, tc.trend
    )
    return context


def _today() -> date:
    return sel.now_day(timezone.now())


@login_required
@require_GET
def overview(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "agreement.view")
    form = ScorecardForm(request.GET)
    if not form.is_valid():
        return render(request, "agreements/overview.html", {"form": form}, status=INVALID)
    period = form.cleaned_data["period"] or "month"
    today = _today()
    rows = sel.overview(today=today, period=period)
    current = sel.period_start(today, period)
    bounds = _period_bounds(current, period)
    context = {
        "form": form,
        "period": period,
        "period_label": period_label(current, period),
        "rows": [
            {
                "row": r,
                "current": percent(r.current.compliance),
                "previous": percent(r.previous.compliance),
                "breached_url": drill_url(r.agreement.pk, "breached", **bounds),
            }
            for r in rows
        ],
        "chart": overview_chart(rows),
    }
    return render(request, "agreements/overview.html", context)


@login_required
@require_GET
def scorecard(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "agreement.view")
    agreement = get_object_or_404(
        Agreement.objects.select_related("provider_team", "receiver_team"), pk=pk
    )
    form = ScorecardForm(request.GET)
    context: dict[str, Any] = {"agreement": agreement, "form": form}
    if not form.is_valid():
        return render(request, "agreements/scorecard.html", context, status=INVALID)
    term_id = form.cleaned_data["term"]
    if term_id is not None and not sel.same_terms(agreement, term_id):
        raise Http404(_("This agreement has no such term."))
    period = form.cleaned_data["period"] or "month"
    card = sel.scorecard(agreement, today=_today(), period=period, term_id=term_id)
    context.update(
        card=card,
        period=period,
        periods=PERIOD_CHOICES,
        terms=[_term_context(card, tc) for tc in card.terms],
        current_label=period_label(card.current_start, period),
        previous_label=period_label(card.previous_start, period),
    )
    template = "agreements/scorecard.html"
    if request.htmx:
        template = "agreements/scorecard_terms.html"
    return render(request, template, context)


def _dispute_url(obligation: Obligation) -> str | None:
    if obligation.status not in ("late", "breached") or obligation.waived:
        return None
    try:  # the dispute pages are built by another part and may not exist yet
        return reverse("agreements:dispute_raise", args=[obligation.pk])
    except NoReverseMatch:
        return None


def _deliverable_url(obligation: Obligation) -> str | None:
    d = obligation.deliverable
    try:
        return deliverables.get(d.kind).url(d.key)
    except LookupError:
        return None


@login_required
@require_GET
def obligations(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "agreement.view")
    agreement = get_object_or_404(Agreement, pk=pk)
    form = ObligationFilterForm(request.GET)
    context: dict[str, Any] = {"agreement": agreement, "form": form}
    if not form.is_valid():
        return render(request, "agreements/obligations.html", context, status=INVALID)
    qs = sel.obligations(agreement, form.filters(agreement))
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    context.update(
        page=page,
        rows=[
            {
                "o": o,
                "title": str(o.deliverable),
                "url": _deliverable_url(o),
                "hours": hours(o.business_seconds),
                "dispute_url": _dispute_url(o),
            }
            for o in page.object_list
        ],
    )
    return render(request, "agreements/obligations.html", context)
