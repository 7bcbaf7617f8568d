"""The handover page of a won deal: a draft form sales may save, then complete once."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest
from interlock.sales import services_handover as services
from interlock.sales.forms_handover import HandoverForm
from interlock.sales.models import Deal, Stage
from interlock.sales.models_handover import DealHandover

INVALID = 422


def _initial(handover: DealHandover | None) -> dict[str, Any]:
    if handover is None:
        return {}
    return {
        "team": handover.team_id,
        "goals": handover.goals,
        "stakeholders": handover.stakeholders,
        "commitments": handover.commitments,
        "risks": handover.risks,
        "next_steps": handover.next_steps,
    }


@login_required
@require_http_methods(["GET", "POST"])
def handover(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """GET shows the form (read-only once completed); POST saves it, "complete" also completes."""
    policy.require(request.user, "sales.view")
    deal = get_object_or_404(Deal.objects.select_related("stage", "account", "owner"), pk=pk)
    current = services.handover_of(deal)
    status = 200
    if request.method == "POST":
        policy.require(request.user, "sales.write")
        form = HandoverForm(request.POST)
        if form.is_valid():
            try:
                services.handover_save(actor=request.user, deal=deal, **form.cleaned_data)
                if request.POST.get("action") == "complete":
                    services.handover_complete(actor=request.user, deal=deal)
                    messages.success(request, _("Handover completed; customer success takes over."))
                else:
                    messages.success(request, _("Handover saved as a draft."))
                return redirect("sales:handover", deal.pk)
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = INVALID
        current = services.handover_of(deal)
    else:
        form = HandoverForm(initial=_initial(current))
    return render(
        request,
        "sales/handover.html",
        {
            "deal": deal,
            "handover": current,
            "form": form,
            "missing": current.missing() if current is not None else [],
            "is_won": deal.stage.kind == Stage.Kind.WON,
            "may_write": policy.can(request.user, "sales.write")
            and (current is None or current.completed_at is None),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET"])
def handover_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The handover's state for the deal page (loaded into its panel by htmx)."""
    policy.require(request.user, "sales.view")
    deal = get_object_or_404(Deal, pk=pk)
    current = services.handover_of(deal)
    return render(
        request,
        "sales/handover_panel_body.html",
        {
            "deal": deal,
            "handover": current,
            "missing": current.missing() if current is not None else [],
        },
    )
