"""Writes of the imports app: upload, mapping, dry run, apply; saved mappings; aliases.

The file is kept under ``<data dir>/imports/`` (the web process and the worker
must share that directory, as they share the database file on SQLite). The
import itself runs in one transaction (see :mod:`interlock.imports.engine`);
its progress goes to a small file next to the upload, because the job row
cannot be written from outside the import's transaction.
"""

from __future__ import annotations

import json
import logging
import os
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.core import events, policy
from interlock.imports import fields
from interlock.imports.engine import Options, Progress, run_import
from interlock.imports.models import ImportJob, Kind, SavedMapping, ValueAlias
from interlock.imports.parsing import FileProblem, Table, read_table
from interlock.imports.values import norm

CREATABLE = frozenset({"owners", "accounts"})
log = logging.getLogger(__name__)


def upload_dir() -> Path:
    path = Path(settings.DATA_DIR) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _require(actor: Any, kind: str) -> None:
    policy.require(actor, "import.run")
    if kind == Kind.USERS:
        policy.require(actor, "user.manage")


def clean_options(kind: str, raw: dict[str, Any]) -> Options:
    """Options from a form, the API or the CLI; ValidationError when they make no sense."""
    create = raw.get("create_missing") or []
    if isinstance(create, str):
        create = [part.strip() for part in create.split(",") if part.strip()]
    unknown = set(create) - CREATABLE
    if unknown:
        raise ValidationError(
            {
                "create_missing": _("Only owners and accounts can be created, not: %(what)s")
                % {"what": ", ".join(sorted(map(str, unknown)))}
            }
        )
    options = Options.from_dict({**raw, "create_missing": create})
    if "owners" in options.create_missing and not options.team:
        raise ValidationError({"team": _("Name the team in which the missing owners are created.")})
    return options


def job_create(
    *,
    actor: Any,
    file_name: str,
    data: bytes,
    kind: str,
    preset: str = "",
    mapping_name: str = "",
    options: dict[str, Any] | None = None,
) -> ImportJob:
    """Store an upload and suggest a mapping; FileProblem if the file cannot be read."""
    if kind not in Kind.values:
        raise ValidationError({"kind": _("Choose what the file holds.")})
    _require(actor, kind)
    cleaned = clean_options(kind, options or {})
    if preset and preset not in fields.PRESETS:
        raise ValidationError({"preset": _("Unknown preset.")})
    saved = None
    if mapping_name:
        saved = SavedMapping.objects.filter(kind=kind, name=mapping_name).first()
        if saved is None:
            raise ValidationError(
                {"mapping": _("There is no saved mapping “%(name)s”.") % {"name": mapping_name}}
            )
    table = read_table(file_name, data)
    stored = f"{uuid.uuid4().hex}{Path(file_name).suffix.lower()[:10]}"
    (upload_dir() / stored).write_bytes(data)
    mapping = fields.suggest(
        kind, table.headers, preset=preset, saved=saved.columns if saved else None
    )
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=actor if getattr(actor, "pk", None) else None,
            file_name=Path(file_name).name[:255] or "upload",
            stored_name=stored,
            kind=kind,
            mapping=mapping,
            options={**cleaned.as_dict(), "preset": preset},
            progress_total=len(table.rows),
        )
        events.record(
            "import.uploaded",
            subject=job,
            actor=actor,
            payload={"kind": kind, "file": job.file_name, "rows": len(table.rows)},
        )
    return job


def job_table(job: ImportJob) -> Table:
    try:
        data = (upload_dir() / job.stored_name).read_bytes()
    except OSError:
        raise FileProblem(
            _("The uploaded file is no longer there. Upload it again."), code="gone"
        ) from None
    return read_table(job.file_name, data)


def job_set_mapping(
    *,
    actor: Any,
    job: ImportJob,
    mapping: dict[str, str],
    options: dict[str, Any] | None = None,
    save_as: str = "",
) -> ImportJob:
    _require(actor, job.kind)
    table = job_table(job)
    mapping = {c: f for c, f in mapping.items() if f}
    problems = fields.check_mapping(job.kind, mapping, table.headers)
    if problems:
        raise ValidationError(problems)
    cleaned = clean_options(job.kind, options) if options is not None else None
    with transaction.atomic():
        job.mapping = mapping
        if cleaned is not None:
            job.options = {**cleaned.as_dict(), "preset": job.options.get("preset", "")}
        job.status = ImportJob.Status.UPLOADED
        job.save(update_fields=["mapping", "options", "status"])
        if save_as.strip():
            mapping_save(actor=actor, kind=job.kind, name=save_as, columns=mapping)
    return job


def _progress_path(job: ImportJob) -> Path:
    return upload_dir() / f"{job.stored_name}.progress"


def progress_of(job: ImportJob) -> tuple[int, int]:
    """(done, total) as the running import last wrote it."""
    try:
        data = json.loads(_progress_path(job).read_text())
        return int(data["done"]), int(data["total"])
    except (OSError, ValueError, KeyError, TypeError):
        return job.progress_done, job.progress_total


