"""Pages of notifications: the inbox, reading one, and the e-mail setting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.notify import selectors, services
from interlock.notify.forms import PreferenceForm
from interlock.notify.models import Notification

PAGE_SIZE = 50


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The person's own notifications, newest first; unread ones stand out."""
    policy.require(request.user, "notification.view")
    only_unread = request.GET.get("unread") == "1"
    rows = selectors.notifications_of(request.user, unread=True if only_unread else None)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notify/inbox.html",
        {
            "page_obj": page,
            "only_unread": only_unread,
            "unread": selectors.unread_count(request.user),
        },
    )


@login_required
@require_POST
def read(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one read and go where it points (only a link on this site)."""
    policy.require(request.user, "notification.view")
    notification = get_object_or_404(Notification, pk=pk)
    services.notification_read(user=request.user, notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("notify:inbox")


@login_required
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "notification.view")
    count = services.notifications_read_all(user=request.user)
    messages.success(request, _("%(count)d notifications marked read.") % {"count": count})
    return redirect("notify:inbox")


@login_required
@require_http_methods(["GET", "POST"])
def settings_page(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "notification.view")
    pref = selectors.preference_of(request.user)
    initial = {"email": pref.email, "digest_hour": pref.digest_hour}
    form = PreferenceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.preference_set(
                user=request.user,
                email=form.cleaned_data["email"],
                digest_hour=form.cleaned_data["digest_hour"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Your notification setting is saved."))
            return redirect("notify:settings")
    status = 422 if request.method == "POST" else 200
    return render(request, "notify/settings.html", {"form": form}, status=status)
