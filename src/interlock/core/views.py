"""Pages of the platform shell: dashboard, API tokens, trash, audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import IntegrityError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from interlock.core import policy, selectors, tokens, trash
from interlock.core.forms import AuditFilterForm, TokenForm
from interlock.core.models import ApiToken

AUDIT_PAGE_SIZE = 50


class HtmxHttpRequest(HttpRequest):
    """A request after django-htmx's middleware: ``request.htmx`` is truthy for htmx calls."""

    htmx: HtmxDetails


def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


# --- API tokens ------------------------------------------------------------------------


def _tokens_page(
    request: HttpRequest, form: TokenForm, *, secret: str | None = None, status: int = 200
) -> HttpResponse:
    # login_required: the user is signed in.
    own = selectors.tokens_of(request.user)
    return render(
        request,
        "core/tokens.html",
        {"tokens": own, "form": form, "secret": secret, "now": timezone.now()},
        status=status,
    )


@login_required
@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "token.manage")
    return _tokens_page(request, TokenForm(user=request.user))


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "token.manage")
    form = TokenForm(request.POST, user=request.user)
    if not form.is_valid():
        return _tokens_page(request, form, status=422)
    token, secret = tokens.token_create(
        user=request.user, name=form.cleaned_data["name"], scope=form.cleaned_data["scope"]
    )
    messages.success(request, _("Token “%(name)s” was created.") % {"name": token.name})
    # The secret exists only in this response: it is shown once and never stored.
    response = _tokens_page(request, TokenForm(user=request.user), secret=secret)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk)
    policy.require(request.user, "token.manage", token)
    tokens.token_revoke(token=token, actor=request.user)
    messages.success(request, _("Token “%(name)s” was revoked.") % {"name": token.name})
    return redirect("platform:tokens")


# --- trash -----------------------------------------------------------------------------


@login_required
@require_GET
def trash_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "trash.view")
    from django.conf import settings

    return render(
        request,
        "core/trash.html",
        {"sections": selectors.trash_sections(), "retention_days": settings.TRASH_RETENTION_DAYS},
    )


@login_required
@require_POST
def trash_restore(request: HttpRequest, label: str, pk: int) -> HttpResponse:
    policy.require(request.user, "trash.restore")
    try:
        model = trash.model_for(label)
    except LookupError:
        raise Http404(_("Nothing of this kind is kept in the trash.")) from None
    obj = get_object_or_404(selectors.trashed(model), pk=pk)
    try:
        trash.trash_restore(obj=obj, actor=request.user)
    except IntegrityError:
        messages.error(
            request,
            _("“%(item)s” cannot be restored: a live record already uses its name.")
            % {"item": obj},
        )
    else:
        messages.success(request, _("“%(item)s” was restored.") % {"item": obj})
    return redirect("platform:trash")


# --- audit log -------------------------------------------------------------------------


@login_required
@require_GET
def audit_log(request: HtmxHttpRequest) -> HttpResponse:
    """Who changed what, when and through which door; filterable, paginated."""
    policy.require(request.user, "audit.view")
    form = AuditFilterForm(request.GET or None)
    entries = selectors.audit_entries()
    status = 200
    if form.is_bound:
        if form.is_valid():
            entries = selectors.audit_entries(
                model=form.cleaned_data["model"] or None, actor=form.cleaned_data["actor"] or None
            )
        else:
            entries = entries.none()
            status = 422
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page_obj": page, "entries": page.object_list}
    template = "core/partials/audit_table.html" if request.htmx else "core/audit.html"
    return render(request, template, context, status=status)
