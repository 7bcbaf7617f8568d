"""Serve the app with gunicorn and, unless told otherwise, the huey worker beside it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve Interlock (gunicorn, WSGI) together with its background worker."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--bind", default=os.environ.get("INTERLOCK_BIND", "127.0.0.1:8000"))
        parser.add_argument(
            "--workers", type=int, default=int(os.environ.get("INTERLOCK_WEB_WORKERS", "2"))
        )
        # One thread per worker: on the embedded SQLite a request is CPU work
        # under the GIL, and threads only interleave requests (same mean
        # latency, a much longer tail: p99 of the contact list 90 ms with 4
        # threads, 45 ms with 1). With a remote PostgreSQL, 2–4 threads let a
        # worker overlap its waits for the database.
        parser.add_argument(
            "--threads", type=int, default=int(os.environ.get("INTERLOCK_WEB_THREADS", "1"))
        )
        parser.add_argument(
            "--no-worker", action="store_true", help="Serve the web only (scale-out)."
        )
        parser.add_argument("--quiet", action="store_true", help="No access log.")

    def handle(self, *args: Any, **opts: Any) -> None:
        web = [
            sys.executable,
            "-m",
            "gunicorn",
            "interlock.wsgi:application",
            "--bind",
            opts["bind"],
            "--workers",
            str(opts["workers"]),
            "--threads",
            str(opts["threads"]),
            "--worker-class",
            "interlock.core.web_worker.ThreadWorker",
            "--keep-alive",
            "5",
            "--timeout",
            "60",
            "--graceful-timeout",
            "20",
        ]
        if not opts["quiet"]:
            web += ["--access-logfile", "-"]
        children = [subprocess.Popen(web)]  # noqa: S603  (fixed argv, no shell)
        if not opts["no_worker"]:
            worker = [sys.executable, "-m", "interlock.cli", "worker"]
            children.append(subprocess.Popen(worker))  # noqa: S603
        self.stdout.write(f"Interlock is serving on http://{opts['bind']}/  (Ctrl+C stops)")

        def stop(signum: int, _frame: Any) -> None:
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            while all(child.poll() is None for child in children):
                time.sleep(0.5)
        finally:
            stop(signal.SIGTERM, None)
            for child in children:
                try:
                    child.wait(timeout=25)
                except subprocess.TimeoutExpired:
                    child.kill()
        codes = [child.returncode for child in children]
        if any(code not in (0, -signal.SIGTERM, None) for code in codes):
            sys.exit(1)
