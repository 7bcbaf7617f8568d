"""``interlock demo``: seed the demo company (every app's registered seeders)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from interlock.core import demo, events


class Command(BaseCommand):
    help = (
        "Seed demo data (Kessler Maschinenbau GmbH) through the services, in one "
        "transaction, and print the demo logins."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Seed only when there are no users yet; otherwise just print the logins.",
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=0,
            metavar="N",
            help="Also create N synthetic users through the bulk path (for benchmarks).",
        )
        parser.add_argument(
            "--percent",
            type=int,
            default=None,
            metavar="P",
            help="Seed P %% of the full demo (1-100; default INTERLOCK_DEMO_PERCENT or 100).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=demo.DEFAULT_SEED,
            metavar="S",
            help=f"Random seed; the same seed gives the same data (default {demo.DEFAULT_SEED}).",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["scale"] < 0:
            raise CommandError("--scale must be 0 or more.")
        if opts["percent"] is not None and not 1 <= opts["percent"] <= 100:
            raise CommandError("--percent must lie between 1 and 100.")
        if not demo.is_empty():
            if opts["if_empty"]:
                self.stdout.write("There are users already; the demo was not seeded again.")
                self._print_logins(demo.known_logins())
                return
            raise CommandError(
                "The database already has users. Seed the demo into an empty database, "
                "or use --if-empty."
            )
        ctx = demo.seed(
            seed=opts["seed"], scale=opts["scale"], percent=opts["percent"], log=self.stdout.write
        )
        # The seed delivered its own events; deliver anything else still pending
        # (e.g. of the synthetic users) so the first page shown is complete.
        delivered = events.deliver()
        if delivered:
            self.stdout.write(f"Delivered {delivered} further event notifications.")
        self.stdout.write(self.style.SUCCESS("Demo data created."))
        self._print_logins(ctx.logins)

    def _print_logins(self, logins: list[demo.Login]) -> None:
        if not logins:
            return
        self.stdout.write("\nDemo logins (the password is the same for every demo account):\n")
        self.stdout.write(demo.format_logins(logins))
