"""Access cases of the imports app (merged into tests/access_web.py and tests/access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
NOT_WRITERS = ("anon", "readonly")


def _job(people: Any, status: str = "uploaded") -> Any:
    from interlock.imports.models import ImportJob

    return ImportJob.objects.create(
        created_by=people.admin,
        file_name="contacts.csv",
        stored_name="missing-on-purpose.csv",
        kind="contacts",
        mapping={"Last Name": "last_name"},
        status=status,
        report={
            "counts": {
                "rows": 0,
                "created": 0,
                "updated": 0,
                "unchanged": 0,
                "invalid": 0,
                "duplicates": 0,
            },
            "errors": [],
            "dry_run": True,
        },
    )


def _job_id(people: Any) -> dict[str, Any]:
    return {"job_id": _job(people).pk}


def _done_job_id(people: Any) -> dict[str, Any]:
    return {"job_id": _job(people, "done").pk}


WEB: dict[str, Case] = {
    "imports:start": Case(allowed=WRITERS, denied=NOT_WRITERS),
    "imports:aliases": Case(allowed=WRITERS, denied=NOT_WRITERS),
    "imports:job": Case(allowed=WRITERS, denied=NOT_WRITERS, params=_job_id),
    "imports:mapping": Case(allowed=WRITERS, denied=NOT_WRITERS, params=_job_id),
    "imports:progress": Case(allowed=WRITERS, denied=NOT_WRITERS, params=_done_job_id),
    "imports:invalid_rows": Case(allowed=WRITERS, denied=NOT_WRITERS, params=_done_job_id),
    # Applying an unchecked job is refused with a redirect back to it.
    "imports:apply": Case(allowed=WRITERS, denied=NOT_WRITERS, method="POST", params=_job_id),
}
API: dict[tuple[str, str], Case] = {
    ("GET", f"{P}/imports"): Case(allowed=WRITERS, denied=NOT_WRITERS),
    ("GET", f"{P}/imports/{{job_id}}"): Case(allowed=WRITERS, denied=NOT_WRITERS, params=_job_id),
    # An empty multipart body: allowed roles get the 422 of a missing file.
    ("POST", f"{P}/imports"): Case(allowed=WRITERS, denied=NOT_WRITERS, ok_status=(201, 422)),
}

__all__ = ["API", "WEB", "Any"]
