"""Platform endpoints: API tokens, the event log, the audit trail, the trash."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.apps import apps
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from interlock.core import policy, trash
from interlock.core.api import ApiRequest
from interlock.core.models import ApiToken, AuditEntry, Event
from interlock.core.pagination import (
    Cursor,
    InvalidCursor,
    Keyset,
    Limit,
    decode_cursor,
    encode_cursor,
    page_schema,
    paginate,
)
from interlock.core.schemas import PROBLEMS, DbId, Instant, Order, Text
from interlock.core.tokens import token_create, token_revoke, tokens_of

router = Router(tags=["platform"])

Label = Annotated[str, Field(pattern=r"^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$", max_length=100)]


# --- tokens -------------------------------------------------------------------


class TokenOut(Schema):
    id: int
    user_id: int
    name: str
    prefix: str = Field(description="The first characters after `il_`, to recognise the token.")
    scope: Literal["read", "write"]
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    revoked_at: datetime | None
    active: bool

    @staticmethod
    def resolve_active(obj: ApiToken) -> bool:
        return obj.is_active


class TokenCreatedOut(TokenOut):
    secret: str = Field(description="The token itself. It is shown this once and never again.")


class TokenIn(Schema):
    name: Text = Field(min_length=1, max_length=100)
    scope: Literal["read", "write"] = "read"
    expires_at: Instant | None = None


TokenPage = page_schema(TokenOut)


@router.get("/tokens", response={200: TokenPage, **PROBLEMS}, summary="List API tokens")
def tokens_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    user: Annotated[DbId | None, Query(description="Whose tokens (admins only).")] = None,
) -> Any:
    """Your own tokens; an admin may list another person's with `?user=`."""
    owner: Any = request.auth
    if user is not None and user != owner.pk:
        # May this person manage tokens of that user? (Only admins, for others.)
        policy.require(request.auth, "token.manage", ApiToken(user_id=user))
        owner = get_object_or_404(apps.get_model("org", "User"), pk=user)
    return _page(tokens_of(owner), Keyset(("created_at", "id"), descending=True), cursor, limit)


@router.post("/tokens", response={201: TokenCreatedOut, **PROBLEMS}, summary="Create an API token")
def tokens_create(request: ApiRequest, payload: TokenIn) -> Any:
    """Create a personal token. The response holds the secret once; store it now."""
    token, raw = token_create(
        user=request.auth, name=payload.name, scope=payload.scope, expires_at=payload.expires_at
    )
    token.secret = raw  # type: ignore[attr-defined]
    return Status(201, token)


@router.delete(
    "/tokens/{token_id}", response={204: None, **PROBLEMS}, summary="Revoke an API token"
)
def tokens_revoke(request: ApiRequest, token_id: Annotated[DbId, Path()]) -> Any:
    token = get_object_or_404(ApiToken, pk=token_id)
    token_revoke(token=token, actor=request.auth)
    return Status(204, None)


# --- events -------------------------------------------------------------------


class EventOut(Schema):
    id: int
    type: str
    subject_type: str
    subject_id: int
    actor_id: int | None
    source: str
    occurred_at: datetime
    payload: dict[str, Any]


class EventFilters(Schema):
    type: Text | None = Field(None, max_length=80, description="Exact event type.")
    subject_type: Label | None = Field(None, description="e.g. `org.team`.")
    subject_id: DbId | None = None
    actor: DbId | None = Field(None, description="User id of the actor.")
    since: Instant | None = Field(None, description="Events at or after this instant.")
    until: Instant | None = Field(None, description="Events before this instant.")
    order: Order = Field("desc", description="`desc`: newest first; `asc`: oldest first.")


EventPage = page_schema(EventOut)


def events_matching(filters: EventFilters) -> QuerySet[Event]:
    qs = Event.objects.all()
    for name, lookup in (
        ("type", "type"),
        ("subject_type", "subject_type"),
        ("subject_id", "subject_id"),
        ("actor", "actor_id"),
        ("since", "occurred_at__gte"),
        ("until", "occurred_at__lt"),
    ):
        value = getattr(filters, name)
        if value is not None:
            qs = qs.filter(**{lookup: value})
    return qs


