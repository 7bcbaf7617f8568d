"""Shared pieces of the six list pages, and the lists app's own pages.

``render_list`` is what each app's list view calls: it checks the policy,
binds the list's filter form, filters (tag included), sorts, pages, picks the
columns and renders the page (or, for htmx, only its rows). Bulk actions,
saved views and export are plain form posts and links, so they work without
JavaScript; the action bar asks for confirmation on a page of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from interlock.core import policy
from interlock.lists import export, registry, selectors, services
from interlock.lists.forms import BulkForm, SavedViewForm, ShareForm, teams_for
from interlock.lists.models import SavedView
from interlock.lists.registry import ListSpec

PAGE_SIZE = 50
INVALID = 422


@dataclass
class ListState:
    """A list as the query asks for it: filters, tag, sort and columns."""

    form: Any
    data: dict[str, Any]
    valid: bool
    tag: str
    columns: list[registry.Column]
    query: str  # filters, tag, sort and columns as a query string (no page)

    @property
    def column_keys(self) -> list[str]:
        return [c.key for c in self.columns]


def list_state(spec: ListSpec, params: QueryDict) -> ListState:
    filters = {k: v for k, v in params.lists() if k not in ("page", "cols", "format")}
    form = spec.form(params if filters else None)
    valid = True
    data: dict[str, Any] = {}
    if form.is_bound:
        valid = form.is_valid()
        if valid:
            data = dict(form.cleaned_data)
        elif not spec.strict:  # keep the fields that are fine, ignore the rest
            data = {k: v for k, v in form.cleaned_data.items() if k not in form.errors}
    tag = str(params.get("tag", "")).replace("\x00", "").strip()[:50]
    columns = spec.chosen_columns(params.getlist("cols"))
    kept = [(k, v) for k, values in params.lists() if k not in ("page", "format") for v in values]
    return ListState(form, data, valid, tag, columns, urlencode(kept))


def list_rows(user: Any, spec: ListSpec, state: ListState) -> QuerySet[Any]:
    if not state.valid and spec.strict:
        return spec.model._default_manager.none()
    qs = spec.rows(user, state.data)
    if state.tag:
        qs = selectors.with_tag(qs, state.tag)
    return qs


def _users() -> QuerySet[Any]:
    return get_user_model().objects.filter(is_active=True).order_by("last_name", "first_name")


def render_list(
    request: HttpRequest,
    key: str,
    *,
    template: str,
    rows_template: str,
    extra: dict[str, Any] | None = None,
) -> HttpResponse:
    """The list page ``key`` (or only its rows for htmx), as the query asks."""
    spec = registry.get(key)
    policy.require(request.user, spec.view_rule)
    state = list_state(spec, request.GET)
    page = Paginator(list_rows(request.user, spec, state), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    objects = list(page.object_list)
    tags = selectors.tags_of(spec.model, [o.pk for o in objects]) if spec.taggable else {}
    rows = [
        {
            "obj": obj,
            "url": spec.detail_url(obj),
            "cells": [(c, c.value(obj)) for c in state.columns],
            "tags": tags.get(obj.pk, []),
        }
        for obj in objects
    ]
    may_write = policy.can(request.user, spec.write_rule)
    chosen = set(state.column_keys)
    context = {
        "spec": spec,
        "form": state.form,
        "page_obj": page,
        "rows": rows,
        "objects": objects,
        "columns": state.columns,
        "column_choices": [(c, c.key in chosen) for c in spec.columns],
        "tag": state.tag,
        "all_tags": selectors.tags()[:200] if spec.taggable else [],
        "list_query": state.query,
        "list_path": request.path,
        "saved_views": list(selectors.visible_views(request.user, spec.key)),
        "may_write": may_write,
        "actions": spec.actions if may_write else (),
        "users": _users() if may_write and spec.assign else [],
        "teams": teams_for(request.user) if may_write else [],
        "row_template": spec.row_template if may_write else "",
        **(extra or {}),
    }
    status = 200 if state.valid or not spec.strict else INVALID
    chosen_template = rows_template if getattr(request, "htmx", False) else template
    return render(request, chosen_template, context, status=status)


def _back(request: HttpRequest, spec: ListSpec) -> str:
    """Where to return after a post: the list as it was shown (same site only)."""
    target = str(request.POST.get("next", ""))
    if (
        target
        and url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and target.startswith(spec.url())
    ):
        return target
    return spec.url()


def _error_text(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- bulk actions ---------------------------------------------------------------------------


def _done_message(action: str, count: int, form: BulkForm) -> str:
    owner = form.cleaned_data.get("owner")
    values = {"n": count, "owner": str(owner or ""), "tag": form.cleaned_data.get("tag", "")}
    texts = {
        registry.ASSIGN: _("%(n)d rows now have the owner %(owner)s."),
        registry.ADD_TAG: _("%(n)d rows were tagged “%(tag)s”."),
        registry.REMOVE_TAG: _("The tag “%(tag)s” was taken off %(n)d rows."),
        registry.TRASH: _(
            "%(n)d rows were moved to the trash. An admin can restore them for 30 days."
        ),
    }
    return texts[action] % values


@login_required
@require_POST
def bulk(request: HttpRequest, key: str) -> HttpResponse:
    """Ask for confirmation, then (``confirm=1``) run the bulk action and go back."""
    spec = registry.get(key)
    policy.require(request.user, spec.write_rule)
    form = BulkForm(request.POST, spec=spec)
    back = _back(request, spec)
    if not form.is_valid():
        context = {"spec": spec, "form": form, "back": back, "count": 0}
        return render(request, "lists/bulk_confirm.html", context, status=INVALID)
    data = form.cleaned_data
    if not data["confirm"]:
        context = {"spec": spec, "form": form, "back": back, "count": len(data["ids"])}
        return render(request, "lists/bulk_confirm.html", context)
    try:
        count = services.bulk_run(
            actor=request.user,
            list_key=spec.key,
            action=data["action"],
            ids=data["ids"],
            owner=data.get("owner"),
            tag=data.get("tag", ""),
        )
    except ValidationError as exc:
        messages.error(request, _("Nothing was changed: %(why)s") % {"why": _error_text(exc)})
    except PermissionDenied:
        messages.error(
            request, _("Nothing was changed: you may not change some of the chosen rows.")
        )
    else:
        messages.success(request, _done_message(data["action"], count, form))
    return redirect(back)


# --- export ---------------------------------------------------------------------------------


@login_required
@require_GET
def export_view(request: HttpRequest, key: str) -> HttpResponseBase:
    spec = registry.get(key)
    policy.require(request.user, spec.view_rule)
    kind = request.GET.get("format", "csv")
    state = list_state(spec, request.GET)
    if kind not in export.FORMATS or (spec.strict and not state.valid):
        message = (
            _("Choose CSV or XLSX.")
            if kind not in export.FORMATS
            else _("Some filters are not valid; correct them on the list, then export again.")
        )
        return render(
            request,
            "lists/export_error.html",
            {"spec": spec, "message": message, "back": f"{spec.url()}?{state.query}"},
            status=INVALID,
        )
    return export.response(spec, list_rows(request.user, spec, state), state.columns, kind)


# --- saved views ----------------------------------------------------------------------------


def _visible(request: HttpRequest, pk: int, *, rule: str = "view_rule") -> SavedView:
    """The saved view ``pk`` if the user may see it (and use the list's ``rule``)."""
    view = SavedView.objects.filter(pk=pk).first()
    if view is None:
        raise Http404(_("No such saved view."))
    policy.require(request.user, getattr(registry.get(view.list_key), rule))
    if not selectors.visible_views(request.user).filter(pk=pk).exists():
        raise Http404(_("No such saved view."))
    return view


@login_required
@require_POST
def view_save(request: HttpRequest, key: str) -> HttpResponse:
    """Save the current filters, sort and columns under a name (same name: replace)."""
    spec = registry.get(key)
    policy.require(request.user, spec.write_rule)
    form = SavedViewForm(request.POST, user=request.user)
    back = _back(request, spec)
    if not form.is_valid():
        messages.error(request, _("The view was not saved: %(why)s") % {"why": form.error_text()})
        return redirect(back)
    data = form.cleaned_data
    params = QueryDict(data["query"])
    existing = SavedView.objects.filter(
        owner_id=request.user.pk, list_key=spec.key, name__iexact=data["name"].strip()
    ).first()
    try:
        if existing is not None:
            view = services.saved_view_update(
                actor=request.user,
                view=existing,
                query=data["query"],
                columns=params.getlist("cols"),
                team=data["team"],
            )
        else:
            view = services.saved_view_create(
                actor=request.user,
                list_key=spec.key,
                name=data["name"],
                query=data["query"],
                columns=params.getlist("cols"),
                team=data["team"],
            )
    except ValidationError as exc:
        messages.error(request, _("The view was not saved: %(why)s") % {"why": _error_text(exc)})
        return redirect(back)
    messages.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
    return redirect(view_url(view))


def view_url(view: SavedView) -> str:
    """The list page showing ``view``."""
    spec = registry.get(view.list_key)
    params = [*QueryDict(view.query).lists()]
    pairs = [(k, v) for k, values in params for v in values]
    pairs += [("cols", c) for c in view.columns]
    return f"{spec.url()}?{urlencode(pairs)}"


@login_required
@require_GET
def view_open(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the list as the saved view ``pk`` says."""
    return redirect(view_url(_visible(request, pk)))


@login_required
@require_POST
def view_share(request: HttpRequest, pk: int) -> HttpResponse:
    view = _visible(request, pk, rule="write_rule")
    spec = registry.get(view.list_key)
    form = ShareForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose one of your teams, or “only me”."))
        return redirect(_back(request, spec))
    try:
        view = services.saved_view_update(
            actor=request.user, view=view, team=form.cleaned_data["team"]
        )
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        if view.team is None:
            messages.success(request, _("Only you see “%(name)s” now.") % {"name": view.name})
        else:
            messages.success(
                request,
                _("“%(name)s” is shared with the team %(team)s.")
                % {"name": view.name, "team": view.team},
            )
    return redirect(_back(request, spec))


@login_required
@require_POST
def view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = _visible(request, pk, rule="write_rule")
    spec = registry.get(view.list_key)
    name = view.name
    services.saved_view_delete(actor=request.user, view=view)
    messages.success(request, _("The view “%(name)s” was deleted.") % {"name": name})
    return redirect(_back(request, spec))
