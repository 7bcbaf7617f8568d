"""Campaign pages: list, detail (costs, members, responses, attribution), form, comparison.

Views parse input, ask the policy, call campaigns.services and render; reads
come from campaigns.selectors and the attribution registry (campaigns.figures).
The member table and the contact search answer htmx with partials; without
JavaScript every form posts and redirects.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.campaigns import figures, selectors, services
from interlock.campaigns.forms import (
    AddMembersForm,
    AddMembersFormBound,
    CampaignFilterForm,
    CampaignForm,
    CostForm,
    MemberFilterForm,
    MemberStatusForm,
    PeriodForm,
    ResponseForm,
)
from interlock.campaigns.models import Campaign, CampaignCost, CampaignMember
from interlock.core import policy
from interlock.core.charts import bar_chart
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest
from interlock.customers.models import Contact

INVALID = 422
MEMBERS_PER_PAGE = 50


def _campaign(pk: int) -> Campaign:
    found = selectors.campaign_detail(pk)
    if found is None:
        raise Http404(_("No such campaign."))
    return found


@login_required
@require_GET
def campaign_list(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "campaign.view")
    form = CampaignFilterForm(request.GET or None)
    filters = selectors.CampaignFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.CampaignFilters(
            type=d["type"] or None,
            status=d["status"] or None,
            owner=d["owner"].pk if d["owner"] else None,
            starts_from=d["starts_from"],
            starts_to=d["starts_to"],
            q=d["q"],
        )
    qs = selectors.campaigns(filters).order_by("starts_on", "name", "pk")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "campaigns": list(page.object_list),
        "may_write": policy.can(request.user, "campaign.write"),
    }
    if request.htmx:
        return render(request, "campaigns/partials/campaign_rows.html", context)
    return render(request, "campaigns/list.html", context)


def _save_campaign(
    request: HtmxHttpRequest, form: CampaignForm, campaign: Campaign | None
) -> HttpResponse | None:
    if not form.is_valid():
        return None
    try:
        if campaign is None:
            saved = services.campaign_create(actor=request.user, **form.cleaned_data)
            messages.success(
                request, _("The campaign was created. Next: add its members and cost lines.")
            )
        else:
            saved = services.campaign_update(
                actor=request.user, campaign=campaign, **form.cleaned_data
            )
            messages.success(request, _("The campaign was saved."))
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    return redirect("campaigns:detail", pk=saved.pk)


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "campaign.write")
    if request.method == "POST":
        form = CampaignForm(request.POST)
        done = _save_campaign(request, form, None)
        if done is not None:
            return done
        return render(request, "campaigns/form.html", {"form": form}, status=INVALID)
    form = CampaignForm(initial={"owner": request.user})
    return render(request, "campaigns/form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def campaign_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "campaign.write")
    campaign = _campaign(pk)
    if request.method == "POST":
        form = CampaignForm(request.POST)
        done = _save_campaign(request, form, campaign)
        if done is not None:
            return done
        context = {"form": form, "campaign": campaign}
        return render(request, "campaigns/form.html", context, status=INVALID)
    form = CampaignForm(
        initial={name: getattr(campaign, name) for name in services.CAMPAIGN_FIELDS}
    )
    return render(request, "campaigns/form.html", {"form": form, "campaign": campaign})


@login_required
@require_POST
def campaign_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "campaign.write")
    services.campaign_delete(actor=request.user, campaign=_campaign(pk))
    messages.success(request, _("The campaign was moved to the trash; an admin can restore it."))
    return redirect("campaigns:list")


# --- detail ---------------------------------------------------------------------------


def _members_context(request: HtmxHttpRequest, campaign: Campaign) -> dict[str, Any]:
    form = MemberFilterForm(request.GET or None, auto_id="member_%s")
    status, q = None, ""
    if form.is_bound and form.is_valid():
        status, q = form.cleaned_data["status"] or None, form.cleaned_data["q"]
    qs = selectors.members(campaign, status=status, q=q)
    page = Paginator(qs, MEMBERS_PER_PAGE).get_page(request.GET.get("page"))
    return {
        "campaign": campaign,
        "member_filter": form,
        "member_page": page,
        "members": list(page.object_list),
        "statuses": CampaignMember.Status.choices,
        "may_write": policy.can(request.user, "campaign.write"),
    }


def _figure_rows(attribution: figures.Attribution | None, campaign: Campaign) -> dict[str, Any]:
    if attribution is None or campaign.pk not in attribution.figures:
        return {"attribution": None}
    found = attribution.figures[campaign.pk]
    labels = {"first": _("first touch"), "last": _("last touch"), "linear": _("linear")}
    rows = [(labels[name], found.models[name]) for name in figures.MODELS]
    chart = bar_chart(
        _("MQLs and SQLs by attribution model"),
        [str(label) for label, _m in rows],
        {
            _("MQLs"): [float(m.mqls) for _l, m in rows],
            _("SQLs"): [float(m.sqls) for _l, m in rows],
        },
    )
    money_chart = bar_chart(
        _("Pipeline and won revenue (%(currency)s)") % {"currency": attribution.currency},
        [str(label) for label, _m in rows],
        {
            _("Pipeline"): [float(m.pipeline) for _l, m in rows],
            _("Won"): [float(m.won) for _l, m in rows],
            _("Cost"): [float(found.cost or 0) for _r in rows],
        },
    )
    return {
        "attribution": found,
        "attribution_rows": rows,
        "attribution_chart": chart,
        "attribution_money_chart": money_chart,
        "company_currency": attribution.currency,
        "deals_left_out": attribution.deals_left_out,
    }


def _detail(
    request: HtmxHttpRequest, campaign: Campaign, status: int = 200, **forms: Any
) -> HttpResponse:
    context = _members_context(request, campaign)
    cost_lines = list(selectors.costs(campaign))
    actual = sum((c.amount for c in cost_lines), Decimal("0"))
    context.update(
        {
            "cost_lines": cost_lines,
            "actual_cost": actual,
            "remaining": campaign.budget - actual,
            "counts": selectors.member_counts(campaign),
            "responses": selectors.responses(campaign),
            "cost_form": forms.get("cost_form") or CostForm(),
            "add_form": forms.get("add_form") or AddMembersForm(),
            "response_form": forms.get("response_form") or ResponseForm(),
            "added_missing": forms.get("missing", []),
        }
    )
    context.update(_figure_rows(figures.attribution([campaign.pk]), campaign))
    return render(request, "campaigns/detail.html", context, status=status)


@login_required
@require_GET
def campaign_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "campaign.view")
    campaign = _campaign(pk)
    if request.htmx and request.htmx.target == "members":
        return render(
            request, "campaigns/partials/members.html", _members_context(request, campaign)
        )
    return _detail(request, campaign)


# --- costs ----------------------------------------------------------------------------


@login_required
@require_POST
def cost_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "campaign.write")
    campaign = _campaign(pk)
    form = CostForm(request.POST)
    if form.is_valid():
        try:
            services.campaign_cost_add(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The cost line was added."))
            return redirect("campaigns:detail", pk=pk)
    return _detail(request, campaign, INVALID, cost_form=form)


@login_required
@require_POST
def cost_remove(request: HtmxHttpRequest, pk: int, cost_pk: int) -> HttpResponse:
    policy.require(request.user, "campaign.write")
    campaign = _campaign(pk)
    cost = get_object_or_404(CampaignCost, pk=cost_pk, campaign=campaign)
    services.campaign_cost_remove(actor=request.user, cost=cost)
    messages.success(request, _("The cost line was removed."))
    return redirect("campaigns:detail", pk=pk)


# --- members --------------------------------------------------------------------------


@login_required
@require_GET
def contact_suggest(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Type-ahead for adding members: matching contacts who are not members yet."""
    policy.require(request.user, "campaign.write")
    campaign = _campaign(pk)
    q = request.GET.get("q", "")[:100].replace("\x00", "")
    found = selectors.contact_suggestions(campaign, q)
    return render(
        request,
        "campaigns/partials/contact_suggestions.html",
        {"campaign": campaign, "contacts": found, "q": q},
    )


