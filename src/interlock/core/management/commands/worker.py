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
            "--nice",
            type=int,
            default=int(os.environ.get("INTERLOCK_WORKER_NICE", "10")),
            help="Lower the worker's CPU priority by this much (0: as the web).",
        )
        parser.add_argument(
            "--write-share",
            type=float,
            default=float(os.environ.get("INTERLOCK_WORKER_WRITE_SHARE", "0.05")),
            help="On SQLite, the most of the write lock's time the worker takes while "
            "web requests are writing (0.05-1; default 0.05).",
        )
        parser.add_argument(
            "--no-periodic",
            action="store_true",
            help="Do not run periodic tasks here (when another worker does).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        from interlock.core.sqlite.base import yield_to_requests

        # Background work gives way to the people waiting for a page: on the
        # same machine the web gets the CPU first and, on the embedded SQLite,
        # the write lock between the worker's transactions.
        if opts["nice"] > 0 and hasattr(os, "nice"):
            os.nice(opts["nice"])
        # A web request that writes waits for the lock as long as the worker
        # holds it: while requests write, the worker takes a twentieth of the
        # write time in 8 ms transactions. (Captured leads wait in an intake
        # file of their own, so a burst of them does not slow the worker.)
        yield_to_requests(share=opts["write_share"])
        argv = ["--workers", str(opts["workers"]), "--worker-type", "thread"]
        if opts["no_periodic"]:
            argv.append("--no-periodic")
        # The consumer adds its own handler to the "huey" logger; without this
        # every line would be printed twice (once more through the root logger).
        logging.getLogger("huey").propagate = False
        call_command("run_huey", *argv)
