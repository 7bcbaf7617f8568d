"""Operate the agreements engine: ``interlock agreements tick|evaluate|rebuild``."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from interlock.agreements import clock, periods, rebuild
from interlock.core.context import Source, acting
from interlock.core.models import Event


def _moment(value: str | None) -> datetime:
    if not value:
        return timezone.now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--at {value!r} is not an ISO date and time") from None
    if timezone.is_naive(moment):
        raise CommandError(f"--at {value!r} needs a time zone, e.g. {value}+01:00")
    return moment


class Command(BaseCommand):
    help = "Team agreements: run the clock, evaluate periods, or rebuild from the event log."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        tick = sub.add_parser("tick", help="At risk, breaches and escalation steps due by now.")
        tick.add_argument("--at", help="Run as of this ISO moment (with time zone).")
        evaluate = sub.add_parser("evaluate", help="Evaluate quantity and quality terms.")
        evaluate.add_argument("--at", help="Evaluate as of this ISO moment (with time zone).")
        again = sub.add_parser("rebuild", help="Replay the event log into obligations (repair).")
        again.add_argument("--quiet", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **opts: Any) -> None:
        started = time.monotonic()
        action = opts["action"]
        with acting(None, Source.CLI):
            if action == "tick":
                counts = clock.tick(now=_moment(opts.get("at")))
            elif action == "evaluate":
                counts = periods.evaluate(now=_moment(opts.get("at")))
            else:
                counts = self._rebuild(quiet=opts["quiet"])
        figures = ", ".join(f"{name} {value}" for name, value in counts.items())
        self.stdout.write(f"{action}: {figures} in {time.monotonic() - started:.1f} s")

    def _rebuild(self, *, quiet: bool) -> dict[str, int]:
        if quiet:
            return rebuild.rebuild()
        from tqdm import tqdm

        total = Event.objects.count()
        with tqdm(total=total, unit="event", desc="replay", file=self.stderr) as bar:
            return rebuild.rebuild(progress=bar.update)
