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
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import connections, models, router
from django.db.models import BooleanField, Expression, F
from django.utils.translation import gettext as _
from ninja import Field, Query, Schema
from pydantic import BaseModel, create_model

# page_response and the compiled-SQL cache live in their own modules (JSON,
# SQL); they are re-exported here, where the list endpoints and tests look.
from interlock.core.page_json import page_response as page_response
from interlock.core.page_sql import _compiled as _compiled
from interlock.core.page_sql import fetch_values

DEFAULT_LIMIT = 50
MAX_LIMIT = 200
_MAX_CURSOR_CHARS = 1000

Row = TypeVar("Row")


class InvalidCursor(ValueError):
    """The client sent a cursor this server did not make (answered with 400)."""


def _invalid() -> InvalidCursor:
    return InvalidCursor(
        _("The cursor is not valid. Use the next_cursor of a previous page, unchanged.")
    )


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
    if not cursor or len(cursor) > _MAX_CURSOR_CHARS:
        raise _invalid()
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        raw = base64.urlsafe_b64decode(padded.encode("ascii"))
        values = json.loads(raw.decode("utf-8"))
    except (binascii.Error, UnicodeError, ValueError):
        raise _invalid() from None
    if not isinstance(values, list) or len(values) != count:
        raise _invalid()
    if any(isinstance(v, list | dict | bool) or v is None for v in values):
        raise _invalid()
    return values


