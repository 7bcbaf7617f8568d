"""Scorecard rollups: ``interlock agreements_rollups rebuild`` / ``refresh``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from interlock.agreements import rollups
from interlock.core.context import Source, acting


class Command(BaseCommand):
    help = "Team agreements: rebuild or refresh the scorecard rollups."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("rebuild", help="Recompute the rollups from every obligation (repair).")
        sub.add_parser("refresh", help="Recompute the days whose obligations changed.")

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.monotonic()
        with acting(None, Source.CLI):
            if opts["action"] == "rebuild":
                done = rollups.rebuild()
                what = f"{done} rollup rows"
            else:
                done = rollups.refresh()
                what = f"{done} term days recomputed"
        self.stdout.write(f"{opts['action']}: {what} in {time.monotonic() - started:.1f} s")
