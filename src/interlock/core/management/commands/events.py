"""Operate the event log: list subscribers, deliver, retry failed, replay."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils.dateparse import parse_datetime

from interlock.core import events
from interlock.core.context import Source, acting
from interlock.core.models import EventDelivery


class Command(BaseCommand):
    help = "Domain events: subscribers, status, deliver, retry-failed, replay SUBSCRIBER."

    def add_arguments(self, parser: Any) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("subscribers", help="List registered subscribers and their event types.")
        sub.add_parser("status", help="Count deliveries by status.")
        sub.add_parser("deliver", help="Run every pending delivery that is due now.")
        retry = sub.add_parser("retry-failed", help="Queue failed deliveries again.")
        retry.add_argument("--subscriber")
        replay = sub.add_parser("replay", help="Feed past events to one subscriber again.")
        replay.add_argument("subscriber")
        replay.add_argument("--since", help="ISO date-time; only events from then on.")
        replay.add_argument("--type", action="append", dest="types", help="Only this event type.")

    def handle(self, *args: Any, **opts: Any) -> None:
        with acting(None, Source.CLI):
            getattr(self, "do_" + opts["action"].replace("-", "_"))(opts)

    def do_subscribers(self, opts: dict[str, Any]) -> None:
        for name, subscriber in sorted(events.subscribers().items()):
            self.stdout.write(f"{name}: {', '.join(sorted(subscriber.types))}")

    def do_status(self, opts: dict[str, Any]) -> None:
        for status in EventDelivery.Status:
            count = EventDelivery.objects.filter(status=status).count()
            self.stdout.write(f"{status.value}: {count}")

    def do_deliver(self, opts: dict[str, Any]) -> None:
        self.stdout.write(f"delivered: {events.deliver()}")

    def do_retry_failed(self, opts: dict[str, Any]) -> None:
        self.stdout.write(f"queued again: {events.retry_failed(opts.get('subscriber'))}")

    def do_replay(self, opts: dict[str, Any]) -> None:
        name = opts["subscriber"]
        if name not in events.subscribers():
            known = ", ".join(sorted(events.subscribers())) or "none"
            raise CommandError(f"No subscriber named {name!r}. Registered: {known}.")
        since = None
        if opts.get("since"):
            since = parse_datetime(opts["since"])
            if since is None:
                raise CommandError(f"--since {opts['since']!r} is not an ISO date-time.")
        count = events.replay(name, since=since, types=opts.get("types"))
        self.stdout.write(f"replayed {count} events to {name}")
