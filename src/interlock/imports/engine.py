"""Running an import: map the rows, validate, write through the services, report.

:func:`run_import` does it all in ONE database transaction: a dry run (and a
strict import with an invalid row) rolls that transaction back at the end, so
the dry run's report is exactly what the real run would do, and a crash or a
kill of the process leaves nothing half-written (the database discards an
unfinished transaction).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from interlock.core import policy
from interlock.imports.fields import FIELDS
from interlock.imports.parsing import Table
from interlock.imports.records import (
    FORMULA_START,
    MAX_LISTED,
    PREVIEW_ROWS,
    Options,
    Progress,
    Record,
    Report,
)


class _Rollback(Exception):
    pass


def map_records(table: Table, mapping: dict[str, str]) -> list[Record]:
    """Each row as ``{field: stripped text}`` by the mapping (empty cells left out)."""
    positions = [
        (table.headers.index(column), name)
        for column, name in mapping.items()
        if name and column in table.headers
    ]
    records = []
    for number, cells in table.rows:
        size = len(cells)
        values = {}
        for position, name in positions:
            if position < size:
                text = cells[position].strip()
                if text:
                    values[name] = text
        records.append(Record(number, values))
    return records


def _warn_formulas(records: list[Record], report: Report) -> None:
    for record in records:
        for name, value in record.values.items():
            if value.startswith(FORMULA_START) and not _is_number(value):
                report.warn(
                    record.row,
                    name,
                    value,
                    _(
                        "Starts like a spreadsheet formula; stored as plain text and never "
                        "run (exports neutralise it)."
                    ),
                )


def _is_number(value: str) -> bool:
    try:
        float(value.replace(",", "."))
    except ValueError:
        return False
    return True


def run_import(
    *,
    actor: Any,
    kind: str,
    table: Table,
    mapping: dict[str, str],
    options: Options,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Import ``table``; returns the report (see docs/import.md)."""
    from interlock.imports import kinds

    policy.require(actor, "import.run")
    if kind == "users" or "owners" in options.create_missing:
        policy.require(actor, "user.manage")
    if kind not in FIELDS:
        raise ValueError(f"unknown import kind {kind!r}")
    columns = {name: column for column, name in mapping.items() if name}
    report = Report(kind=kind, columns=columns)
    report.file_notes = {
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "columns": table.headers,
        "blank_rows_skipped": table.skipped_blank,
    }
    records = map_records(table, mapping)
    report.rows = len(records)
    report.preview = [{"row": r.row, **r.values} for r in records[:PREVIEW_ROWS]]
    cells = {number: row for number, row in table.rows}
    _warn_formulas(records, report)
    tick = progress or (lambda done, total: None)
    tick(0, len(records))
    applied = not options.dry_run
    try:
        with transaction.atomic():
            kinds.HANDLERS[kind](actor, records, options, report, tick)
            if options.strict and report.invalid:
                applied = False
                raise _Rollback
            if options.dry_run:
                raise _Rollback
    except _Rollback:
        pass
    for number in sorted(report.invalid)[:MAX_LISTED]:
        report.invalid_rows[number] = cells.get(number, [])
    tick(len(records), len(records))
    return report.as_dict(applied=applied, options=options)
