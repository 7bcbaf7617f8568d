"""REST endpoints of the lists app (mounted in interlock/api.py).

Saved views (own and shared with one's teams), tags, bulk actions on a list
and the export of a list as CSV or XLSX with the same filters as the page.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.middleware import problem_response
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId, Problem, Text
from interlock.lists import export, registry, selectors, services
from interlock.lists.models import SavedView, Tag
from interlock.lists.schemas import (
    BulkIn,
    BulkOut,
    ListKey,
    SavedViewIn,
    SavedViewOut,
    SavedViewPatch,
    TagIn,
    TagOut,
    saved_view_row,
)
from interlock.lists.views import list_rows, list_state

router = Router(tags=["lists"])

ViewId = Annotated[DbId, Path()]
KeyPath = Annotated[
    ListKey, Path(description="accounts, contacts, tasks, deals, complaints, ideas")
]
SavedViewPage = page_schema(SavedViewOut, "SavedViewPage")
TagPage = page_schema(TagOut, "TagPage")
BY_ID = Keyset(("id",))
BY_NAME = Keyset(("name", "id"))
WRITE = {**PROBLEMS, 409: Problem}


def _list_key(key: str) -> str:
    if key not in registry.keys():  # noqa: SIM118 (a module, not a dict)
        raise ValidationError(
            {"list": _("Unknown list; use one of: %(keys)s") % {"keys": ", ".join(registry.keys())}}
        )
    return key


def _team(pk: int | None) -> Any:
    if pk is None:
        return None
    from interlock.org.models import Team

    team = Team.objects.filter(pk=pk).first()
    if team is None:
        raise ValidationError({"team_id": _("There is no such team (id %(id)s).") % {"id": pk}})
    return team


def _view(request: ApiRequest, pk: int) -> SavedView:
    view = selectors.visible_views(request.auth).filter(pk=pk).first()
    if view is None:
        raise Http404
    return view


# --- saved views ----------------------------------------------------------------------------


@router.get("/saved-views", response={200: SavedViewPage, **PROBLEMS}, summary="List saved views")
def saved_views_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    list_key: Annotated[ListKey | None, Query(description="Only views of this list.")] = None,
) -> Any:
    """Your own saved views and those shared with a team you belong to."""
    policy.require(request.auth, "customer.view")
    qs = selectors.visible_views(request.auth, list_key or None)
    return paginate(qs, BY_ID, cursor=cursor, limit=limit, item=saved_view_row)


@router.post("/saved-views", response={201: SavedViewOut, **WRITE}, summary="Save a view")
def saved_views_create(request: ApiRequest, payload: SavedViewIn) -> Any:
    """`query` holds the list's filter parameters (e.g. `q=kessler&sort=-created&tag=vip`)."""
    view = services.saved_view_create(
        actor=request.auth,
        list_key=_list_key(payload.list_key),
        name=payload.name,
        query=payload.query,
        columns=payload.columns,
        team=_team(payload.team_id),
    )
    return Status(201, saved_view_row(view))


@router.get(
    "/saved-views/{view_id}", response={200: SavedViewOut, **PROBLEMS}, summary="One saved view"
)
def saved_views_get(request: ApiRequest, view_id: ViewId) -> Any:
    policy.require(request.auth, "customer.view")
    return saved_view_row(_view(request, view_id))


@router.patch(
    "/saved-views/{view_id}", response={200: SavedViewOut, **WRITE}, summary="Change a saved view"
)
def saved_views_update(request: ApiRequest, view_id: ViewId, payload: SavedViewPatch) -> Any:
    """Only the owner may change a view; `team_id: null` makes it private again."""
    view = _view(request, view_id)
    changes = payload.changes()
    if "team_id" in changes:
        changes["team"] = _team(changes.pop("team_id"))
    view = services.saved_view_update(actor=request.auth, view=view, **changes)
    return saved_view_row(view)


@router.delete(
    "/saved-views/{view_id}", response={204: None, **PROBLEMS}, summary="Delete a saved view"
)
def saved_views_delete(request: ApiRequest, view_id: ViewId) -> Any:
    services.saved_view_delete(actor=request.auth, view=_view(request, view_id))
    return Status(204, None)


# --- tags -----------------------------------------------------------------------------------


@router.get("/tags", response={200: TagPage, **PROBLEMS}, summary="List tags")
def tags_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    q: Annotated[Text | None, Query(max_length=50, description="Part of the name.")] = None,
) -> Any:
    policy.require(request.auth, "customer.view")
    qs = Tag.objects.all()
    if q:
        qs = qs.filter(name__icontains=q)
    return paginate(qs, BY_NAME, cursor=cursor, limit=limit)


@router.post("/tags", response={201: TagOut, **WRITE}, summary="Create a tag")
def tags_create(request: ApiRequest, payload: TagIn) -> Any:
    """A name that exists already (in any case) is refused with 409."""
    try:
        tag = services.tag_create(actor=request.auth, name=payload.name)
    except ValidationError as exc:
        if getattr(exc, "error_dict", None) and exc.error_dict["name"][0].code == "duplicate":
            return problem_response(409, _("Conflict"), "; ".join(exc.messages))
        raise
    return Status(201, tag)


# --- bulk actions and export -----------------------------------------------------------------


@router.post(
    "/lists/{key}/bulk", response={200: BulkOut, **PROBLEMS}, summary="Change rows in bulk"
)
def lists_bulk(request: ApiRequest, key: KeyPath, payload: BulkIn) -> Any:
    """All or nothing: if one row is missing or not yours to change, nothing changes."""
    spec = registry.get(key)
    owner = None
    if payload.owner_id is not None:
        owner = get_user_model().objects.filter(pk=payload.owner_id, is_active=True).first()
        if owner is None:
            raise ValidationError({"owner_id": _("There is no active user with this id.")})
    count = services.bulk_run(
        actor=request.auth,
        list_key=spec.key,
        action=payload.action,
        ids=payload.ids,
        owner=owner,
        tag=payload.tag or "",
    )
    return {"action": payload.action, "count": count}


@router.get("/lists/{key}/export", response={200: None, **PROBLEMS}, summary="Export a list")
def lists_export(
    request: ApiRequest,
    key: KeyPath,
    format: Annotated[Literal["csv", "xlsx"], Query(description="csv or xlsx")] = "csv",
) -> Any:
    """The list as a file, filtered like the page: pass its filter parameters (`q`, `sort`,
    `tag`, `cols` repeated for the columns …). Formula-like cells are neutralised."""
    spec = registry.get(key)
    policy.require(request.auth, spec.view_rule)
    state = list_state(spec, request.GET)
    if spec.strict and not state.valid:
        errors = [
            {"field": field, "message": str(msg)}
            for field, msgs in state.form.errors.items()
            for msg in msgs
        ]
        return problem_response(
            422, _("Invalid input"), _("Some filters are not valid; see errors."), errors=errors
        )
    result: HttpResponse = export.response(  # type: ignore[assignment]
        spec, list_rows(request.auth, spec, state), state.columns, format
    )
    return result
