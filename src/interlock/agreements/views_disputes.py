"""Pages of breach disputes: the list, raising one, and a side's decision."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.agreements import selectors_disputes as selectors
from interlock.agreements import services_disputes as services
from interlock.agreements.forms_disputes import (
    DisputeDecideForm,
    DisputeFilterForm,
    DisputeRaiseForm,
)
from interlock.agreements.models import BreachDispute, Obligation
from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest

LIST_LIMIT = 200


@login_required
@require_GET
def disputes(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "agreement.view")
    form = DisputeFilterForm(request.GET or None)
    agreement_id = status = None
    if form.is_valid():
        chosen = form.cleaned_data["agreement"]
        agreement_id = chosen.pk if chosen else None
        status = form.cleaned_data["status"] or None
    rows = list(selectors.disputes(agreement_id=agreement_id, status=status)[:LIST_LIMIT])
    items = [(d, selectors.sides_led_by(request.user, d)) for d in rows]
    context = {"form": form, "items": items, "decide_form": DisputeDecideForm()}
    if request.htmx:
        return render(request, "agreements/partials/obligation_dispute_rows.html", context)
    return render(request, "agreements/disputes.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dispute_raise(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    obligation = get_object_or_404(
        Obligation.objects.select_related("agreement", "deliverable", "assignee"), pk=pk
    )
    policy.require(request.user, "breach.dispute", obligation.agreement)
    form = DisputeRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.breach_dispute_raise(
                actor=request.user, obligation=obligation, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Your dispute is recorded; a team lead of each side decides.")
            )
            return redirect(f"{_disputes_url()}?agreement={obligation.agreement_id}")
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "agreements/disputes_raise.html",
        {"form": form, "obligation": obligation},
        status=status,
    )


def _disputes_url() -> str:
    return reverse("agreements:disputes")


@login_required
@require_POST
def dispute_decide(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(BreachDispute.objects.select_related("agreement"), pk=pk)
    policy.require(request.user, "breach.settle", dispute.agreement)
    form = DisputeDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether the breach stands or is waived."))
    else:
        try:
            dispute = services.breach_dispute_decide(
                actor=request.user,
                dispute=dispute,
                decision=form.cleaned_data["decision"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(str(m) for m in exc.messages))
        else:
            if dispute.status == BreachDispute.Status.OPEN:
                messages.success(request, _("Your decision is recorded."))
            else:
                messages.success(
                    request,
                    _("Both sides agree: %(outcome)s.") % {"outcome": dispute.get_status_display()},
                )
    return redirect(f"{_disputes_url()}?agreement={dispute.agreement_id}")
