"""Platform endpoints: API tokens, the event log, the audit trail, the trash."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from django.apps import apps
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status

from interlock.core import policy, selectors, trash
from interlock.core.api import ApiRequest
from interlock.core.models import ApiToken, AuditEntry
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId, Instant, Order, Text
from interlock.core.tokens import token_create, token_revoke

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
    keyset = Keyset(("created_at", "id"), descending=True)
    return paginate(selectors.tokens_of(owner), keyset, cursor=cursor, limit=limit)


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


@router.get("/events", response={200: EventPage, **PROBLEMS}, summary="The event log")
def events_list(
    request: ApiRequest, filters: Query[EventFilters], cursor: Cursor = None, limit: Limit = 50
) -> Any:
    """Domain events as services recorded them, ordered by id."""
    policy.require(request.auth, "event.view")
    keyset = Keyset(("id",), descending=filters.order == "desc")
    events = selectors.events_matching(
        type=filters.type,
        subject_type=filters.subject_type,
        subject_id=filters.subject_id,
        actor=filters.actor,
        since=filters.since,
        until=filters.until,
    )
    return paginate(events, keyset, cursor=cursor, limit=limit)


# --- audit --------------------------------------------------------------------


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
        return selectors.AUDIT_ACTION_NAMES.get(obj.action, "update")

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


@router.get("/audit", response={200: AuditPage, **PROBLEMS}, summary="The audit trail")
def audit_list(
    request: ApiRequest, filters: Query[AuditFilters], cursor: Cursor = None, limit: Limit = 50
) -> Any:
    """Every recorded change: who, when, through which door, old and new values."""
    policy.require(request.auth, "audit.view")
    keyset = Keyset(("id",), descending=filters.order == "desc")
    entries = selectors.audit_entries(
        model=filters.model,
        object_id=filters.object_id,
        actor=filters.actor,
        action=filters.action,
        source=filters.source,
        since=filters.since,
        until=filters.until,
    )
    return paginate(entries, keyset, cursor=cursor, limit=limit)


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


@router.get("/trash", response={200: TrashPage, **PROBLEMS}, summary="What is in the trash")
def trash_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    model: Annotated[Label | None, Query(description="Only this model, e.g. `org.team`.")] = None,
) -> Any:
    policy.require(request.auth, "trash.view")
    return selectors.trash_page(model=model, cursor=cursor, limit=limit)


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
    obj = get_object_or_404(selectors.trashed(model_class), pk=object_id)
    policy.require(request.auth, "trash.restore", obj)
    trash.trash_restore(obj=obj, actor=request.auth)
    return {"model": obj._meta.label_lower, "id": obj.pk, "repr": str(obj)}
