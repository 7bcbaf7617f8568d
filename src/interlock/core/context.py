"""Who is acting, and through which door (web, API, import, system).

Services read this to stamp audit entries and events without passing the
request around; it is a ContextVar, so it is safe under threads and async.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _


class Source:
    WEB = "web"
    API = "api"
    IMPORT = "import"
    SYSTEM = "system"
    CLI = "cli"

    CHOICES = [
        (WEB, _("web")),
        (API, _("API")),
        (IMPORT, _("import")),
        (SYSTEM, _("system")),
        (CLI, _("command line")),
    ]


@dataclass(frozen=True)
class Acting:
    actor: Any | None  # a User or None for the system
    source: str
    remote_addr: str | None = None


_current: ContextVar[Acting] = ContextVar(
    "interlock_acting",
    default=Acting(None, Source.SYSTEM),  # noqa: B039  (a frozen dataclass)
)


def current() -> Acting:
    return _current.get()


@contextlib.contextmanager
def acting(actor: Any | None, source: str, remote_addr: str | None = None) -> Iterator[Acting]:
    """Run a block as ``actor`` coming in through ``source``."""
    value = Acting(actor=actor, source=source, remote_addr=remote_addr)
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)
