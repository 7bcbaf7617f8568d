"""``interlock import KIND FILE``: import contacts, accounts, deals or users from CSV/XLSX.

Exit status: 0 all rows imported (or checked), 1 some rows invalid (listed
with their row numbers), 2 the file or the options cannot be used.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandParser

from interlock.core.context import Source, acting
from interlock.imports import fields, services
from interlock.imports.engine import Options, run_import
from interlock.imports.models import Kind, SavedMapping
from interlock.imports.parsing import FileProblem, read_table


class Command(BaseCommand):
    help = "Import contacts, accounts, deals or users from a CSV or XLSX file."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("kind", choices=Kind.values)
        parser.add_argument("file")
        parser.add_argument("--preset", choices=sorted(fields.PRESETS), default="")
        parser.add_argument("--mapping", default="", help="name of a saved mapping")
        parser.add_argument("--dry-run", action="store_true", help="check only; write nothing")
        parser.add_argument(
            "--strict", action="store_true", help="write nothing if any row is invalid"
        )
        parser.add_argument(
            "--create-missing", default="", help="owners,accounts: create what rows refer to"
        )
        parser.add_argument("--team", default="", help="team of created owners")
        parser.add_argument("--lost-reason", default="", help="reason for lost deals without one")
        parser.add_argument("--as", dest="as_user", default="", help="username acting")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args: Any, **opts: Any) -> None:
        from interlock.org.models import User

        code = self._run(User, opts)
        if code:
            sys.exit(code)

    def _fail(self, message: str) -> int:
        self.stderr.write(self.style.ERROR(message))
        return 2

    def _run(self, user_model: Any, opts: dict[str, Any]) -> int:
        username = opts["as_user"]
        actor = (
            user_model.objects.filter(username=username).first()
            if username
            else user_model.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
        )
        if actor is None:
            return self._fail(
                f"No user {username!r}; name an existing user with --as."
                if username
                else "There is no active admin; name the acting user with --as."
            )
        kind = opts["kind"]
        path = Path(opts["file"])
        try:
            data = path.read_bytes()
        except OSError as exc:
            return self._fail(f"Cannot read {path}: {exc.strerror or exc}")
        try:
            options = services.clean_options(
                kind,
                {
                    "dry_run": opts["dry_run"],
                    "strict": opts["strict"],
                    "create_missing": opts["create_missing"],
                    "team": opts["team"],
                    "lost_reason": opts["lost_reason"],
                },
            )
            table = read_table(path.name, data)
        except FileProblem as exc:
            return self._fail(f"{path.name}: {exc.message}")
        except ValidationError as exc:
            return self._fail("; ".join(exc.messages))
        saved = None
        if opts["mapping"]:
            found = SavedMapping.objects.filter(kind=kind, name=opts["mapping"]).first()
            if found is None:
                return self._fail(f"There is no saved {kind} mapping named {opts['mapping']!r}.")
            saved = found.columns
        mapping = fields.suggest(kind, table.headers, preset=opts["preset"], saved=saved)
        problems = fields.check_mapping(kind, mapping, table.headers)
        if problems:
            return self._fail(
                "The columns do not fit: "
                + "; ".join(problems)
                + f" (columns in the file: {', '.join(table.headers)})"
            )
        self.stdout.write(
            f"{path.name}: {len(table.rows):,} rows, {table.encoding}"
            + (f", delimiter {table.delimiter!r}" if table.delimiter else "")
        )
        for column, name in mapping.items():
            self.stdout.write(f"  {column} -> {name}")
        report = self._import(actor, kind, table, mapping, options, opts["no_progress"])
        return self._print(report)

    def _import(
        self,
        actor: Any,
        kind: str,
        table: Any,
        mapping: dict[str, str],
        options: Options,
        quiet: bool,
    ) -> dict[str, Any]:
        from tqdm import tqdm

        bar = tqdm(total=len(table.rows), unit="row", disable=quiet, file=sys.stderr)

        def tick(done: int, total: int) -> None:
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            with acting(actor, Source.IMPORT):
                return run_import(
                    actor=actor,
                    kind=kind,
                    table=table,
                    mapping=mapping,
                    options=options,
                    progress=tick,
                )
        except PermissionDenied:
            return {"file_problem": f"{actor.username} may not run this import."}
        finally:
            bar.close()

    def _print(self, report: dict[str, Any]) -> int:
        if "file_problem" in report:
            return self._fail(report["file_problem"])
        counts = report["counts"]
        for error in report["errors"]:
            self.stdout.write(
                f"row {error['row']}: {error['column']}: {error['reason']}"
                + (f" (value: {error['value']!r})" if error["value"] else "")
            )
        for dup in report["duplicates"]:
            self.stdout.write(f"row {dup['row']}: same record as row {dup['same_as']}; skipped")
        for warning in report["warnings"][:20]:
            self.stdout.write(f"row {warning['row']}: {warning['column']}: {warning['reason']}")
        for label, key in (
            ("created owners", "created_owners"),
            ("created accounts", "created_accounts"),
            ("created teams", "created_teams"),
        ):
            if report.get(key):
                self.stdout.write(f"{label}: {', '.join(report[key])}")
        for alias in report["aliases"]:
            self.stdout.write(
                f"alias: {alias['field']} {alias['value']!r} -> {alias['means']!r} "
                f"({alias['rows']} rows)"
            )
        if report["summary"]:
            summary = report["summary"]
            rate = summary.get("win_rate")
            revenue = ", ".join(f"{v} {k}" for k, v in summary.get("won_revenue", {}).items())
            self.stdout.write(
                f"won {summary['won']}, lost {summary['lost']}, open {summary['open']}; "
                f"won revenue {revenue or '0'}; win rate "
                + (f"{rate:.1%}" if rate is not None else "n/a")
            )
        state = (
            "dry run, nothing written"
            if report["dry_run"]
            else ("applied" if report["applied"] else "strict mode: nothing written")
        )
        self.stdout.write(
            f"{state}: {counts['rows']:,} rows; created {counts['created']:,}, updated "
            f"{counts['updated']:,}, unchanged {counts['unchanged']:,}, invalid "
            f"{counts['invalid']:,}, duplicates skipped {counts['duplicates']:,}"
        )
        return 1 if counts["invalid"] else 0
