"""Running an import in a test: CSV text in, report out."""

from __future__ import annotations

from typing import Any

from interlock.core.context import Source, acting
from interlock.imports import fields
from interlock.imports.engine import Options, run_import
from interlock.imports.parsing import read_table


def run(
    actor: Any,
    kind: str,
    text: str,
    *,
    preset: str = "",
    mapping: dict[str, str] | None = None,
    **options: Any,
) -> dict[str, Any]:
    table = read_table("test.csv", text.encode("utf-8"))
    chosen = mapping or fields.suggest(kind, table.headers, preset=preset)
    with acting(actor, Source.IMPORT):
        return run_import(
            actor=actor, kind=kind, table=table, mapping=chosen, options=Options(**options)
        )


def reasons(report: dict[str, Any]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for error in report["errors"]:
        found.setdefault(error["row"], []).append(f"{error['column']}: {error['reason']}")
    return found
