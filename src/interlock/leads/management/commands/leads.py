"""Operate lead management: ``interlock leads rebuild-reports`` / ``refresh-reports``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from interlock.core.context import Source, acting
from interlock.leads import rollups


class Command(BaseCommand):
    help = "Lead management: rebuild or refresh the funnel and speed-to-lead rollups."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "rebuild-reports", help="Recompute the report rollups from all rows (repair)."
        )
        sub.add_parser("refresh-reports", help="Fold rows newer than the watermarks in.")

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.monotonic()
        with acting(None, Source.CLI):
            rebuild = opts["action"] == "rebuild-reports"
            folded = rollups.rebuild() if rebuild else rollups.refresh()
        spans = ", ".join(f"{name}: up to {span} new ids" for name, span in folded.items())
        self.stdout.write(f"{opts['action']}: {spans} in {time.monotonic() - started:.1f} s")