class RowAfter(Expression):
    """``(f1, f2, …) > (v1, v2, …)`` (``<`` if descending) as one SQL row comparison."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, fields: Sequence[str], values: Sequence[Any], *, descending: bool) -> None:
        super().__init__()  # output_field: the class's one, shared (as Django's Exists does)
        self.columns: list[Any] = [F(name) for name in fields]
        self.values = list(values)
        self.descending = descending

    def get_source_expressions(self) -> list[Any]:
        return list(self.columns)

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.columns = list(exprs)

    def resolve_expression(
        self,
        query: Any = None,
        allow_joins: bool = True,
        reuse: Any = None,
        summarize: bool = False,
        for_save: bool = False,
    ) -> RowAfter:
        copy = self.copy()
        copy.columns = [
            column.resolve_expression(query, allow_joins, reuse, summarize, for_save)
            for column in self.columns
        ]
        return copy

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        left: list[str] = []
        params: list[Any] = []
        for column in self.columns:
            sql, column_params = compiler.compile(column)
            left.append(sql)
            params.extend(column_params)
        for column, value in zip(self.columns, self.values, strict=True):
            params.append(column.output_field.get_db_prep_value(value, connection, prepared=False))
        marks = ", ".join(["%s"] * len(self.values))
        op = "<" if self.descending else ">"
        return f"({', '.join(left)}) {op} ({marks})", tuple(params)


@dataclass(frozen=True)
class Keyset:
    """An ordering by ``fields`` (the last one unique, usually ``id``)."""

    fields: tuple[str, ...]
    descending: bool = False

    def order_by(self) -> list[str]:
        sign = "-" if self.descending else ""
        return [f"{sign}{name}" for name in self.fields]

    def values_of(self, row: Any) -> list[Any]:
        if isinstance(row, dict):  # a ``values()`` row
            return [row[name] for name in self.fields]
        values = []
        for name in self.fields:
            value = row
            for part in name.split("__"):
                value = getattr(value, part)
            values.append(value)
        return values

    def after(self, model: type[models.Model], cursor: str) -> models.Q | RowAfter:
        """The rows after the one ``cursor`` points at.

        One row-value comparison, ``(a, b, id) > (x, y, z)`` (``<`` when
        descending), which PostgreSQL and SQLite both answer with a range
        scan of an index on the keys, also behind an equality prefix such as
        ``owner_id = …``. Equivalent to the lexicographic
        ``a > x OR (a = x AND b > y) OR …`` because the keys are never null.
        """
        raw = decode_cursor(cursor, len(self.fields))
        values = [
            self._to_python(model, name, value)
            for name, value in zip(self.fields, raw, strict=True)
        ]
        if len(self.fields) == 1:
            op = "lt" if self.descending else "gt"
            return models.Q(**{f"{self.fields[0]}__{op}": values[0]})
        return RowAfter(self.fields, values, descending=self.descending)

    @staticmethod
    def _to_python(model: type[models.Model], name: str, value: Any) -> Any:
        field = model._meta.get_field("id" if name == "pk" else name)
        try:
            result = field.to_python(value)  # type: ignore[union-attr]
        except (DjangoValidationError, TypeError, ValueError, OverflowError):
            raise _invalid() from None
        if isinstance(result, int) and not -(2**63) <= result < 2**63:
            raise _invalid()
        if isinstance(result, datetime) and result.tzinfo is None:
            raise _invalid()
        return result


def paginate(
    queryset: models.QuerySet[Any] | Callable[[], models.QuerySet[Any]],
    keyset: Keyset,
    *,
    cursor: str | None,
    limit: int,
    item: Callable[[Any], Any] | None = None,
    fields: Sequence[str] | None = None,
    shape: tuple[Hashable, Sequence[Any]] | None = None,
    model: type[models.Model] | None = None,
) -> dict[str, Any]:
    """One page of ``queryset`` in ``keyset`` order: ``{"items", "next_cursor"}``.

    Reads ``limit + 1`` rows to learn whether there is a next page; runs no
    COUNT. ``item`` turns a row into the output object (default: the row).
    With ``fields``, the rows are ``values()`` dicts of just those fields
    (and the keyset's): no model instances, the cheapest read for a list.

    With ``fields`` and ``shape`` = (a hashable name of the query's shape,
    the parameters its filters bind, in the order they were applied), the
    compiled SQL is reused across requests (see ``page_sql.fetch_values``); then
    ``queryset`` may be a function that builds it (with ``model`` given), so
    that a request of a known shape does not even build the queryset.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    if callable(queryset):
        build: Callable[[], models.QuerySet[Any]] = queryset
        if model is None:
            raise TypeError("paginate() needs model= with a queryset function")
    else:
        built = queryset
        model = built.model

        def build() -> models.QuerySet[Any]:
            return built

    condition = keyset.after(model, cursor) if cursor else None

    def ordered() -> models.QuerySet[Any]:
        qs = build()
        if condition is not None:
            qs = qs.filter(condition)
        return qs.order_by(*keyset.order_by())

    if fields is None:
        rows: list[Any] = list(ordered()[: limit + 1])
    else:
        wanted = list(dict.fromkeys([*fields, *keyset.fields]))

        def page() -> models.QuerySet[Any]:
            return ordered().values(*wanted)[: limit + 1]  # type: ignore[return-value]

        alias = router.db_for_read(model)
        after = _bound(model, keyset, condition, alias) if condition is not None else []
        if shape is None or (condition is not None and not after):
            rows = list(page())
        else:
            key = (alias, model._meta.label, shape[0], keyset, bool(cursor), limit, *wanted)
            rows = fetch_values(page, alias, key, [*shape[1], *after])
    has_more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor(keyset.values_of(rows[-1])) if has_more and rows else None
    return {"items": [item(r) for r in rows] if item else rows, "next_cursor": next_cursor}


def _bound(model: type[models.Model], keyset: Keyset, condition: Any, alias: str) -> list[Any]:
    """The parameters the keyset condition binds (as Django prepares them); [] if unknown."""
    if isinstance(condition, RowAfter):
        values = condition.values
    elif isinstance(condition, models.Q) and len(condition.children) == 1:
        values = [condition.children[0][1]]  # type: ignore[index]
    else:
        return []
    connection = connections[alias]
    try:
        return [
            model._meta.get_field("id" if name == "pk" else name).get_db_prep_value(  # type: ignore[union-attr]
                value, connection, prepared=False
            )
            for name, value in zip(keyset.fields, values, strict=True)
        ]
    except (TypeError, ValueError, AttributeError):
        return []