@login_required
@require_POST
def members_add(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "campaign.write")
    campaign = _campaign(pk)
    form = AddMembersFormBound(request.POST)
    if not form.is_valid():
        return _detail(request, campaign, INVALID, add_form=form)
    ids = list(form.cleaned_data["contact"])
    by_mail, missing = selectors.contacts_by_emails(form.cleaned_data["emails"] or "")
    try:
        added = services.campaign_members_add(
            actor=request.user,
            campaign=campaign,
            contact_ids=ids + by_mail,
            status=form.cleaned_data["status"],
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _detail(request, campaign, INVALID, add_form=form)
    messages.success(
        request,
        ngettext(
            "%(count)d contact was added to the campaign.",
            "%(count)d contacts were added to the campaign.",
            added,
        )
        % {"count": added},
    )
    if missing:
        messages.warning(
            request,
            _("No contact has these e-mail addresses; create them first: %(emails)s")
            % {"emails": ", ".join(missing[:20])},
        )
    return redirect("campaigns:detail", pk=pk)


@login_required
@require_POST
def member_status(request: HtmxHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    policy.require(request.user, "campaign.write")
    campaign = _campaign(pk)
    member = get_object_or_404(
        CampaignMember.objects.select_related("campaign", "contact"),
        pk=member_pk,
        campaign=campaign,
    )
    form = MemberStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed statuses."))
        return _detail(request, campaign, INVALID)
    member = services.campaign_member_set_status(
        actor=request.user, member=member, status=form.cleaned_data["status"]
    )
    if request.htmx:
        return render(
            request,
            "campaigns/partials/member_row.html",
            {
                "campaign": campaign,
                "m": member,
                "statuses": CampaignMember.Status.choices,
                "may_write": True,
            },
        )
    messages.success(request, _("The member's status was changed."))
    return redirect("campaigns:detail", pk=pk)


@login_required
@require_POST
def response_record(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "campaign.write")
    campaign = _campaign(pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        contact = Contact.objects.filter(pk=form.cleaned_data["contact"]).first()
        if contact is None:
            form.add_error(None, _("This contact does not exist or is in the trash."))
        else:
            try:
                services.campaign_response_record(
                    actor=request.user,
                    campaign=campaign,
                    contact=contact,
                    kind=form.cleaned_data["kind"],
                    source="manual",
                    at=form.cleaned_data["occurred_at"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("The response of %(contact)s was recorded; it counts as engagement.")
                    % {"contact": contact},
                )
                return redirect("campaigns:detail", pk=pk)
    messages.error(
        request,
        _("The response could not be recorded: %(errors)s")
        % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
    )
    return _detail(request, campaign, INVALID, response_form=form)


# --- comparison -----------------------------------------------------------------------


@login_required
@require_GET
def attribution(request: HtmxHttpRequest) -> HttpResponse:
    """All campaigns side by side under one model, with a bar chart."""
    policy.require(request.user, "campaign.view")
    form = PeriodForm(request.GET or None)
    since = until = None
    model = "linear"
    if form.is_bound and form.is_valid():
        since, until = form.cleaned_data["since"], form.cleaned_data["until"]
        model = form.cleaned_data["model"] or "linear"
    result = figures.attribution(None, since, until)
    names = dict(Campaign.objects.values_list("pk", "name"))
    rows = []
    if result is not None:
        rows = sorted(
            ((names[pk], f, f.models[model]) for pk, f in result.figures.items() if pk in names),
            key=lambda row: (-row[2].won, -row[2].pipeline, row[0]),
        )
    top = rows[:12]
    chart = None
    if top:
        chart = bar_chart(
            _("Pipeline and won revenue by campaign (%(currency)s)")
            % {"currency": result.currency if result else ""},
            [name for name, _f, _m in top],
            {
                _("Pipeline"): [float(m.pipeline) for _n, _f, m in top],
                _("Won"): [float(m.won) for _n, _f, m in top],
                _("Cost"): [float(f.cost or 0) for _n, f, _m in top],
            },
        )
    context = {
        "form": form,
        "rows": rows,
        "chart": chart,
        "model": model,
        "result": result,
        "ids": {name: f.campaign_id for name, f, _m in rows},
    }
    return render(request, "campaigns/attribution.html", context)
