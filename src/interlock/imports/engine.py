"""Running an import: map the rows, validate, write through the services, report.

:func:`run_import` does it all in ONE database transaction: a dry run (and a
strict import with an invalid row) rolls that transaction back at the end, so
the dry run's report is exactly what the real run would do, and a crash or a
kill of the process leaves nothing half-written (the database discards an
unfinished transaction).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from interlock.core import policy
from interlock.imports.fields import FIELDS
from interlock.imports.parsing import Table

Progress = Callable[[int, int], None]
PREVIEW_ROWS = 20
MAX_LISTED = 5000  # problems and invalid rows kept in the report (the counts stay exact)
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Options:
    dry_run: bool = False
    strict: bool = False
    create_missing: frozenset[str] = frozenset()  # "owners", "accounts"
    team: str = ""  # team of created owners
    lost_reason: str = ""  # for lost deals whose row names none

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Options:
        return cls(
            dry_run=bool(data.get("dry_run")),
            strict=bool(data.get("strict")),
            create_missing=frozenset(data.get("create_missing") or ()),
            team=str(data.get("team") or ""),
            lost_reason=str(data.get("lost_reason") or ""),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "strict": self.strict,
            "create_missing": sorted(self.create_missing),
            "team": self.team,
            "lost_reason": self.lost_reason,
        }


@dataclass
class Record:
    row: int  # as the user sees it in the file
    values: dict[str, str]  # field -> text


@dataclass
class Report:
    kind: str
    columns: dict[str, str]  # field -> file column
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    invalid_rows: dict[int, list[str]] = field(default_factory=dict)  # row -> its cells
    invalid: set[int] = field(default_factory=set)
    duplicates: list[dict[str, int]] = field(default_factory=list)
    created_owners: list[str] = field(default_factory=list)
    created_accounts: list[str] = field(default_factory=list)
    created_teams: list[str] = field(default_factory=list)
    aliases: dict[tuple[str, str, str], int] = field(default_factory=dict)
    summary: dict[str, Any] = field(default_factory=dict)
    preview: list[dict[str, Any]] = field(default_factory=list)
    file_notes: dict[str, Any] = field(default_factory=dict)

    def problem(self, row: int, name: str, value: Any, reason: str) -> None:
        """Row ``row`` is invalid: ``name`` (a field) is why."""
        self.invalid.add(row)
        if len(self.errors) < MAX_LISTED:
            self.errors.append(
                {
                    "row": row,
                    "column": self.columns.get(name, name),
                    "value": str(value if value is not None else "")[:200],
                    "reason": str(reason),
                }
            )

    def warn(self, row: int, name: str, value: Any, reason: str) -> None:
        if len(self.warnings) < MAX_LISTED:
            self.warnings.append(
                {
                    "row": row,
                    "column": self.columns.get(name, name),
                    "value": str(value)[:200],
                    "reason": str(reason),
                }
            )

    def alias_used(self, name: str, value: str, means: str) -> None:
        key = (name, value, means)
        self.aliases[key] = self.aliases.get(key, 0) + 1

    def as_dict(self, *, applied: bool, options: Options) -> dict[str, Any]:
        self.errors.sort(key=lambda e: e["row"])
        return {
            "kind": self.kind,
            "applied": applied,
            "dry_run": options.dry_run,
            "strict": options.strict,
            "file": self.file_notes,
            "counts": {
                "rows": self.rows,
                "created": self.created,
                "updated": self.updated,
                "unchanged": self.unchanged,
                "invalid": len(self.invalid),
                "duplicates": len(self.duplicates),
            },
            "errors": self.errors,
            "warnings": self.warnings,
            "duplicates": self.duplicates[:MAX_LISTED],
            "created_owners": self.created_owners,
            "created_accounts": self.created_accounts,
            "created_teams": self.created_teams,
            "aliases": [
                {"field": f, "value": v, "means": m, "rows": n}
                for (f, v, m), n in sorted(self.aliases.items())
            ],
            "summary": self.summary,
            "preview": self.preview,
            "invalid_rows": [[n, *self.invalid_rows[n]] for n in sorted(self.invalid_rows)],
        }


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
            if value.startswith(_FORMULA_START) and not _is_number(value):
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
