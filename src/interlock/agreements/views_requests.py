"""Pages of hand-made requests between teams: the list, a new request, deliver, cancel.

Deliver and cancel answer htmx with the request's row and plain posts with a
redirect, so the page works without JavaScript too.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.agreements import selectors_requests as selectors
from interlock.agreements import services_requests as services
from interlock.agreements.forms_requests import CancelForm, DeliverForm, RequestForm
from interlock.agreements.models import WorkRequest
from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest

INVALID = 422


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


def _rows(user: object, rows: list[WorkRequest]) -> list[tuple[WorkRequest, bool]]:
    """Each request with whether this user may deliver or cancel it."""
    return [
        (r, r.status == WorkRequest.Status.OPEN and policy.can(user, "request.deliver", r))
        for r in rows
    ]


@login_required
@require_GET
def requests(request: HtmxHttpRequest) -> HttpResponse:
    """Open (or done) requests asked of my teams and by my teams."""
    policy.require(request.user, "agreement.view")
    status = "done" if request.GET.get("status") == "done" else "open"
    board = selectors.board_for(request.user, status=status)
    return render(
        request,
        "agreements/requests.html",
        {
            "asked_of_us": _rows(request.user, board.asked_of_us),
            "asked_by_us": _rows(request.user, board.asked_by_us),
            "all_teams": board.all_teams,
            "status": status,
            "may_create": policy.can(request.user, "request.create"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "request.create")
    form = RequestForm(request.POST or None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.request_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Request sent; the asked team sees it in its list."))
                return redirect("agreements:requests")
        status = INVALID
    return render(request, "agreements/requests_form.html", {"form": form}, status=status)


def _answer(request: HtmxHttpRequest, work: WorkRequest, done_message: str) -> HttpResponse:
    if request.htmx:
        fresh = selectors.requests().get(pk=work.pk)
        return render(request, "agreements/requests_row.html", {"r": fresh, "may_act": False})
    messages.success(request, done_message)
    return redirect("agreements:requests")


def _failed(request: HtmxHttpRequest, exc: ValidationError) -> HttpResponse:
    if request.htmx:
        return HttpResponse(_error_text(exc), status=INVALID)
    messages.error(request, _error_text(exc))
    return redirect("agreements:requests")


@login_required
@require_POST
def request_deliver(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(WorkRequest, pk=pk)
    policy.require(request.user, "request.deliver", work)
    form = DeliverForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The note is too long or contains invalid characters."))
        services.request_deliver(actor=request.user, request=work, note=form.cleaned_data["note"])
    except ValidationError as exc:
        return _failed(request, exc)
    return _answer(request, work, _("Marked as delivered."))


@login_required
@require_POST
def request_cancel(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    work = get_object_or_404(WorkRequest, pk=pk)
    policy.require(request.user, "request.deliver", work)
    form = CancelForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("The reason is too long or contains invalid characters."))
        services.request_cancel(
            actor=request.user, request=work, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        return _failed(request, exc)
    return _answer(request, work, _("Request cancelled."))