@router.get("/events", response={200: EventPage, **PROBLEMS}, summary="The event log")
def events_list(
    request: ApiRequest, filters: Query[EventFilters], cursor: Cursor = None, limit: Limit = 50
) -> Any:
    """Domain events as services recorded them, ordered by id."""
    policy.require(request.auth, "event.view")
    keyset = Keyset(("id",), descending=filters.order == "desc")
    return _page(events_matching(filters), keyset, cursor, limit)


# --- audit --------------------------------------------------------------------

_ACTIONS = {"create": 0, "update": 1, "delete": 2, "access": 3}
_ACTION_NAMES = {v: k for k, v in _ACTIONS.items()}


class FieldChange(Schema):
    field: str
    old: Any = None
    new: Any = None


class AuditOut(Schema):
    id: int
    timestamp: datetime
    actor_id: int | None
    actor_email: str | None
    source: str
    remote_addr: str | None
    action: Literal["create", "update", "delete", "access"]
    model: str = Field(description="App label and model, e.g. `org.team`.")
    object_id: str
    object_repr: str
    changes: list[FieldChange]

    @staticmethod
    def resolve_action(obj: AuditEntry) -> str:
        return _ACTION_NAMES.get(obj.action, "update")

    @staticmethod
    def resolve_model(obj: AuditEntry) -> str:
        ct = obj.content_type
        return f"{ct.app_label}.{ct.model}"

    @staticmethod
    def resolve_object_id(obj: AuditEntry) -> str:
        return str(obj.object_pk)

    @staticmethod
    def resolve_changes(obj: AuditEntry) -> list[dict[str, Any]]:
        changes = obj.changes if isinstance(obj.changes, dict) else {}
        result = []
        for name, pair in sorted(changes.items()):
            if isinstance(pair, list | tuple) and len(pair) == 2:
                result.append({"field": name, "old": pair[0], "new": pair[1]})
            else:  # many-to-many and other shapes: keep them readable
                result.append({"field": name, "old": None, "new": pair})
        return result


class AuditFilters(Schema):
    model: Label | None = Field(None, description="e.g. `org.team`.")
    object_id: Text | None = Field(None, max_length=255)
    actor: DbId | None = Field(None, description="User id of who made the change.")
    action: Literal["create", "update", "delete", "access"] | None = None
    source: Literal["web", "api", "import", "system", "cli"] | None = None
    since: Instant | None = None
    until: Instant | None = None
    order: Order = Field("desc", description="`desc`: newest first; `asc`: oldest first.")


AuditPage = page_schema(AuditOut, "AuditPage")


def audit_matching(filters: AuditFilters) -> QuerySet[AuditEntry]:
    qs = AuditEntry.objects.select_related("content_type")
    if filters.model:
        app_label, model = filters.model.split(".", 1)
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model)
    if filters.object_id is not None:
        qs = qs.filter(object_pk=filters.object_id)
    if filters.actor is not None:
        qs = qs.filter(actor_id=filters.actor)
    if filters.action is not None:
        qs = qs.filter(action=_ACTIONS[filters.action])
    if filters.source is not None:
        qs = qs.filter(source=filters.source)
    if filters.since is not None:
        qs = qs.filter(timestamp__gte=filters.since)
    if filters.until is not None:
        qs = qs.filter(timestamp__lt=filters.until)
    return qs


@router.get("/audit", response={200: AuditPage, **PROBLEMS}, summary="The audit trail")
def audit_list(
    request: ApiRequest, filters: Query[AuditFilters], cursor: Cursor = None, limit: Limit = 50
) -> Any:
    """Every recorded change: who, when, through which door, old and new values."""
    policy.require(request.auth, "audit.view")
    keyset = Keyset(("id",), descending=filters.order == "desc")
    return _page(audit_matching(filters), keyset, cursor, limit)


