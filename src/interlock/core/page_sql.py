"""The SQL of ``values()`` pages, compiled once per process and shape (see ``fetch_values``)."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connections, models


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]
    # (position, function, expression), in the order Django applies them
    converters: tuple[tuple[int, Any, Any], ...]


_compiled: dict[Hashable, _Compiled] = {}
_COMPILED_MAX = 2000


def _quick(convert: Any) -> Any:
    """SQLite's datetime converter without its per-value settings lookups (same result).

    Django's converter makes the naive UTC value of a SQLite column aware
    with ``value.replace(tzinfo=…)``; ``datetime.combine`` of its date and
    time (fold included) with the same tzinfo builds the equal datetime in a
    seventh of the time (``replace`` parses keyword arguments).
    """
    from django.db.backends.sqlite3.operations import DatabaseOperations

    if getattr(convert, "__func__", None) is not DatabaseOperations.convert_datetimefield_value:
        return convert
    if not settings.USE_TZ:
        return convert
    zone = convert.__self__.connection.timezone
    combine = datetime.combine

    def quick(value: Any, expression: Any, connection: Any) -> Any:
        if type(value) is datetime and value.tzinfo is None:
            return combine(value, value.time(), zone)  # = timezone.make_aware(value, zone)
        return convert(value, expression, connection)

    return quick


def fetch_values(
    build: Callable[[], models.QuerySet[Any]], alias: str, key: Hashable, expected: list[Any]
) -> list[dict[str, Any]]:
    """The rows of a sliced ``values()`` queryset; its SQL compiled once per ``key``.

    Django compiles a query on every evaluation (≈ 1–2 ms for a filtered,
    joined, sorted page: more than the database needs to answer it). When the
    caller names the query's shape (``key``: which filters, sort, limit) and
    the parameters it will bind (``expected``, in order), the first compile is
    checked against them: only if Django's parameters are exactly ``expected``
    (and all distinct, so none could have swapped places) is the SQL kept and
    later requests of the same shape only bind their own parameters.
    """
    connection = connections[alias]
    hit = _compiled.get(key)
    if hit is None:
        queryset = build()
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        query = queryset.query
        names = (*query.extra_select, *query.values_select, *query.annotation_select)
        selected = [column[0] for column in compiler.select[: len(names)]]
        converters = tuple(
            (position, _quick(function), expression)
            for position, (functions, expression) in compiler.get_converters(selected).items()
            for function in functions
        )
        hit = _Compiled(sql, tuple(names), converters)
        distinct = len({(type(v), v) for v in expected}) == len(expected)
        if distinct and list(params) == expected:
            if len(_compiled) >= _COMPILED_MAX:  # bounded: shapes x sorts x limits
                _compiled.clear()
            _compiled[key] = hit
        bind = list(params)
    else:
        bind = expected
    with connection.cursor() as cursor:
        cursor.execute(hit.sql, bind)
        rows = cursor.fetchall()
    names, converters = hit.names, hit.converters
    if not converters:
        return [dict(zip(names, row, strict=True)) for row in rows]
    result: list[dict[str, Any]] = []
    append = result.append
    for row in rows:
        values = list(row)
        for position, convert, expression in converters:
            values[position] = convert(values[position], expression, connection)
        append(dict(zip(names, values, strict=True)))
    return result
