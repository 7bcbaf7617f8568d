"""What an import works with: its options, the mapped rows, the report it builds.

Shared by the engine (:mod:`interlock.imports.engine`) and the handlers of each
kind (:mod:`interlock.imports.kinds` and friends).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Progress = Callable[[int, int], None]
PREVIEW_ROWS = 20
MAX_LISTED = 5000  # problems and invalid rows kept in the report (the counts stay exact)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


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
