"""Rows of new model instances for set-based writes: the INSERT values and the audit diff.

``insert_objects`` writes unsaved instances of one model with one statement
(``executemany`` on SQLite, ``COPY`` on PostgreSQL), giving each a fresh
primary key first. ``created_diff`` is what auditlog records for a created
instance (each audited field that has a value, as ``["None", text]``) without
its per-field lookups; ``tests/leads/test_capture_batch.py`` holds it equal
to auditlog's own ``model_instance_diff``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC
from functools import cache, lru_cache
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.encoding import smart_str

from interlock.org import bulk as ob

_PLAIN, _TIME, _JSON, _RELATION = range(4)

# A batch repeats a few moments many times (each capture's time, now).
adapt_time = lru_cache(maxsize=4096)(ob.adapt_datetime)


def _kind(field: models.Field[Any, Any]) -> int:
    if isinstance(field, models.DateTimeField):
        return _TIME
    if isinstance(field, models.JSONField):
        return _JSON
    if field.many_to_one or field.one_to_one:
        return _RELATION
    return _PLAIN


@cache
def _columns(model: type[models.Model]) -> tuple[tuple[str, str, int], ...]:
    return tuple((f.attname, str(f.column), _kind(f)) for f in model._meta.concrete_fields)


def insert_objects(cursor: Any, objects: Sequence[models.Model]) -> None:
    """INSERT ``objects`` (one model, not saved yet); sets their primary keys."""
    if not objects:
        return
    model = type(objects[0])
    meta = model._meta
    if isinstance(meta.pk, models.AutoField | models.BigAutoField):
        for obj, pk in zip(
            objects, ob.reserve_ids(cursor, meta.db_table, len(objects)), strict=True
        ):
            obj.pk = pk
    plan = _columns(model)
    adapt = adapt_time
    rows = []
    for obj in objects:
        row = []
        for attname, _column, kind in plan:
            value = getattr(obj, attname)
            if value is not None and kind == _TIME:
                value = adapt(value)
            elif kind == _JSON:
                value = json.dumps(value)
            row.append(value)
        rows.append(row)
    ob.write_rows(cursor, meta.db_table, [c for _a, c, _k in plan], rows)


@cache
def _audited(model: type[models.Model]) -> tuple[tuple[str, str, int], ...]:
    from auditlog.registry import auditlog

    config = auditlog.get_model_fields(model)
    include, exclude = config["include_fields"], config["exclude_fields"]
    return tuple(
        (f.name, f.attname, _kind(f))
        for f in model._meta.fields
        if (not include or f.name in include) and f.name not in exclude
    )


def created_diff(obj: models.Model) -> dict[str, list[str]]:
    """auditlog's changes of a created instance.

    auditlog compares each audited field with "None": plain fields whose text
    is "None" drop out, while an empty relation or time stays in as
    ``["None", "None"]`` (its value is compared as None, not as text).
    """
    diff: dict[str, list[str]] = {}
    for name, attname, kind in _audited(type(obj)):
        value = getattr(obj, attname)
        if kind == _TIME:
            text = "None" if value is None else str(timezone.make_naive(value, UTC))
        elif kind == _JSON:
            text = json.dumps(value, sort_keys=True)
        elif kind == _RELATION:
            text = "None" if value is None else smart_str(value)
        else:
            text = smart_str(value)
            if text == "None":
                continue
        diff[name] = ["None", text]
    return diff
