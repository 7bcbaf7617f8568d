"""Cursor (keyset) pagination for the API.

A page is ``{"items": [...], "next_cursor": "..." | null}``. The cursor is an
opaque, URL-safe base64 string holding the ordering key values of the last
row of the page (its id last). The next page is read with one indexed query,
``WHERE (key, id) > (…) ORDER BY key, id LIMIT n + 1``: no OFFSET and no
COUNT(*), so page 10,000 is as fast as page 1 and rows inserted meanwhile
neither repeat nor vanish.

Only non-null ordering keys are supported, and all keys share one direction.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from pydantic import BaseModel, create_model

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_MAX_CURSOR_CHARS = 1000

Row = TypeVar("Row")


class InvalidCursor(ValueError):
    """The client sent a cursor this server did not make (answered with 400)."""


Limit = Annotated[
    int,
    Query(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Rows per page (1–200)."),
]
Cursor = Annotated[
    str | None,
    Query(
        None,
        max_length=_MAX_CURSOR_CHARS,
        description="`next_cursor` of the previous page; omit for the first page.",
    ),
]


def page_schema(item: type[BaseModel], name: str | None = None) -> type[Schema]:
    """The response schema of a list: ``{"items": [item], "next_cursor": str | null}``."""
    return create_model(  # type: ignore[call-overload,no-any-return]
        name or f"{item.__name__.removesuffix('Out')}Page",
        __base__=Schema,
        items=(list[item], ...),  # type: ignore[valid-type]
        next_cursor=(
            str | None,
            Field(None, description="Pass as `cursor` to get the next page; null on the last."),
        ),
    )


def encode_cursor(values: Sequence[Any]) -> str:
    parts = []
    for value in values:
        if isinstance(value, datetime | date):
            parts.append(value.isoformat())
        else:
            parts.append(value)
    raw = json.dumps(parts, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, count: int) -> list[Any]:
    """The ``count`` raw values in ``cursor``; InvalidCursor if it is not ours."""
    problem = InvalidCursor(
        _("The cursor is not valid. Use the next_cursor of a previous page, unchanged.")
    )
    if not cursor or len(cursor) > _MAX_CURSOR_CHARS:
        raise problem
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        values = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeError, ValueError):
        raise problem from None
    if not isinstance(values, list) or len(values) != count:
        raise problem
    if any(isinstance(v, list | dict | bool) or v is None for v in values):
        raise problem
    return values


@dataclass(frozen=True)
class Keyset:
    """An ordering by ``fields`` (the last one unique, usually ``id``)."""

    fields: tuple[str, ...]
    descending: bool = False

    def order_by(self) -> list[str]:
        sign = "-" if self.descending else ""
        return [f"{sign}{name}" for name in self.fields]

    def values_of(self, row: Any) -> list[Any]:
        return [getattr(row, name.replace("__", ".")) for name in self.fields]

    def after(self, model: type[models.Model], cursor: str) -> models.Q:
        """The rows after the one ``cursor`` points at, as a lexicographic Q."""
        raw = decode_cursor(cursor, len(self.fields))
        values = [
            self._to_python(model, name, value)
            for name, value in zip(self.fields, raw, strict=True)
        ]
        op = "lt" if self.descending else "gt"
        q = models.Q()
        for i, name in enumerate(self.fields):
            term = models.Q(**{f"{name}__{op}": values[i]})
            for j in range(i):
                term &= models.Q(**{self.fields[j]: values[j]})
            q |= term
        return q

    @staticmethod
    def _to_python(model: type[models.Model], name: str, value: Any) -> Any:
        field = model._meta.get_field("id" if name == "pk" else name)
        try:
            result = field.to_python(value)  # type: ignore[union-attr]
        except (DjangoValidationError, TypeError, ValueError, OverflowError):
            raise InvalidCursor(
                _("The cursor is not valid. Use the next_cursor of a previous page, unchanged.")
            ) from None
        if isinstance(result, int) and not -(2**63) <= result < 2**63:
            raise InvalidCursor(
                _("The cursor is not valid. Use the next_cursor of a previous page, unchanged.")
            )
        if isinstance(result, datetime) and result.tzinfo is None:
            raise InvalidCursor(
                _("The cursor is not valid. Use the next_cursor of a previous page, unchanged.")
            )
        return result


def paginate(
    queryset: models.QuerySet[Any],
    keyset: Keyset,
    *,
    cursor: str | None,
    limit: int,
    item: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """One page of ``queryset`` in ``keyset`` order: ``{"items", "next_cursor"}``.

    Reads ``limit + 1`` rows to learn whether there is a next page; runs no
    COUNT. ``item`` turns a row into the output object (default: the row).
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    if cursor:
        queryset = queryset.filter(keyset.after(queryset.model, cursor))
    rows = list(queryset.order_by(*keyset.order_by())[: limit + 1])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(keyset.values_of(rows[-1])) if has_more and rows else None
    return {"items": [item(r) for r in rows] if item else rows, "next_cursor": next_cursor}
