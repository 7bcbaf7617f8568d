"""Customer pages: accounts, contacts, their timelines, activities, my work, merges.

Views parse input, ask the policy, call customers.services and render; reads
come from customers.selectors. Logging an activity, the timeline's "more"
button and ticking off a task answer htmx with a partial; plain posts get a
redirect, so every page also works without JavaScript.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.forms import add_service_errors
from interlock.core.pagination import InvalidCursor
from interlock.core.views import HtmxHttpRequest
from interlock.customers import selectors, services, timeline
from interlock.customers.forms import (
    AccountForm,
    ActivityForm,
    ContactForm,
    ListFilterForm,
    MergeForm,
)
from interlock.customers.models import Account, Activity, Contact

INVALID = 422
PAGE_SIZE = 50
TIMELINE_PAGE = 20
ACCOUNT_SORTS = [
    ("name", gettext_lazy("Name (A–Z)")),
    ("-name", gettext_lazy("Name (Z–A)")),
    ("-created", gettext_lazy("Newest first")),
    ("-updated", gettext_lazy("Recently changed")),
]
CONTACT_SORTS = [
    ("name", gettext_lazy("Last name (A–Z)")),
    ("-name", gettext_lazy("Last name (Z–A)")),
    ("email", gettext_lazy("E-mail")),
    ("-created", gettext_lazy("Newest first")),
]


def _account(pk: int) -> Account:
    account = selectors.account_detail(pk)
    if account is None:
        raise Http404(_("No such account, or it is in the trash."))
    return account


def _contact(pk: int) -> Contact:
    contact = selectors.contact_detail(pk)
    if contact is None:
        raise Http404(_("No such contact, or it is in the trash."))
    return contact


def _list_page(
    request: HtmxHttpRequest, qs: Any, sorts: dict[str, tuple[str, ...]], sort: str
) -> Any:
    keyset = selectors.sort_keyset(sorts, sort or "name")
    paginator = Paginator(qs.order_by(*keyset.order_by()), PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


# --- accounts -----------------------------------------------------------------------------


@login_required
@require_GET
def accounts(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "customer.view")
    form = ListFilterForm(request.GET or None, sorts=ACCOUNT_SORTS)
    data = form.cleaned_data if form.is_valid() else {}
    owner = data.get("owner")
    qs = selectors.accounts(
        query=data.get("q", ""),
        owner=owner.pk if owner else None,
        lifecycle=data.get("lifecycle", ""),
        country=data.get("country", ""),
        industry=data.get("industry", ""),
    )
    page = _list_page(request, qs, selectors.ACCOUNT_SORTS, data.get("sort", ""))
    context = {"form": form, "page_obj": page, "accounts": page.object_list}
    template = "customers/partials/account_rows.html" if request.htmx else "customers/accounts.html"
    return render(request, template, context)


def _timeline_context(
    request: HtmxHttpRequest, *, account: Account | None = None, contact: Contact | None = None
) -> dict[str, Any]:
    """One page of the timeline with what the filter and the "more" button need."""
    kinds = [k for k in request.GET.getlist("kind") if k in timeline.kinds()]
    try:
        page = selectors.timeline(
            account=account,
            contact=contact,
            kinds=kinds,
            cursor=request.GET.get("cursor") or None,
            limit=TIMELINE_PAGE,
        )
    except InvalidCursor:  # a hand-edited link: start at the top
        page = selectors.timeline(
            account=account, contact=contact, kinds=kinds, limit=TIMELINE_PAGE
        )
    if account is not None:
        endpoint = reverse("customers:account_timeline", args=[account.pk])
        page_url = reverse("customers:account", args=[account.pk])
    else:
        assert contact is not None
        endpoint = reverse("customers:contact_timeline", args=[contact.pk])
        page_url = reverse("customers:contact", args=[contact.pk])
    more = ""
    if page["next_cursor"]:
        more = urlencode([("cursor", page["next_cursor"]), *[("kind", k) for k in kinds]])
    return {
        "entries": page["items"],
        "more": more,
        "kinds": timeline.kinds(),
        "chosen_kinds": kinds,
        "endpoint": endpoint,
        "page_url": page_url,
    }


@login_required
@require_GET
def account_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.view")
    account = _account(pk)
    context = {
        "account": account,
        "contacts": selectors.contacts(account=account.pk).order_by("last_name", "first_name")[
            :100
        ],
        "tasks": selectors.open_tasks(account=account)[:50],
        "log_form": ActivityForm(),
        "timeline": _timeline_context(request, account=account),
    }
    return render(request, "customers/account_detail.html", context)


@login_required
@require_GET
def account_timeline(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    """The timeline entries (one page, optionally of some kinds) as a partial."""
    policy.require(request.user, "customer.view")
    account = _account(pk)
    return render(
        request,
        "customers/partials/timeline_page.html",
        {"timeline": _timeline_context(request, account=account)},
    )


def _account_form_page(
    request: HtmxHttpRequest, form: AccountForm, account: Account | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "customers/account_form.html", {"form": form, "account": account}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "customer.write")
    if request.method != "POST":
        return _account_form_page(request, AccountForm(initial={"lifecycle": "prospect"}), None)
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            account = services.account_create(
                actor=request.user,
                allow_duplicate=form.cleaned_data["allow_duplicate"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The account %(name)s was created.") % {"name": account})
            return redirect("customers:account", pk=account.pk)
    return _account_form_page(request, form, None, status=INVALID)


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.write")
    account = _account(pk)
    if request.method != "POST":
        initial = {
            name: getattr(account, name)
            for name in ("name", "domain", "industry", "size", "revenue_band", "state", "region")
        }
        initial.update(
            country=getattr(account.country, "code", "") or "",
            lifecycle=account.lifecycle,
            owner=account.owner_id,
            parent=account.parent_id,
        )
        return _account_form_page(request, AccountForm(initial=initial), account)
    form = AccountForm(request.POST)
    if form.is_valid():
        try:
            services.account_update(
                actor=request.user,
                account=account,
                allow_duplicate=form.cleaned_data["allow_duplicate"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The account was saved."))
            return redirect("customers:account", pk=account.pk)
    return _account_form_page(request, form, account, status=INVALID)


@login_required
@require_POST
def account_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.write")
    account = _account(pk)
    services.account_delete(actor=request.user, account=account)
    messages.success(request, _("%(name)s was moved to the trash.") % {"name": account})
    return redirect("customers:accounts")


# --- contacts -----------------------------------------------------------------------------


@login_required
@require_GET
def contacts(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "customer.view")
    form = ListFilterForm(request.GET or None, sorts=CONTACT_SORTS)
    data = form.cleaned_data if form.is_valid() else {}
    owner = data.get("owner")
    qs = selectors.contacts(
        query=data.get("q", ""),
        owner=owner.pk if owner else None,
        country=data.get("country", ""),
        industry=data.get("industry", ""),
    )
    page = _list_page(request, qs, selectors.CONTACT_SORTS, data.get("sort", ""))
    context = {"form": form, "page_obj": page, "contacts": page.object_list}
    template = "customers/partials/contact_rows.html" if request.htmx else "customers/contacts.html"
    return render(request, template, context)


@login_required
@require_GET
def contact_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.view")
    contact = _contact(pk)
    context = {
        "contact": contact,
        "tasks": selectors.open_tasks(contact=contact)[:50],
        "log_form": ActivityForm(),
        "timeline": _timeline_context(request, contact=contact),
    }
    return render(request, "customers/contact_detail.html", context)


@login_required
@require_GET
def contact_timeline(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.view")
    contact = _contact(pk)
    return render(
        request,
        "customers/partials/timeline_page.html",
        {"timeline": _timeline_context(request, contact=contact)},
    )


def _contact_form_page(
    request: HtmxHttpRequest, form: ContactForm, contact: Contact | None, status: int = 200
) -> HttpResponse:
    return render(
        request, "customers/contact_form.html", {"form": form, "contact": contact}, status=status
    )


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "customer.write")
    if request.method != "POST":
        return _contact_form_page(
            request, ContactForm(initial={"account": request.GET.get("account")}), None
        )
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            contact = services.contact_create(
                actor=request.user,
                allow_duplicate=form.cleaned_data["allow_duplicate"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact %(name)s was created.") % {"name": contact})
            return redirect("customers:contact", pk=contact.pk)
    return _contact_form_page(request, form, None, status=INVALID)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.write")
    contact = _contact(pk)
    if request.method != "POST":
        initial = {
            name: getattr(contact, name)
            for name in ("first_name", "last_name", "email", "phone", "title", "buying_role")
        }
        initial.update(account=contact.account_id, owner=contact.owner_id)
        return _contact_form_page(request, ContactForm(initial=initial), contact)
    form = ContactForm(request.POST)
    if form.is_valid():
        try:
            services.contact_update(
                actor=request.user,
                contact=contact,
                allow_duplicate=form.cleaned_data["allow_duplicate"],
                **form.service_fields(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact was saved."))
            return redirect("customers:contact", pk=contact.pk)
    return _contact_form_page(request, form, contact, status=INVALID)


@login_required
@require_POST
def contact_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.write")
    contact = _contact(pk)
    services.contact_delete(actor=request.user, contact=contact)
    messages.success(request, _("%(name)s was moved to the trash.") % {"name": contact})
    return redirect("customers:contacts")


# --- logging activities -------------------------------------------------------------------


def _log(
    request: HtmxHttpRequest, *, account: Account | None, contact: Contact | None
) -> HttpResponse:
    policy.require(request.user, "customer.write")
    form = ActivityForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["kind"] == Activity.Kind.TASK:
                services.task_create(
                    actor=request.user,
                    subject=data["subject"],
                    body=data["body"],
                    due_at=data["due_at"],
                    assignee=data["assignee"],
                    account=account,
                    contact=contact,
                )
            else:
                services.activity_log(
                    actor=request.user,
                    kind=data["kind"],
                    subject=data["subject"],
                    body=data["body"],
                    occurred_at=data["occurred_at"],
                    account=account,
                    contact=contact,
                )
        except ValidationError as exc:
            add_service_errors(form, exc)
    target = account or contact
    assert target is not None
    url_name = "customers:account_log" if account is not None else "customers:contact_log"
    if not form.errors:
        messages.success(request, _("Saved. It appears on the timeline in a moment."))
        if not request.htmx:
            view = "customers:account" if account is not None else "customers:contact"
            return redirect(view, pk=target.pk)
        form = ActivityForm()
    elif not request.htmx:
        messages.error(request, _("Nothing was saved: %(errors)s") % {"errors": _errors(form)})
        view = "customers:account" if account is not None else "customers:contact"
        return redirect(view, pk=target.pk)
    response = render(
        request,
        "customers/partials/log_form.html",
        {"log_form": form, "log_action": url_name, "target": target},
        status=200 if not form.errors else INVALID,
    )
    if not form.errors:
        response["HX-Trigger"] = "timeline-changed"
    return response


def _errors(form: ActivityForm) -> str:
    return "; ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def account_log(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _log(request, account=_account(pk), contact=None)


@login_required
@require_POST
def contact_log(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    contact = _contact(pk)
    return _log(request, account=None, contact=contact)


# --- my work ------------------------------------------------------------------------------


@login_required
@require_GET
def my_work(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "customer.view")
    tasks = selectors.my_tasks(request.user)[:200]
    return render(request, "customers/my_work.html", {"tasks": tasks})


@login_required
@require_POST
def task_done(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.write")
    task = selectors.activities().filter(pk=pk, kind=Activity.Kind.TASK).first()
    if task is None:
        raise Http404(_("No such task."))
    services.task_complete(actor=request.user, task=task)
    messages.success(request, _("Done: %(task)s") % {"task": task.subject})
    if request.htmx:
        return render(request, "partials/messages_oob.html")
    return redirect("customers:my_work")


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
