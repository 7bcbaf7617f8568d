"""Run the background workers (huey consumer) alone, e.g. on worker machines."""

from __future__ import annotations

import logging
import os
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run the background worker: event deliveries, agreement clock, periodic tasks."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("INTERLOCK_QUEUE_WORKERS", "2"))
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not run periodic tasks here (when another worker does).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        argv = ["--workers", str(opts["workers"]), "--worker-type", "thread"]
        if opts["no_periodic"]:
            argv.append("--no-periodic")
        # The consumer adds its own handler to the "huey" logger; without this
        # every line would be printed twice (once more through the root logger).
        logging.getLogger("huey").propagate = False
        call_command("run_huey", *argv)
