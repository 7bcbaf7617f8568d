"""Complaint and idea pages.

Views parse input, ask the policy, call feedback.services and render; reads
come from feedback.selectors. The vote button and the filters answer htmx
with a partial; without JavaScript every form posts and redirects.
"""

from __future__ import annotations

from collections.abc import Callable
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
from interlock.customers.models import Account
from interlock.feedback import selectors, services
from interlock.feedback.forms import (
    ComplaintForm,
    IdeaForm,
    IdeaStatusForm,
    LinkAccountForm,
    RateForm,
    StatusForm,
)
from interlock.feedback.models import Complaint, Idea
from interlock.lists.views import render_list

INVALID = 422


# --- complaints -------------------------------------------------------------------------


@login_required
@require_GET
def complaints(request: HtmxHttpRequest) -> HttpResponse:
    """Filters, columns, saved views, bulk actions and export: see interlock.lists."""
    return render_list(
        request,
        "complaints",
        template="feedback/complaints.html",
        rows_template="feedback/partials/complaint_rows.html",
    )


@login_required
@require_GET
def deal_complaints(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The complaints linked to one deal: a panel of the deal page (or a page of its own)."""
    policy.require(request.user, "feedback.view")
    context = {"complaints": list(selectors.complaints_for_deal(pk)[:50]), "deal_id": pk}
    if request.htmx:
        return render(request, "feedback/partials/deal_complaints.html", context)
    return render(request, "feedback/deal_complaints.html", context)


def _submit(
    request: HtmxHttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    done: Any,
    view: str,
    pk: int | None = None,
) -> HttpResponse | None:
    """Validate a posted form and save it through ``save``; the redirect, or None (422).

    Shared by the complaint and idea forms: service errors land on the form's fields.
    """
    if not form.is_valid():
        return None
    try:
        saved = save(form.cleaned_data)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return None
    messages.success(request, str(done))
    return redirect(view, pk=pk if pk is not None else saved.pk)


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
    status = 200
    if request.method == "POST":
        form = ComplaintForm(request.POST)
        done = _submit(
            request,
            form,
            lambda d: services.complaint_create(actor=request.user, **d),
            gettext_lazy("The complaint was recorded."),
            "feedback:complaint",
        )
        if done is not None:
            return done
        status = INVALID
    else:
        form = ComplaintForm(initial={"account": account} if account else None)
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
    status = 200
    if request.method == "POST":
        form = ComplaintForm(request.POST, edit=True)
        done = _submit(
            request,
            form,
            lambda d: services.complaint_update(actor=request.user, complaint=complaint, **d),
            gettext_lazy("The complaint was saved."),
            "feedback:complaint",
            pk,
        )
        if done is not None:
            return done
        status = INVALID
    else:
        initial = {
            name: getattr(complaint, name)
            for name in (*services.COMPLAINT_FIELDS,)
            if name != "resolution"
        }
        initial["account"] = complaint.account  # the deal menu then lists its deals only
        form = ComplaintForm(initial=initial, edit=True)
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
    done = _submit(
        request,
        form,
        lambda d: services.complaint_set_status(
            actor=request.user,
            complaint=complaint,
            status=d["status"],
            resolution=d["resolution"] or None,
            root_cause=d["root_cause"] or None,
        ),
        gettext_lazy("The status was changed."),
        "feedback:complaint",
        pk,
    )
    if done is not None:
        return done
    return _detail(request, complaint, INVALID, status_form=form)


@login_required
@require_POST
def complaint_rate(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    complaint = _complaint(pk)
    form = RateForm(request.POST)
    done = _submit(
        request,
        form,
        lambda d: services.complaint_rate(
            actor=request.user, complaint=complaint, satisfaction=d["satisfaction"]
        ),
        gettext_lazy("The satisfaction was recorded."),
        "feedback:complaint",
        pk,
    )
    if done is not None:
        return done
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
    return render_list(
        request,
        "ideas",
        template="feedback/ideas.html",
        rows_template="feedback/partials/idea_rows.html",
    )


@login_required
@require_http_methods(["GET", "POST"])
def idea_create(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "feedback.write")
    status = 200
    if request.method == "POST":
        form = IdeaForm(request.POST)
        done = _submit(
            request,
            form,
            lambda d: services.idea_create(actor=request.user, **d),
            gettext_lazy("The idea was recorded."),
            "feedback:idea",
        )
        if done is not None:
            return done
        status = INVALID
    else:
        form = IdeaForm()
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
    done = _submit(
        request,
        form,
        lambda d: services.idea_link_account(actor=request.user, idea=idea, **d),
        gettext_lazy("The account was added to those who asked."),
        "feedback:idea",
        pk,
    )
    if done is not None:
        return done
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
