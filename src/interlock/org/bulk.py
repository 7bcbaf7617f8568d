"""The bulk path for users: validated rows written with executemany."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from interlock.org.models import Team


def bulk_insert_users(*, actor: Any, rows: Sequence[dict[str, Any]], team: Team | None) -> list[int]:
    raise NotImplementedError  # filled in by the bench work
