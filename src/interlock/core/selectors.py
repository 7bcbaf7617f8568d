"""Reads of the platform's data: API tokens, the event log, the audit trail, the trash.

Views, API endpoints and reports read core data through these functions; the
services in ``tokens``, ``events`` and ``trash`` do the writing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from interlock.core import trash
from interlock.core.models import ApiToken, AuditEntry, Event
from interlock.core.pagination import InvalidCursor, Keyset, decode_cursor, encode_cursor

if TYPE_CHECKING:  # the user model lives in org; core needs it for types only
    from interlock.org.models import User

AuditAction = Literal["create", "update", "delete", "access"]
AUDIT_ACTIONS: dict[str, int] = {"create": 0, "update": 1, "delete": 2, "access": 3}
AUDIT_ACTION_NAMES: dict[int, str] = {v: k for k, v in AUDIT_ACTIONS.items()}


# --- tokens ----------------------------------------------------------------------------


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    """The tokens of ``user``, revoked and expired ones included (newest first per state)."""
    return ApiToken.objects.filter(user=user).order_by("revoked_at", "-created_at")


# --- events ----------------------------------------------------------------------------


def events_matching(
    *,
    type: str | None = None,  # shadows the builtin: the event field has this name
    subject_type: str | None = None,
    subject_id: int | None = None,
    actor: User | int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[Event]:
    """Events matching every given filter; ``since`` is inclusive, ``until`` exclusive."""
    qs = Event.objects.all()
    if type is not None:
        qs = qs.filter(type=type)
    if subject_type is not None:
        qs = qs.filter(subject_type=subject_type)
    if subject_id is not None:
        qs = qs.filter(subject_id=subject_id)
    if actor is not None:
        qs = qs.filter(actor=actor)
    if since is not None:
        qs = qs.filter(occurred_at__gte=since)
    if until is not None:
        qs = qs.filter(occurred_at__lt=until)
    return qs


# --- audit -----------------------------------------------------------------------------


def audit_entries(
    *,
    model: str | ContentType | None = None,
    object_id: str | None = None,
    actor: User | int | None = None,
    action: AuditAction | None = None,
    source: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> QuerySet[AuditEntry]:
    """Audit entries matching every given filter, newest first.

    ``model`` is a label such as ``"org.team"`` or a content type; ``actor`` a
    user or a user id; ``since`` is inclusive, ``until`` exclusive.
    """
    qs = AuditEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if isinstance(model, ContentType):
        qs = qs.filter(content_type=model)
    elif model:
        app_label, model_name = model.split(".", 1)
        qs = qs.filter(content_type__app_label=app_label, content_type__model=model_name)
    if object_id is not None:
        qs = qs.filter(object_pk=object_id)
    if actor is not None:
        qs = qs.filter(actor=actor)
    if action is not None:
        qs = qs.filter(action=AUDIT_ACTIONS[action])
    if source is not None:
        qs = qs.filter(source=source)
    if since is not None:
        qs = qs.filter(timestamp__gte=since)
    if until is not None:
        qs = qs.filter(timestamp__lt=until)
    return qs


# --- trash -----------------------------------------------------------------------------


def trashed(model: type[trash.Trashable]) -> QuerySet[Any]:
    """The rows of ``model`` that are in the trash."""
    return model.all_objects.filter(deleted_at__isnull=False)


@dataclass
class TrashSection:
    label: str
    title: str
    rows: list[Any]


def trash_sections() -> list[TrashSection]:
    """One section per trashable model, most recently deleted first (for the trash page)."""
    return [
        TrashSection(
            label=model._meta.label_lower,
            title=str(model._meta.verbose_name_plural).capitalize(),
            rows=list(trashed(model).select_related("deleted_by").order_by("-deleted_at")),
        )
        for model in trash.trashable_models()
    ]


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
    Raises InvalidCursor for a cursor this server did not make.
    """
    models_ = [m for m in trash.trashable_models() if model in (None, m._meta.label_lower)]
    after = _trash_cursor(cursor) if cursor else None
    rows: list[Any] = []
    for m in models_:
        label = m._meta.label_lower
        qs = trashed(m)
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
