"""The deal list as the lists app sees it (registered from ``lists/apps.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from interlock.lists.registry import Column, ListSpec, register
from interlock.sales import selectors, services
from interlock.sales.models import Deal

DEAL_SORT_CHOICES = [
    ("-created", _("Newest")),
    ("title", _("Title")),
    ("-amount", _("Largest amount")),
    ("close", _("Expected close")),
]
DEAL_STATUSES = [("", _("All")), ("open", _("Open")), ("won", _("Won")), ("lost", _("Lost"))]


class DealFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    status = forms.ChoiceField(label=_("Status"), choices=DEAL_STATUSES, required=False)
    sort = forms.ChoiceField(label=_("Sort by"), choices=DEAL_SORT_CHOICES, required=False)

    def clean_q(self) -> str:
        return str(self.cleaned_data.get("q") or "").replace("\x00", "").strip()


def deal_filter_form(data: Mapping[str, Any] | None) -> forms.Form:
    return DealFilterForm(data)


def deal_rows(user: Any, data: dict[str, Any]) -> QuerySet[Deal]:
    sort = data.get("sort") or "-created"
    if sort not in selectors.DEAL_SORTS:
        sort = "-created"
    qs = selectors.deals_listing(query=data.get("q", ""), status=data.get("status", ""))
    return qs.order_by(*selectors.DEAL_SORTS[sort])


def _assign(*, actor: Any, obj: Deal, owner: Any) -> None:
    services.deal_update(actor=actor, deal=obj, owner=owner)


def _trash(*, actor: Any, obj: Deal) -> None:
    services.deal_delete(actor=actor, deal=obj)


def _close(deal: Deal) -> str:
    return (
        date_format(deal.expected_close_date, "SHORT_DATE_FORMAT")
        if deal.expected_close_date
        else ""
    )


DEALS = ListSpec(
    key="deals",
    label=_("Deals"),
    model=Deal,
    url_name="sales:deals",
    view_rule="sales.view",
    write_rule="sales.write",
    form=deal_filter_form,
    rows=deal_rows,
    columns=(
        Column("title", _("Deal"), lambda d: d.title, link=True),
        Column("account", _("Account"), lambda d: d.account.name),
        Column("stage", _("Stage"), lambda d: d.stage.name),
        Column(
            "amount",
            _("Amount"),
            lambda d: f"{number_format(d.amount, 2, force_grouping=True)} {d.currency}",
        ),
        Column("close", _("Expected close"), _close),
        Column("owner", _("Owner"), lambda d: str(d.owner) if d.owner else ""),
        Column("pipeline", _("Pipeline"), lambda d: d.pipeline.name, default=False),
        Column("contact", _("Contact"), lambda d: str(d.contact or ""), default=False),
        Column("id", _("Id"), lambda d: d.pk, default=False),
    ),
    detail_url=lambda d: reverse("sales:deal", args=[d.pk]),
    assign=_assign,
    trash=_trash,
    empty_text=_("No deals match."),
)


def register_all() -> None:
    register(DEALS)
