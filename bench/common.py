"""Helpers shared by the benchmark children (Django is set up)."""

from __future__ import annotations

import statistics
from typing import Any

from django.db import connection


def admin() -> Any:
    from interlock.org.demo import admin_bootstrap
    from interlock.org.models import User

    existing = User.objects.filter(username="bench-admin").first()
    if existing is not None:
        return existing
    return admin_bootstrap(
        username="bench-admin",
        email="bench-admin@example.com",
        password="bench-admin-password",  # noqa: S106 (local, throwaway)
        check_password=False,
    )


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def ratio(
    project: float | None, baseline: float | None, *, higher_is_better: bool = False
) -> float | None:
    """How many times the baseline's cost the project pays."""
    if not project or not baseline:
        return None
    return round(baseline / project if higher_is_better else project / baseline, 2)


USER_COLUMNS = (
    "password",
    "last_login",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
    "role",
    "language",
    "title",
)


def raw_insert_users(cursor: Any, rows: list[tuple[Any, ...]]) -> None:
    """The plain write: executemany on SQLite, COPY on PostgreSQL (each one's fastest)."""
    cols = ", ".join(USER_COLUMNS)
    if connection.vendor == "postgresql":
        with cursor.cursor.copy(f"COPY org_user ({cols}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join(["%s"] * len(USER_COLUMNS))
    cursor.executemany(f"INSERT INTO org_user ({cols}) VALUES ({marks})", rows)


def user_tuples(rows: list[dict[str, Any]], now_db: Any) -> list[tuple[Any, ...]]:
    return [
        (
            "!",
            None,
            False,
            r["username"],
            r["first_name"],
            r["last_name"],
            r["email"],
            False,
            True,
            now_db,
            r["role"],
            r["language"],
            r["title"],
        )
        for r in rows
    ]
