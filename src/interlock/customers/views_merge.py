"""Merge pages: preview what a merge moves, then merge another record into this one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.views import HtmxHttpRequest
from interlock.customers import selectors, services
from interlock.customers.forms import MergeForm
from interlock.customers.models import Account, Contact

INVALID = 422


def _account(pk: int) -> Account:
    from interlock.customers.views import _account as account

    return account(pk)


def _contact(pk: int) -> Contact:
    from interlock.customers.views import _contact as contact

    return contact(pk)


# --- merge --------------------------------------------------------------------------------


def _merge(request: HtmxHttpRequest, survivor: Account | Contact) -> HttpResponse:
    policy.require(request.user, "customer.merge")
    model = type(survivor)
    is_account = model is Account
    form = MergeForm(request.POST if request.method == "POST" else (request.GET or None))
    other = None
    if form.is_bound and form.is_valid():
        other = model.objects.filter(pk=form.cleaned_data["other"]).first()
        if other is None:
            form.add_error("other", _("There is no such record, or it is in the trash."))
        elif other.pk == survivor.pk:
            form.add_error("other", _("A record cannot be merged with itself."))
    confirmed = request.method == "POST" and bool(
        form.is_bound and not form.errors and form.cleaned_data.get("confirm")
    )
    if confirmed and other is not None and not form.errors:
        try:
            if isinstance(survivor, Account):
                assert isinstance(other, Account)
                services.account_merge(actor=request.user, survivor=survivor, other=other)
            else:
                assert isinstance(other, Contact)
                services.contact_merge(actor=request.user, survivor=survivor, other=other)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("%(other)s was merged into this record.") % {"other": other}
            )
            view = "customers:account" if is_account else "customers:contact"
            return redirect(view, pk=survivor.pk)
    if isinstance(survivor, Account):
        suggestions: Any = (
            selectors.account_duplicates(survivor.domain).exclude(pk=survivor.pk)[:10]
            if survivor.domain
            else Account.objects.filter(name__iexact=survivor.name).exclude(pk=survivor.pk)[:10]
        )
    else:
        suggestions = (
            selectors.contact_duplicates(survivor.email).exclude(pk=survivor.pk)[:10]
            if survivor.email
            else Contact.objects.filter(
                last_name__iexact=survivor.last_name, first_name__iexact=survivor.first_name
            ).exclude(pk=survivor.pk)[:10]
        )
    context = {
        "survivor": survivor,
        "other": other if not form.errors else None,
        "preview": selectors.merge_preview(other) if other is not None and not form.errors else {},
        "form": form,
        "suggestions": suggestions,
        "is_account": is_account,
        "merge_url": "customers:account_merge" if is_account else "customers:contact_merge",
    }
    return render(request, "customers/merge.html", context, status=INVALID if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def account_merge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _merge(request, _account(pk))


@login_required
@require_http_methods(["GET", "POST"])
def contact_merge(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _merge(request, _contact(pk))