STALE_AFTER_SECONDS = 15 * 60


def is_stale(job: ImportJob) -> bool:
    """Queued or running, but no sign of life for 15 minutes (a killed worker).

    The import's transaction died with the process, so nothing of it was
    written and it can be run again.
    """
    if job.status not in {ImportJob.Status.QUEUED, ImportJob.Status.RUNNING}:
        return False
    last = job.started_at or job.created_at
    try:
        moment = _progress_path(job).stat().st_mtime
        last = max(last, datetime.fromtimestamp(moment, tz=UTC))
    except OSError:
        pass
    return (timezone.now() - last).total_seconds() > STALE_AFTER_SECONDS


def _file_progress(job: ImportJob, extra: Progress | None) -> Progress:
    path = _progress_path(job)

    def write(done: int, total: int) -> None:
        temp = path.with_suffix(".tmp")
        temp.write_text(json.dumps({"done": done, "total": total}))
        os.replace(temp, path)
        if extra is not None:
            extra(done, total)

    return write


def job_run(
    *, actor: Any, job: ImportJob, dry_run: bool, progress: Progress | None = None
) -> ImportJob:
    """Dry-run or apply ``job`` now (the worker and the CLI call this)."""
    _require(actor, job.kind)
    problems = fields.check_mapping(job.kind, job.mapping, list(job.mapping))
    options = Options.from_dict({**job.options, "dry_run": dry_run})
    job.started_at = timezone.now()
    job.status = ImportJob.Status.RUNNING
    job.save(update_fields=["started_at", "status"])
    try:
        if problems:
            raise ValidationError(problems)
        report = run_import(
            actor=actor,
            kind=job.kind,
            table=job_table(job),
            mapping=job.mapping,
            options=options,
            progress=_file_progress(job, progress),
        )
    except FileProblem as exc:
        report = {"file_problem": exc.message, "applied": False, "dry_run": dry_run}
    except ValidationError as exc:
        report = {"file_problem": " ".join(exc.messages), "applied": False, "dry_run": dry_run}
    except policy.PermissionDenied:
        raise
    except Exception:
        # Nothing was written (one transaction); say so instead of leaving "running".
        log.exception("import %s failed", job.pk)
        report = {
            "file_problem": _(
                "The import stopped on an unexpected error; nothing was written. The error "
                "was logged for the administrator."
            ),
            "applied": False,
            "dry_run": dry_run,
        }
    _finish(actor, job, report, dry_run)
    return job


def _finish(actor: Any, job: ImportJob, report: dict[str, Any], dry_run: bool) -> None:
    counts = report.get("counts", {})
    if "file_problem" in report:
        status = ImportJob.Status.FAILED
    elif dry_run:
        status = ImportJob.Status.CHECKED
    elif not report.get("applied"):
        status = ImportJob.Status.REFUSED
    else:
        status = ImportJob.Status.DONE
    with transaction.atomic():
        job.report = report
        job.counts = counts
        job.status = status
        job.progress_done = counts.get("rows", 0)
        job.progress_total = counts.get("rows", job.progress_total)
        job.finished_at = timezone.now()
        job.save()
        if not dry_run:
            events.record(
                "import.finished",
                subject=job,
                actor=actor,
                payload={"kind": job.kind, "status": status, "counts": counts},
            )
    _progress_path(job).unlink(missing_ok=True)


def job_queue(*, actor: Any, job: ImportJob) -> ImportJob:
    """Apply ``job`` in the background (the page polls its progress)."""
    from interlock.imports.tasks import apply_job

    _require(actor, job.kind)
    if job.status in {ImportJob.Status.QUEUED, ImportJob.Status.RUNNING} and not is_stale(job):
        return job
    with transaction.atomic():
        job.status = ImportJob.Status.QUEUED
        job.progress_done = 0
        job.save(update_fields=["status", "progress_done"])
        transaction.on_commit(lambda: apply_job(job.pk, getattr(actor, "pk", None)))
    return job


def mapping_save(*, actor: Any, kind: str, name: str, columns: dict[str, str]) -> SavedMapping:
    policy.require(actor, "import.run")
    name = name.strip()
    if not name or len(name) > 100:
        raise ValidationError({"save_as": _("Give the mapping a name of 1 to 100 characters.")})
    with transaction.atomic():
        saved, _created = SavedMapping.objects.update_or_create(
            kind=kind,
            name=name,
            defaults={
                "columns": columns,
                "created_by": actor if getattr(actor, "pk", None) else None,
            },
        )
    return saved


def alias_create(*, actor: Any, field: str, alias: str, value: str) -> ValueAlias:
    policy.require(actor, "import.run")
    if field not in ValueAlias.Field.values:
        raise ValidationError({"field": _("Unknown field.")})
    if not alias.strip() or not value.strip():
        raise ValidationError(_("Give both the spelling in the file and what it means."))
    obj = ValueAlias(field=field, alias=norm(alias)[:200], value=value.strip()[:200])
    obj.full_clean()
    with transaction.atomic():
        obj.save()
    return obj
