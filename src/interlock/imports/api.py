"""REST endpoints of the imports app (mounted in interlock/api.py).

``POST /imports`` takes a multipart upload and runs it at once: a dry run by
default (``dry_run=false`` applies it). Bodies are limited by
``INTERLOCK_API_MAX_BODY_BYTES``; import big files with ``interlock import``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import File, Form, Path, Router, Schema, Status
from ninja.files import UploadedFile

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.context import Source, acting
from interlock.core.middleware import problem_response
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId, Text
from interlock.imports import selectors, services
from interlock.imports.models import ImportJob
from interlock.imports.parsing import FileProblem

router = Router(tags=["imports"])
JobId = Annotated[DbId, Path()]


class JobOut(Schema):
    id: int
    kind: str
    file_name: str
    status: str
    mapping: dict[str, str]
    options: dict[str, Any]
    counts: dict[str, int]
    progress_done: int
    progress_total: int
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    report: dict[str, Any]


JobPage = page_schema(JobOut, "ImportJobPage")


def job_row(job: ImportJob) -> dict[str, Any]:
    return {
        "id": job.pk,
        "kind": job.kind,
        "file_name": job.file_name,
        "status": job.status,
        "mapping": job.mapping,
        "options": job.options,
        "counts": job.counts,
        "progress_done": job.progress_done,
        "progress_total": job.progress_total,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "report": job.report,
    }


Short = Annotated[Text, Form("", max_length=100)]


@router.post("/imports", response={201: JobOut, **PROBLEMS}, summary="Import a file")
def imports_create(
    request: ApiRequest,
    file: Annotated[UploadedFile, File(description="CSV or XLSX")],
    kind: Annotated[Text, Form(max_length=10, description="contacts, accounts, deals, users")],
    preset: Short = "",
    mapping: Short = "",
    columns: Annotated[
        Text, Form("", max_length=20000, description='JSON: {"file column": "field"}')
    ] = "",
    dry_run: Annotated[bool, Form(True)] = True,
    strict: Annotated[bool, Form(False)] = False,
    create_missing: Short = "",
    team: Short = "",
    lost_reason: Short = "",
) -> Any:
    """Upload, map (preset, saved mapping and/or `columns`) and dry-run or apply."""
    policy.require(request.auth, "import.run")
    options = {
        "strict": strict,
        "create_missing": create_missing,
        "team": team,
        "lost_reason": lost_reason,
    }
    data = file.read()
    try:
        with acting(request.auth, Source.IMPORT):
            job = services.job_create(
                actor=request.auth,
                file_name=file.name or "upload.csv",
                data=data,
                kind=kind,
                preset=preset,
                mapping_name=mapping,
                options=options,
            )
            if columns:
                try:
                    chosen = json.loads(columns)
                except ValueError:
                    chosen = None
                if not isinstance(chosen, dict) or not all(
                    isinstance(k, str) and isinstance(v, str) for k, v in chosen.items()
                ):
                    raise ValidationError(
                        {"columns": _("Give the columns as a JSON object of text to text.")}
                    )
                services.job_set_mapping(actor=request.auth, job=job, mapping=chosen)
            services.job_run(actor=request.auth, job=job, dry_run=dry_run)
    except FileProblem as exc:
        return problem_response(
            422,
            _("The file cannot be imported"),
            exc.message,
            errors=[{"field": "file", "message": exc.message}],
        )
    return Status(201, job_row(job))


@router.get("/imports", response={200: JobPage, **PROBLEMS}, summary="List imports")
def imports_list(request: ApiRequest, cursor: Cursor = None, limit: Limit = 50) -> Any:
    """Your imports, newest first (admins: everybody's)."""
    policy.require(request.auth, "import.run")
    qs = selectors.jobs_for(request.auth).order_by("-pk")
    return paginate(qs, Keyset(("id",), descending=True), cursor=cursor, limit=limit, item=job_row)


@router.get("/imports/{job_id}", response={200: JobOut, **PROBLEMS}, summary="One import")
def imports_detail(request: ApiRequest, job_id: JobId) -> Any:
    policy.require(request.auth, "import.run")
    job = selectors.job_for(request.auth, job_id)
    if job is None:
        raise Http404
    return job_row(job)
