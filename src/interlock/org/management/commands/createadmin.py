"""``interlock createadmin``: create an administrator without the interactive dance.

The password comes from ``--password``, else ``INTERLOCK_ADMIN_PASSWORD``,
else a prompt (twice) when a terminal is attached. It must pass the password
validators.
"""

from __future__ import annotations

import getpass
import os
import sys
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from interlock.core.context import Source, acting
from interlock.org.demo import admin_bootstrap
from interlock.org.models import User


class Command(BaseCommand):
    help = "Create an administrator (role admin, superuser)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--username", required=True)
        parser.add_argument("--email", required=True)
        parser.add_argument(
            "--password",
            help="Visible in the process list and shell history: prefer "
            "INTERLOCK_ADMIN_PASSWORD or the prompt.",
        )
        parser.add_argument("--first-name", default="")
        parser.add_argument("--last-name", default="")

    def _password(self, opts: dict[str, Any]) -> str:
        password = opts.get("password") or os.environ.get("INTERLOCK_ADMIN_PASSWORD", "")
        if password:
            return str(password)
        if not sys.stdin.isatty():
            raise CommandError(
                "No password: pass --password, set INTERLOCK_ADMIN_PASSWORD, or run in a terminal."
            )
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The passwords do not match.")
        return first

    def handle(self, *args: Any, **opts: Any) -> None:
        username = opts["username"].strip()
        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user named {username!r} exists already.")
        password = self._password(opts)
        try:
            with acting(None, Source.CLI):
                user = admin_bootstrap(
                    username=username,
                    email=opts["email"],
                    password=password,
                    first_name=opts["first_name"],
                    last_name=opts["last_name"],
                )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"Administrator {user.username!r} created."))
