"""Operate lead management: ``interlock leads rebuild-reports|refresh-reports|process-captures``."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand

from interlock.core.context import Source, acting
from interlock.leads import rollups


class Command(BaseCommand):
    help = "Lead management: report rollups; process stored lead submissions."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "rebuild-reports", help="Recompute the report rollups from all rows (repair)."
        )
        sub.add_parser("refresh-reports", help="Fold rows newer than the watermarks in.")
        process = sub.add_parser(
            "process-captures",
            help="Process the stored lead submissions now (the worker does this on its own).",
        )
        process.add_argument(
            "--retry-failed",
            action="store_true",
            help="Try the failed ones again too (after fixing what made them fail).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.monotonic()
        if opts["action"] == "process-captures":
            from interlock.leads.capture_batch import drain
            from interlock.leads.models import Capture

            if opts.get("retry_failed"):
                Capture.objects.filter(status=Capture.Status.FAILED).exclude(payload={}).update(
                    status=Capture.Status.PENDING, error=""
                )
            with acting(None, Source.CLI):
                done = drain()
            failed = Capture.objects.filter(status=Capture.Status.FAILED).count()
            self.stdout.write(
                f"process-captures: {done} processed in {time.monotonic() - started:.1f} s; "
                f"{failed} failed in all (GET /api/v1/leads/captures/<id> says why)"
            )
            return
        with acting(None, Source.CLI):
            rebuild = opts["action"] == "rebuild-reports"
            folded = rollups.rebuild() if rebuild else rollups.refresh()
        spans = ", ".join(f"{name}: up to {span} new ids" for name, span in folded.items())
        self.stdout.write(f"{opts['action']}: {spans} in {time.monotonic() - started:.1f} s")
