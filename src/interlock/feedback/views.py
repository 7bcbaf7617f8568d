"""Complaint and idea pages.

Views parse input, ask the policy, call feedback.services and render; reads
come from feedback.selectors. The vote button and the filters answer htmx
with a partial; without JavaScript every form posts and redirects.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest
from interlock.customers.models import Account
from interlock.feedback import selectors, services
from interlock.feedback.forms import (
    ComplaintFilterForm,
    ComplaintForm,
    IdeaFilterForm,
    IdeaForm,
    IdeaStatusForm,
    LinkAccountForm,
    RateForm,
    StatusForm,
)
from interlock.feedback.models import Complaint, Idea

INVALID = 422
PAGE_SIZE = 50


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- complaints -------------------------------------------------------------------------


@login_required
@require_GET
def complaints(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "feedback.view")
    form = ComplaintFilterForm(request.GET or None)
    status = 200
    rows = selectors.complaint_list()
    if form.is_bound:
        if form.is_valid():
            d = form.cleaned_data
            filters = selectors.ComplaintFilters(
                status=d["status"] if d["status"] not in ("", "open") else None,
                open_only=d["status"] == "open",
                severity=d["severity"] or None,
                category=d["category"].pk if d["category"] else None,
                owner=d["owner"].pk if d["owner"] else None,
                account=d["account"],
                created_from=_day_start(d["created_from"]) if d["created_from"] else None,
                created_to=(
                    _day_start(d["created_to"] + timedelta(days=1)) if d["created_to"] else None
                ),
                q=d["q"],
            )
            rows = selectors.complaint_list(filters, d["sort"] or "-created")
        else:
            rows = rows.none()
            status = INVALID
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "complaints": page.object_list,
        "may_write": policy.can(request.user, "feedback.write"),
    }
    template = (
        "feedback/partials/complaint_rows.html" if request.htmx else "feedback/complaints.html"
    )
    return render(request, template, context, status=status)


def _account_param(request: HtmxHttpRequest) -> Account | None:
    raw = request.GET.get("account", "")
    if not raw.isdigit() or len(raw) > 18:
        return None
    return Account.objects.filter(pk=int(raw)).first()


@login_required
@require_http_methods(["GET", "POST"])
def complaint_create(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    account = _account_param(request)
    if request.method == "POST":
        form = ComplaintForm(request.POST)
        if form.is_valid():
            try:
                complaint = services.complaint_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The complaint was recorded."))
                return redirect("feedback:complaint", pk=complaint.pk)
        status = INVALID
    else:
        form = ComplaintForm(initial={"account": account} if account else None)
        status = 200
    return render(
        request, "feedback/complaint_form.html", {"form": form, "account": account}, status=status
    )


def _complaint(pk: int) -> Complaint:
    found = selectors.complaints().filter(pk=pk).first()
    if found is None:
        raise Http404(_("No such complaint."))
    return found


def _detail(
    request: HtmxHttpRequest, complaint: Complaint, status: int = 200, **forms: Any
) -> HttpResponse:
    may_write = policy.can(request.user, "feedback.write")
    context = {
        "complaint": complaint,
        "response_time": selectors.response_time(complaint),
        "resolution_time": selectors.resolution_time(complaint),
        "may_write": may_write,
        "next_statuses": [
            Complaint.Status(s) for s in sorted(services.TRANSITIONS[complaint.status])
        ],
        "status_form": forms.get("status_form")
        or StatusForm(initial={"resolution": complaint.resolution}),
        "rate_form": forms.get("rate_form") or RateForm(),
        "ideas": list(complaint.ideas.all()),
    }
    return render(request, "feedback/complaint_detail.html", context, status=status)


@login_required
@require_GET
def complaint_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.view")
    return _detail(request, _complaint(pk))


@login_required
@require_http_methods(["GET", "POST"])
def complaint_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    complaint = _complaint(pk)
    if request.method == "POST":
        form = ComplaintForm(request.POST, edit=True)
        if form.is_valid():
            try:
                services.complaint_update(
                    actor=request.user, complaint=complaint, **form.cleaned_data
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The complaint was saved."))
                return redirect("feedback:complaint", pk=pk)
        status = INVALID
    else:
        initial = {
            name: getattr(complaint, name)
            for name in (*services.COMPLAINT_FIELDS,)
            if name != "resolution"
        }
        form = ComplaintForm(initial=initial, edit=True)
        status = 200
    return render(
        request,
        "feedback/complaint_form.html",
        {"form": form, "complaint": complaint, "account": complaint.account},
        status=status,
    )


@login_required
@require_POST
def complaint_respond(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    services.complaint_respond(actor=request.user, complaint=_complaint(pk))
    messages.success(request, _("The first response was recorded."))
    return redirect("feedback:complaint", pk=pk)


@login_required
@require_POST
def complaint_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    complaint = _complaint(pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        d = form.cleaned_data
        try:
            services.complaint_set_status(
                actor=request.user,
                complaint=complaint,
                status=d["status"],
                resolution=d["resolution"] or None,
                root_cause=d["root_cause"] or None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("feedback:complaint", pk=pk)
    return _detail(request, complaint, INVALID, status_form=form)


@login_required
@require_POST
def complaint_rate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    complaint = _complaint(pk)
    form = RateForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_rate(
                actor=request.user,
                complaint=complaint,
                satisfaction=form.cleaned_data["satisfaction"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The satisfaction was recorded."))
            return redirect("feedback:complaint", pk=pk)
    return _detail(request, complaint, INVALID, rate_form=form)


@login_required
@require_POST
def complaint_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    services.complaint_delete(actor=request.user, complaint=_complaint(pk))
    messages.success(request, _("The complaint was moved to the trash."))
    return redirect("feedback:complaints")


# --- ideas ------------------------------------------------------------------------------


@login_required
@require_GET
def ideas(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "feedback.view")
    form = IdeaFilterForm(request.GET or None)
    status = 200
    rows = selectors.idea_list()
    if form.is_bound:
        if form.is_valid():
            d = form.cleaned_data
            rows = selectors.idea_list(
                status=d["status"] or None, q=d["q"], sort=d["sort"] or "votes"
            )
        else:
            rows = rows.none()
            status = INVALID
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    context = {
        "form": form,
        "page_obj": page,
        "ideas": items,
        "voted": selectors.voted_ids(request.user, [i.pk for i in items]),
        "may_write": policy.can(request.user, "feedback.write"),
    }
    template = "feedback/partials/idea_rows.html" if request.htmx else "feedback/ideas.html"
    return render(request, template, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def idea_create(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    if request.method == "POST":
        form = IdeaForm(request.POST)
        if form.is_valid():
            try:
                idea = services.idea_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The idea was recorded."))
                return redirect("feedback:idea", pk=idea.pk)
        status = INVALID
    else:
        form = IdeaForm()
        status = 200
    return render(request, "feedback/idea_form.html", {"form": form}, status=status)


def _idea(pk: int) -> Idea:
    found = selectors.idea_detail(pk)
    if found is None:
        raise Http404(_("No such idea."))
    return found


def _idea_page(
    request: HtmxHttpRequest,
    idea: Idea,
    status: int = 200,
    link_form: LinkAccountForm | None = None,
) -> HttpResponse:
    context = {
        "idea": idea,
        "asked": list(selectors.who_asked(idea)),
        "complaints": list(idea.complaints.select_related("account")),
        "voted": selectors.has_voted(idea, request.user),
        "may_write": policy.can(request.user, "feedback.write"),
        "link_form": link_form or LinkAccountForm(),
        "status_form": IdeaStatusForm(initial={"status": idea.status}),
    }
    return render(request, "feedback/idea_detail.html", context, status=status)


@login_required
@require_GET
def idea_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.view")
    return _idea_page(request, _idea(pk))


@login_required
@require_POST
def idea_vote(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """Vote or take the vote back (``action=unvote``); htmx gets the button back."""
    policy.require(request.user, "feedback.write")
    idea = get_object_or_404(Idea, pk=pk)
    if request.POST.get("action") == "unvote":
        services.idea_unvote(actor=request.user, idea=idea)
    else:
        services.idea_vote(actor=request.user, idea=idea)
    if request.htmx:
        fresh = _idea(pk)
        return render(
            request,
            "feedback/partials/vote_button.html",
            {"idea": fresh, "voted": selectors.has_voted(fresh, request.user), "may_write": True},
        )
    return redirect("feedback:idea", pk=pk)


@login_required
@require_POST
def idea_status(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    idea = _idea(pk)
    form = IdeaStatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the listed statuses."))
        return _idea_page(request, idea, INVALID)
    services.idea_set_status(actor=request.user, idea=idea, status=form.cleaned_data["status"])
    messages.success(request, _("The status was changed."))
    return redirect("feedback:idea", pk=pk)


@login_required
@require_POST
def idea_link_account(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    idea = _idea(pk)
    form = LinkAccountForm(request.POST)
    if form.is_valid():
        try:
            services.idea_link_account(actor=request.user, idea=idea, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The account was added to those who asked."))
            return redirect("feedback:idea", pk=pk)
    return _idea_page(request, idea, INVALID, link_form=form)


@login_required
@require_POST
def idea_unlink_account(request: HtmxHttpRequest, pk: int, account_pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    idea = _idea(pk)
    account = get_object_or_404(Account.all_objects, pk=account_pk)
    services.idea_unlink_account(actor=request.user, idea=idea, account=account)
    messages.success(request, _("The account was removed from those who asked."))
    return redirect("feedback:idea", pk=pk)
