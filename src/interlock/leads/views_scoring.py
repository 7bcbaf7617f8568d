"""The scoring page: fit rules, engagement points, grades and the MQL rule, re-scoring.

Everyone signed in may read how leads are scored; changing it needs
``lead.configure``. Each change re-scores everyone in the background; the
status box polls ``rescore_status`` with htmx while a job runs. The contact's
score panel is a partial the contact page includes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest
from interlock.customers.models import Contact
from interlock.leads import scoring, selectors_scoring, services_scoring
from interlock.leads.forms_scoring import EngagementRuleForm, FitRuleForm, ScoringSettingsForm
from interlock.leads.models import FitRule

INVALID = 422
RESCORING = gettext_lazy("Everyone is being re-scored now; the progress shows on this page.")


def _settings_initial() -> dict[str, Any]:
    row = scoring.scoring_settings()
    return {name: getattr(row, name) for name in services_scoring.SETTINGS_FIELDS}


def _page(request: HtmxHttpRequest, status: int = 200, **forms: Any) -> HttpResponse:
    job = selectors_scoring.latest_job()
    context = {
        "rules": selectors_scoring.fit_rule_rows(),
        "rule_form": forms.get("rule_form") or FitRuleForm(),
        "engagement": selectors_scoring.engagement_rows(),
        "engagement_error": forms.get("engagement_error"),
        "settings_form": forms.get("settings_form")
        or ScoringSettingsForm(initial=_settings_initial()),
        "attributes": scoring.ATTRIBUTES.values(),
        "job": job,
        "percent": selectors_scoring.job_percent(job),
        "may_configure": policy.can(request.user, "lead.configure"),
    }
    return render(request, "leads/scoring/page.html", context, status=status)


@login_required
@require_GET
def scoring_page(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.view")
    return _page(request)


@login_required
@require_POST
def rule_create(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    form = FitRuleForm(request.POST)
    if form.is_valid():
        try:
            services_scoring.fit_rule_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The rule was added. %(next)s") % {"next": RESCORING})
            return redirect("leads:scoring")
    return _page(request, INVALID, rule_form=form)


def _rule(pk: int) -> FitRule:
    return get_object_or_404(FitRule, pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def rule_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    rule = _rule(pk)
    status = 200
    if request.method == "POST":
        form = FitRuleForm(request.POST)
        if form.is_valid():
            try:
                services_scoring.fit_rule_update(actor=request.user, rule=rule, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The rule was saved. %(next)s") % {"next": RESCORING})
                return redirect("leads:scoring")
        status = INVALID
    else:
        form = FitRuleForm(initial={n: getattr(rule, n) for n in services_scoring.FIT_FIELDS})
    return render(
        request, "leads/scoring/rule_form.html", {"form": form, "rule": rule}, status=status
    )


@login_required
@require_POST
def rule_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    services_scoring.fit_rule_delete(actor=request.user, rule=_rule(pk))
    messages.success(request, _("The rule was deleted. %(next)s") % {"next": RESCORING})
    return redirect("leads:scoring")


@login_required
@require_POST
def rule_toggle(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    rule = _rule(pk)
    services_scoring.fit_rule_update(actor=request.user, rule=rule, active=not rule.active)
    done = _("The rule is active again.") if not rule.active else _("The rule is paused.")
    messages.success(request, f"{done} {RESCORING}")
    return redirect("leads:scoring")


@login_required
@require_POST
def rule_move(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        messages.error(request, _("Move a rule up or down."))
        return redirect("leads:scoring")
    services_scoring.fit_rule_move(actor=request.user, rule=_rule(pk), direction=direction)  # type: ignore[arg-type]
    return redirect("leads:scoring")


@login_required
@require_POST
def engagement_set(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    form = EngagementRuleForm(request.POST)
    if form.is_valid():
        try:
            services_scoring.engagement_rule_set(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Points for “%(trigger)s” were saved. %(next)s")
                % {
                    "trigger": scoring.trigger_label(form.cleaned_data["trigger"]),
                    "next": RESCORING,
                },
            )
            return redirect("leads:scoring")
    errors = "; ".join(str(e) for errs in form.errors.values() for e in errs)
    return _page(request, INVALID, engagement_error=errors)


@login_required
@require_POST
def settings_update(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    form = ScoringSettingsForm(request.POST)
    if form.is_valid():
        try:
            services_scoring.scoring_settings_update(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("Grades and the MQL rule were saved. %(next)s") % {"next": RESCORING}
            )
            return redirect("leads:scoring")
    return _page(request, INVALID, settings_form=form)


@login_required
@require_POST
def rescore(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    services_scoring.rescore_start(actor=request.user)
    messages.success(request, str(RESCORING))
    return redirect("leads:scoring")


@login_required
@require_GET
def rescore_status(request: HtmxHttpRequest) -> HttpResponse:
    """The progress box; htmx polls it while a job is queued or running."""
    policy.require(request.user, "lead.view")
    job = selectors_scoring.latest_job()
    context = {
        "job": job,
        "percent": selectors_scoring.job_percent(job),
        "may_configure": policy.can(request.user, "lead.configure"),
    }
    if request.htmx:
        return render(request, "leads/scoring/partials/status.html", context)
    return render(request, "leads/scoring/status.html", context)


@login_required
@require_GET
def score_panel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """A contact's grade, engagement and why (a panel of the contact page)."""
    policy.require(request.user, "lead.view")
    contact = Contact.objects.select_related("account").filter(pk=pk).first()
    if contact is None:
        raise Http404(_("No such contact."))
    profile, explanation = selectors_scoring.contact_score(contact)
    context = {"contact": contact, "profile": profile, "explanation": explanation}
    if request.htmx:
        return render(request, "leads/scoring/partials/score_panel.html", context)
    return render(request, "leads/scoring/score.html", context)
