"""The routing page: rules in order, their edit form, the default queue, "test a contact".

Everyone signed in may read how leads are routed; changing it needs
``lead.configure``. The test box answers htmx with a partial; without
JavaScript it is a plain GET form that renders the whole page.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest
from interlock.leads import selectors_routing, services_routing
from interlock.leads.forms_routing import DefaultQueueForm, PreviewForm, RoutingRuleForm
from interlock.leads.models import RoutingRule
from interlock.leads.routing import default_team, route_preview

INVALID = 422


@login_required
@require_GET
def routing(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.view")
    preview = None
    form = PreviewForm(request.GET or None)
    if form.is_bound and form.is_valid():
        contact = form.cleaned_data["q"]
        preview = {"contact": contact, "choice": route_preview(contact)}
    context: dict[str, Any] = {"preview_form": form, "preview": preview}
    if request.htmx and "q" in request.GET:
        return render(request, "leads/routing/partials/preview.html", context)
    settings_row = selectors_routing.lead_settings()
    context |= {
        "rules": selectors_routing.rules_for_page(),
        "queue_form": DefaultQueueForm(initial={"default_team": settings_row.default_team}),
        "default_team": default_team(),
        "assignments": list(selectors_routing.recent_assignments()),
        "may_configure": policy.can(request.user, "lead.configure"),
    }
    return render(request, "leads/routing/page.html", context)


def _rule_form(request: HtmxHttpRequest, rule: RoutingRule | None) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    status = 200
    if request.method == "POST":
        form = RoutingRuleForm(request.POST)
        if form.is_valid():
            try:
                if rule is None:
                    services_routing.routing_rule_create(
                        actor=request.user, **form.service_fields()
                    )
                    messages.success(
                        request,
                        _("The rule was added at the end. Move it up if it should match earlier."),
                    )
                else:
                    services_routing.routing_rule_update(
                        actor=request.user, rule=rule, **form.service_fields()
                    )
                    messages.success(
                        request, _("The rule was saved. Test a contact below to check it.")
                    )
                return redirect("leads:routing")
            except ValidationError as exc:
                add_service_errors(form, exc)
        status = INVALID
    else:
        initial = RoutingRuleForm.initial_for(rule) if rule else {"active": True}
        form = RoutingRuleForm(initial=initial)
    return render(
        request, "leads/routing/rule_form.html", {"form": form, "rule": rule}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def routing_rule_create(request: HtmxHttpRequest) -> HttpResponse:
    return _rule_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def routing_rule_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    return _rule_form(request, get_object_or_404(RoutingRule, pk=pk))


@login_required
@require_POST
def routing_rule_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    rule = get_object_or_404(RoutingRule, pk=pk)
    services_routing.routing_rule_delete(actor=request.user, rule=rule)
    messages.success(
        request,
        _("Rule “%(name)s” was deleted; earlier assignments keep its name.") % {"name": rule.name},
    )
    return redirect("leads:routing")


@login_required
@require_POST
def routing_rule_move(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    rule = get_object_or_404(RoutingRule, pk=pk)
    try:
        services_routing.routing_rule_move(
            actor=request.user, rule=rule, direction=request.POST.get("direction", "")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("leads:routing")


@login_required
@require_POST
def routing_default(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "lead.configure")
    form = DefaultQueueForm(request.POST)
    if form.is_valid():
        try:
            services_routing.lead_settings_update(
                actor=request.user, default_team=form.cleaned_data["default_team"]
            )
            messages.success(request, _("Leads that no rule matches now go to this queue."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    else:
        messages.error(request, _("Choose one of the teams as default queue."))
    return redirect("leads:routing")
