"""The customer lists (accounts, contacts, my work) as the lists app sees them.

Registered from ``lists/apps.py``; filtering calls customers.selectors, bulk
writes call customers.services, so audit and events happen as usual.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from interlock.customers import selectors, services
from interlock.customers.forms import ListFilterForm
from interlock.customers.models import Account, Activity, Contact
from interlock.lists.registry import Column, ListSpec, display, register

ACCOUNT_SORTS = [
    ("name", _("Name (A–Z)")),
    ("-name", _("Name (Z–A)")),
    ("-created", _("Newest first")),
    ("-updated", _("Recently changed")),
]
CONTACT_SORTS = [
    ("name", _("Last name (A–Z)")),
    ("-name", _("Last name (Z–A)")),
    ("email", _("E-mail")),
    ("-created", _("Newest first")),
]
TASK_SORTS = {
    "due": ("due_at", "id"),
    "-due": ("-due_at", "-id"),
    "subject": ("subject", "id"),
}


def _owner_id(data: dict[str, Any]) -> int | None:
    owner = data.get("owner")
    return owner.pk if owner else None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _when(value: Any) -> str:
    return date_format(localtime(value), "SHORT_DATETIME_FORMAT") if value else ""


# --- accounts -----------------------------------------------------------------------------


def account_filter_form(data: Mapping[str, Any] | None) -> forms.Form:
    return ListFilterForm(data, sorts=ACCOUNT_SORTS)


def account_rows(user: Any, data: dict[str, Any]) -> QuerySet[Account]:
    qs = selectors.accounts(
        query=data.get("q", ""),
        owner=_owner_id(data),
        lifecycle=data.get("lifecycle", ""),
        country=data.get("country", ""),
        industry=data.get("industry", ""),
    )
    keyset = selectors.sort_keyset(selectors.ACCOUNT_SORTS, data.get("sort") or "name")
    return qs.order_by(*keyset.order_by())


def _assign_account(*, actor: Any, obj: Account, owner: Any) -> None:
    services.account_update(actor=actor, account=obj, owner=owner)


def _trash_account(*, actor: Any, obj: Account) -> None:
    services.account_delete(actor=actor, account=obj)


ACCOUNTS = ListSpec(
    key="accounts",
    label=_("Accounts"),
    model=Account,
    url_name="customers:accounts",
    view_rule="customer.view",
    write_rule="customer.write",
    form=account_filter_form,
    rows=account_rows,
    columns=(
        Column("name", _("Name"), lambda a: a.name, link=True),
        Column("domain", _("Domain"), lambda a: a.domain),
        Column("industry", _("Industry"), lambda a: a.industry),
        Column(
            "country",
            _("Country"),
            display("country", lambda a: a.country.name if a.country else ""),
        ),
        Column("lifecycle", _("Lifecycle"), display("lifecycle")),
        Column("owner", _("Owner"), lambda a: _text(a.owner)),
        Column("size", _("Size"), display("size"), default=False),
        Column("region", _("Region"), lambda a: a.region, default=False),
        Column("created", _("Created"), lambda a: _when(a.created_at), default=False),
        Column("id", _("Id"), lambda a: a.pk, default=False),
    ),
    detail_url=lambda a: reverse("customers:account", args=[a.pk]),
    assign=_assign_account,
    trash=_trash_account,
    empty_text=_("No accounts match."),
)


# --- contacts -----------------------------------------------------------------------------


def contact_filter_form(data: Mapping[str, Any] | None) -> forms.Form:
    return ListFilterForm(data, sorts=CONTACT_SORTS)


def contact_rows(user: Any, data: dict[str, Any]) -> QuerySet[Contact]:
    qs = selectors.contacts(
        query=data.get("q", ""),
        owner=_owner_id(data),
        country=data.get("country", ""),
        industry=data.get("industry", ""),
    )
    keyset = selectors.sort_keyset(selectors.CONTACT_SORTS, data.get("sort") or "name")
    return qs.order_by(*keyset.order_by())


def _assign_contact(*, actor: Any, obj: Contact, owner: Any) -> None:
    services.contact_update(actor=actor, contact=obj, owner=owner)


def _trash_contact(*, actor: Any, obj: Contact) -> None:
    services.contact_delete(actor=actor, contact=obj)


CONTACTS = ListSpec(
    key="contacts",
    label=_("Contacts"),
    model=Contact,
    url_name="customers:contacts",
    view_rule="customer.view",
    write_rule="customer.write",
    form=contact_filter_form,
    rows=contact_rows,
    columns=(
        Column("name", _("Name"), lambda c: str(c), link=True),
        Column("email", _("E-mail"), lambda c: c.email),
        Column("phone", _("Phone"), lambda c: c.phone),
        Column("account", _("Account"), lambda c: _text(c.account)),
        Column("title", _("Job title"), lambda c: c.title),
        Column("owner", _("Owner"), lambda c: _text(c.owner), default=False),
        Column("role", _("Role"), display("buying_role"), default=False),
        Column("created", _("Created"), lambda c: _when(c.created_at), default=False),
        Column("id", _("Id"), lambda c: c.pk, default=False),
    ),
    detail_url=lambda c: reverse("customers:contact", args=[c.pk]),
    assign=_assign_contact,
    trash=_trash_contact,
    empty_text=_("No contacts match."),
)


# --- my work (open tasks) -----------------------------------------------------------------


class TaskFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("due", _("Soonest due first")),
            ("-due", _("Latest due first")),
            ("subject", _("Subject (A–Z)")),
        ],
    )

    def clean_q(self) -> str:
        return str(self.cleaned_data.get("q") or "").replace("\x00", "").strip()


def task_rows(user: Any, data: dict[str, Any]) -> QuerySet[Activity]:
    qs = selectors.my_tasks(user)
    if data.get("q"):
        qs = qs.filter(subject__icontains=data["q"])
    return qs.order_by(*TASK_SORTS.get(data.get("sort") or "due", TASK_SORTS["due"]))


def _task_url(task: Activity) -> str:
    if task.account_id:
        return reverse("customers:account", args=[task.account_id])
    if task.contact_id:
        return reverse("customers:contact", args=[task.contact_id])
    return reverse("customers:my_work")


def _assign_task(*, actor: Any, obj: Activity, owner: Any) -> None:
    services.task_assign(actor=actor, task=obj, assignee=owner)


def _trash_task(*, actor: Any, obj: Activity) -> None:
    services.activity_delete(actor=actor, activity=obj)


TASKS = ListSpec(
    key="tasks",
    label=_("My work"),
    model=Activity,
    url_name="customers:my_work",
    view_rule="customer.view",
    write_rule="customer.write",
    form=lambda data: TaskFilterForm(data),
    rows=task_rows,
    columns=(
        Column("subject", _("Task"), lambda t: t.subject, link=True),
        Column("due", _("Due"), lambda t: _when(t.due_at)),
        Column("record", _("Record"), lambda t: _text(t.account or t.contact)),
        Column("assignee", _("Assignee"), lambda t: _text(t.assignee), default=False),
        Column("details", _("Details"), lambda t: t.body, default=False),
        Column("id", _("Id"), lambda t: t.pk, default=False),
    ),
    detail_url=_task_url,
    assign=_assign_task,  # hands the tasks to another person
    trash=_trash_task,
    empty_text=_("No open tasks."),
    row_template="customers/partials/task_done_cell.html",
)


def register_all() -> None:
    for spec in (ACCOUNTS, CONTACTS, TASKS):
        register(spec)
