"""Customer pages: accounts, contacts, their timelines, activities, my work, merges.

Views parse input, ask the policy, call customers.services and render; reads
come from customers.selectors. Logging an activity, the timeline's "more"
button and ticking off a task answer htmx with a partial; plain posts get a
redirect, so every page also works without JavaScript.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
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
)
from interlock.customers.models import Account, Activity, Contact
from interlock.customers.panels import contact_panels

# The merge pages live in their own module; customers/urls.py finds them here.
from interlock.lists.views import render_list

INVALID = 422
TIMELINE_PAGE = 20


@dataclass(frozen=True)
class _Kind:
    """What differs between the account and the contact pages (the rest is shared)."""

    name: str  # "account" / "contact": context name and URL name stem
    form: type[AccountForm] | type[ContactForm]
    get: Callable[[int], Account | Contact | None]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    initial: Callable[[Any], dict[str, Any]]
    blank: Callable[[HtmxHttpRequest], dict[str, Any]]
    not_found: Any
    created: Any  # "%(name)s" is the new record
    saved: Any


def _account_initial(account: Account) -> dict[str, Any]:
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
    return initial


def _contact_initial(contact: Contact) -> dict[str, Any]:
    initial: dict[str, Any] = {
        name: getattr(contact, name)
        for name in ("first_name", "last_name", "email", "phone", "title", "buying_role")
    }
    initial.update(account=contact.account_id, owner=contact.owner_id)
    return initial


ACCOUNT = _Kind(
    name="account",
    form=AccountForm,
    get=selectors.account_detail,
    create=services.account_create,
    update=lambda *, actor, obj, **kw: services.account_update(actor=actor, account=obj, **kw),
    delete=lambda *, actor, obj: services.account_delete(actor=actor, account=obj),
    initial=_account_initial,
    blank=lambda request: {"lifecycle": "prospect"},
    not_found=gettext_lazy("No such account, or it is in the trash."),
    created=gettext_lazy("The account %(name)s was created."),
    saved=gettext_lazy("The account was saved."),
)
CONTACT = _Kind(
    name="contact",
    form=ContactForm,
    get=selectors.contact_detail,
    create=services.contact_create,
    update=lambda *, actor, obj, **kw: services.contact_update(actor=actor, contact=obj, **kw),
    delete=lambda *, actor, obj: services.contact_delete(actor=actor, contact=obj),
    initial=_contact_initial,
    blank=lambda request: {"account": request.GET.get("account")},
    not_found=gettext_lazy("No such contact, or it is in the trash."),
    created=gettext_lazy("The contact %(name)s was created."),
    saved=gettext_lazy("The contact was saved."),
)


def _record(kind: _Kind, pk: int) -> Any:
    found = kind.get(pk)
    if found is None:
        raise Http404(str(kind.not_found))
    return found


def _account(pk: int) -> Account:
    return cast(Account, _record(ACCOUNT, pk))


def _contact(pk: int) -> Contact:
    return cast(Contact, _record(CONTACT, pk))


# --- lists (filters, columns, saved views, bulk actions and export: interlock.lists) -----


@login_required
@require_GET
def accounts(request: HtmxHttpRequest) -> HttpResponse:
    return render_list(
        request,
        "accounts",
        template="customers/accounts.html",
        rows_template="customers/partials/account_rows.html",
    )


@login_required
@require_GET
def contacts(request: HtmxHttpRequest) -> HttpResponse:
    return render_list(
        request,
        "contacts",
        template="customers/contacts.html",
        rows_template="customers/partials/contact_rows.html",
    )


@login_required
@require_GET
def my_work(request: HtmxHttpRequest) -> HttpResponse:
    return render_list(
        request,
        "tasks",
        template="customers/my_work.html",
        rows_template="customers/partials/task_rows.html",
    )


# --- detail pages and timelines -----------------------------------------------------------


def _timeline_context(request: HtmxHttpRequest, kind: _Kind, record: Any) -> dict[str, Any]:
    """One page of the timeline with what the filter and the "more" button need."""
    kinds = [k for k in request.GET.getlist("kind") if k in timeline.kinds()]
    target = {kind.name: record}
    try:
        page = selectors.timeline(
            **target, kinds=kinds, cursor=request.GET.get("cursor") or None, limit=TIMELINE_PAGE
        )
    except InvalidCursor:  # a hand-edited link: start at the top
        page = selectors.timeline(**target, kinds=kinds, limit=TIMELINE_PAGE)
    more = ""
    if page["next_cursor"]:
        more = urlencode([("cursor", page["next_cursor"]), *[("kind", k) for k in kinds]])
    return {
        "entries": page["items"],
        "more": more,
        "kinds": timeline.kind_choices(),
        "kind_labels": timeline.kind_labels(),
        "chosen_kinds": kinds,
        "endpoint": reverse(f"customers:{kind.name}_timeline", args=[record.pk]),
        "page_url": reverse(f"customers:{kind.name}", args=[record.pk]),
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
        "timeline": _timeline_context(request, ACCOUNT, account),
    }
    return render(request, "customers/account_detail.html", context)


@login_required
@require_GET
def contact_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.view")
    contact = _contact(pk)
    context = {
        "contact": contact,
        "tasks": selectors.open_tasks(contact=contact)[:50],
        "log_form": ActivityForm(),
        "timeline": _timeline_context(request, CONTACT, contact),
        "panels": contact_panels(contact.pk),
    }
    return render(request, "customers/contact_detail.html", context)


def _timeline(request: HtmxHttpRequest, kind: _Kind, pk: int) -> HttpResponse:
    """The timeline entries (one page, optionally of some kinds) as a partial."""
    policy.require(request.user, "customer.view")
    record = _record(kind, pk)
    return render(
        request,
        "customers/partials/timeline_page.html",
        {"timeline": _timeline_context(request, kind, record)},
    )


@login_required
@require_GET
def account_timeline(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _timeline(request, ACCOUNT, pk)


@login_required
@require_GET
def contact_timeline(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _timeline(request, CONTACT, pk)


# --- create, edit, delete -----------------------------------------------------------------


def _form_page(
    request: HtmxHttpRequest, kind: _Kind, form: Any, record: Any, status: int = 200
) -> HttpResponse:
    return render(
        request,
        f"customers/{kind.name}_form.html",
        {"form": form, kind.name: record},
        status=status,
    )


def _save(request: HtmxHttpRequest, kind: _Kind, record: Any) -> HttpResponse:
    """Create (``record`` None) or edit a record from the posted form."""
    policy.require(request.user, "customer.write")
    if request.method != "POST":
        initial = kind.initial(record) if record is not None else kind.blank(request)
        return _form_page(request, kind, kind.form(initial=initial), record)
    form = kind.form(request.POST)
    if form.is_valid():
        fields = form.service_fields()
        allow = form.cleaned_data["allow_duplicate"]
        try:
            if record is None:
                saved = kind.create(actor=request.user, allow_duplicate=allow, **fields)
            else:
                saved = kind.update(actor=request.user, obj=record, allow_duplicate=allow, **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            text = kind.created % {"name": saved} if record is None else str(kind.saved)
            messages.success(request, text)
            return redirect(f"customers:{kind.name}", pk=saved.pk)
    return _form_page(request, kind, form, record, status=INVALID)


def _delete(request: HtmxHttpRequest, kind: _Kind, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.write")
    record = _record(kind, pk)
    kind.delete(actor=request.user, obj=record)
    messages.success(request, _("%(name)s was moved to the trash.") % {"name": record})
    return redirect(f"customers:{kind.name}s")


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "customer.write")
    return _save(request, ACCOUNT, None)


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.write")
    return _save(request, ACCOUNT, _account(pk))


@login_required
@require_POST
def account_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _delete(request, ACCOUNT, pk)


@login_required
@require_http_methods(["GET", "POST"])
def contact_create(request: HtmxHttpRequest) -> HttpResponse:
    policy.require(request.user, "customer.write")
    return _save(request, CONTACT, None)


@login_required
@require_http_methods(["GET", "POST"])
def contact_edit(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "customer.write")
    return _save(request, CONTACT, _contact(pk))


@login_required
@require_POST
def contact_delete(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    return _delete(request, CONTACT, pk)


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
