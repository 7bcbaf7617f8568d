"""Operate the search index: ``interlock search rebuild [--kind KIND …]``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from interlock.core.context import Source, acting
from interlock.search import index, services


class Command(BaseCommand):
    help = "Search index: rebuild it from the customer record."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        rebuild = sub.add_parser("rebuild", help="Refill the whole index (set-based, fast).")
        rebuild.add_argument(
            "--kind",
            action="append",
            dest="kinds",
            choices=index.KINDS,
            help="Only this kind (repeatable); default all.",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        with acting(None, Source.CLI):
            getattr(self, "do_" + opts["action"])(opts)

    def do_rebuild(self, opts: dict[str, Any]) -> None:
        kinds = tuple(opts.get("kinds") or index.KINDS)
        started = time.monotonic()
        with tqdm(total=len(kinds), unit="kind", file=self.stderr._out) as bar:

            def progress(kind: str, rows: int) -> None:
                bar.set_postfix_str(f"{kind}: {rows}")
                bar.update(1)
                bar.write(f"{kind}: {rows} rows", file=self.stdout._out)

            counts = services.rebuild_index(kinds, progress)
        total = sum(counts.values())
        self.stdout.write(f"indexed {total} records in {time.monotonic() - started:.1f} s")