# --- trash --------------------------------------------------------------------


class TrashItemOut(Schema):
    model: str = Field(description="App label and model, e.g. `org.team`.")
    id: int
    repr: str
    deleted_at: datetime
    deleted_by_id: int | None


TrashPage = page_schema(TrashItemOut)


class RestoredOut(Schema):
    model: str
    id: int
    repr: str


def _trash_item(obj: Any) -> dict[str, Any]:
    return {
        "model": obj._meta.label_lower,
        "id": obj.pk,
        "repr": str(obj),
        "deleted_at": obj.deleted_at,
        "deleted_by_id": obj.deleted_by_id,
    }


def _trash_cursor(cursor: str) -> tuple[datetime, str, int]:
    stamp, label, pk = decode_cursor(cursor, 3)
    if not isinstance(label, str) or not isinstance(pk, int):
        raise InvalidCursor(
            _("The cursor is not valid. Use the next_cursor of a previous page, unchanged.")
        )
    some_model = trash.trashable_models()[0]
    return (
        Keyset._to_python(some_model, "deleted_at", stamp),
        label,
        Keyset._to_python(some_model, "id", pk),
    )


def trash_page(*, model: str | None, cursor: str | None, limit: int) -> dict[str, Any]:
    """Trashed rows of every trashable model, most recently deleted first.

    The key is (deleted_at, model label, id), newest first; each model gives
    at most ``limit + 1`` rows after the cursor and the pages are merged.
    """
    models_ = [m for m in trash.trashable_models() if model in (None, m._meta.label_lower)]
    after = _trash_cursor(cursor) if cursor else None
    rows: list[Any] = []
    for m in models_:
        label = m._meta.label_lower
        qs = m.all_objects.filter(deleted_at__isnull=False)
        if after is not None:
            stamp, after_label, after_id = after
            tie = Q(deleted_at=stamp)
            if label == after_label:
                tie &= Q(pk__lt=after_id)
            elif label > after_label:
                tie = Q(pk__in=[])
            qs = qs.filter(Q(deleted_at__lt=stamp) | tie)
        rows.extend(qs.order_by("-deleted_at", "-pk")[: limit + 1])
    rows.sort(key=lambda r: (r.deleted_at, r._meta.label_lower, r.pk), reverse=True)
    page = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = page[-1]
        next_cursor = encode_cursor([last.deleted_at, last._meta.label_lower, last.pk])
    return {"items": [_trash_item(r) for r in page], "next_cursor": next_cursor}


@router.get("/trash", response={200: TrashPage, **PROBLEMS}, summary="What is in the trash")
def trash_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    model: Annotated[Label | None, Query(description="Only this model, e.g. `org.team`.")] = None,
) -> Any:
    policy.require(request.auth, "trash.view")
    return trash_page(model=model, cursor=cursor, limit=limit)


@router.post(
    "/trash/{model}/{object_id}/restore",
    response={200: RestoredOut, **PROBLEMS},
    summary="Restore a record from the trash",
)
def trash_restore(
    request: ApiRequest,
    model: Annotated[str, Path(max_length=100, description="e.g. `org.team`.")],
    object_id: Annotated[DbId, Path()],
) -> Any:
    policy.require(request.auth, "trash.restore")
    try:
        model_class = trash.model_for(model)
    except (LookupError, ValueError):
        raise Http404(_("No such model in the trash.")) from None
    obj = get_object_or_404(model_class.all_objects, pk=object_id, deleted_at__isnull=False)
    policy.require(request.auth, "trash.restore", obj)
    trash.trash_restore(obj=obj, actor=request.auth)
    return {"model": obj._meta.label_lower, "id": obj.pk, "repr": str(obj)}


def _page(qs: QuerySet[Any], keyset: Keyset, cursor: str | None, limit: int) -> dict[str, Any]:
    return paginate(qs, keyset, cursor=cursor, limit=limit)
