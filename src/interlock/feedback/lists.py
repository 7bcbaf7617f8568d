"""Complaints and ideas as the lists app sees them (registered from ``lists/apps.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, time, timedelta
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from interlock.feedback import selectors, services
from interlock.feedback.forms import ComplaintFilterForm, IdeaFilterForm
from interlock.feedback.models import Complaint, Idea
from interlock.lists.registry import Column, ListSpec, display, register


def _day_start(day: Any) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def complaint_filters(d: dict[str, Any]) -> selectors.ComplaintFilters:
    """The selector's filters from the cleaned filter form (empty dict: no filter)."""
    status = d.get("status") or ""
    created_to = d.get("created_to")
    return selectors.ComplaintFilters(
        status=status if status not in ("", "open") else None,
        open_only=status == "open",
        severity=d.get("severity") or None,
        category=d["category"].pk if d.get("category") else None,
        owner=d["owner"].pk if d.get("owner") else None,
        account=d.get("account"),
        created_from=_day_start(d["created_from"]) if d.get("created_from") else None,
        created_to=_day_start(created_to + timedelta(days=1)) if created_to else None,
        q=d.get("q") or "",
    )


def complaint_rows(user: Any, data: dict[str, Any]) -> QuerySet[Complaint]:
    return selectors.complaint_list(complaint_filters(data), data.get("sort") or "-created")


def _assign_complaint(*, actor: Any, obj: Complaint, owner: Any) -> None:
    services.complaint_update(actor=actor, complaint=obj, owner=owner)


def _trash_complaint(*, actor: Any, obj: Complaint) -> None:
    services.complaint_delete(actor=actor, complaint=obj)


def _date(value: Any) -> str:
    return date_format(timezone.localtime(value), "SHORT_DATE_FORMAT") if value else ""


COMPLAINTS = ListSpec(
    key="complaints",
    label=_("Complaints"),
    model=Complaint,
    url_name="feedback:complaints",
    view_rule="feedback.view",
    write_rule="feedback.write",
    form=lambda data: ComplaintFilterForm(data),
    rows=complaint_rows,
    columns=(
        Column("title", _("Complaint"), lambda c: c.title, link=True),
        Column("account", _("Account"), lambda c: str(c.account)),
        Column("severity", _("Severity"), display("severity")),
        Column("status", _("Status"), display("status")),
        Column("owner", _("Owner"), lambda c: str(c.owner) if c.owner else ""),
        Column("received", _("Received"), lambda c: _date(c.created_at)),
        Column("category", _("Category"), lambda c: str(c.category), default=False),
        Column("channel", _("Channel"), display("channel"), default=False),
        Column("contact", _("Contact"), lambda c: str(c.contact or ""), default=False),
        Column("id", _("Id"), lambda c: c.pk, default=False),
    ),
    detail_url=lambda c: reverse("feedback:complaint", args=[c.pk]),
    assign=_assign_complaint,
    trash=_trash_complaint,
    empty_text=_("No complaints match."),
    strict=True,
)


def idea_rows(user: Any, data: dict[str, Any]) -> QuerySet[Idea]:
    return selectors.idea_list(
        status=data.get("status") or None, q=data.get("q") or "", sort=data.get("sort") or "votes"
    )


def _trash_idea(*, actor: Any, obj: Idea) -> None:
    services.idea_delete(actor=actor, idea=obj)


def idea_filter_form(data: Mapping[str, Any] | None) -> forms.Form:
    return IdeaFilterForm(data)


IDEAS = ListSpec(
    key="ideas",
    label=_("Ideas"),
    model=Idea,
    url_name="feedback:ideas",
    view_rule="feedback.view",
    write_rule="feedback.write",
    form=idea_filter_form,
    rows=idea_rows,
    columns=(
        Column("title", _("Idea"), lambda i: i.title, link=True),
        Column("status", _("Status"), display("status")),
        Column("votes", _("Votes"), lambda i: i.vote_count),
        Column("asked", _("Customers who asked"), lambda i: i.request_count),
        Column(
            "revenue",
            _("Won revenue of those customers"),
            lambda i: number_format(i.asked_revenue, 2, force_grouping=True),
        ),
        Column("source", _("Suggested by"), display("source"), default=False),
        Column("created", _("Created"), lambda i: _date(i.created_at), default=False),
        Column("id", _("Id"), lambda i: i.pk, default=False),
    ),
    detail_url=lambda i: reverse("feedback:idea", args=[i.pk]),
    # Ideas have no owner, so only tags and trash are offered in bulk.
    assign=None,
    trash=_trash_idea,
    empty_text=_("No ideas match."),
    strict=True,
)


def register_all() -> None:
    for spec in (COMPLAINTS, IDEAS):
        register(spec)
