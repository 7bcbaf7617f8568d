"""Import pages: upload -> mapping -> dry-run report -> apply with progress -> result.

Views parse input, ask the policy and call imports.services; the apply step
runs in the worker (huey) and the page polls its progress with htmx. Every
step also works without JavaScript (the progress page then reloads itself
through a plain link).
"""

from __future__ import annotations

import csv
import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from interlock.core import policy
from interlock.core.context import Source, acting
from interlock.core.forms import add_service_errors
from interlock.imports import selectors, services
from interlock.imports.fields import FIELDS
from interlock.imports.forms import AliasForm, MappingForm, UploadForm
from interlock.imports.models import ImportJob
from interlock.imports.parsing import FileProblem

INVALID = 422
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _job(request: HttpRequest, pk: int) -> ImportJob:
    policy.require(request.user, "import.run")
    job = selectors.job_for(request.user, pk)
    if job is None:
        raise Http404(_("There is no such import."))
    return job


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest) -> HttpResponse:
    """The entry page: upload a file; the recent imports below."""
    policy.require(request.user, "import.run")
    mappings = [(m.name, f"{m.name} ({m.get_kind_display()})") for m in selectors.saved_mappings()]
    form = UploadForm(request.POST or None, request.FILES or None, mappings=mappings)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                with acting(request.user, Source.IMPORT):
                    job = services.job_create(
                        actor=request.user,
                        file_name=upload.name,
                        data=upload.read(),
                        kind=form.cleaned_data["kind"],
                        preset=form.cleaned_data["preset"],
                        mapping_name=form.cleaned_data["mapping"],
                    )
            except FileProblem as exc:
                form.add_error("file", exc.message)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("imports:mapping", job_id=job.pk)
        status = INVALID
    jobs = selectors.jobs_for(request.user)[:20]
    return render(request, "imports/start.html", {"form": form, "jobs": jobs}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest, job_id: int) -> HttpResponse:
    """Each file column -> a field (prefilled from the preset); options; then the dry run."""
    job = _job(request, job_id)
    if job.kind == "users" and not policy.can(request.user, "user.manage"):
        raise PermissionDenied
    try:
        table = services.job_table(job)
    except FileProblem as exc:
        return render(request, "imports/gone.html", {"job": job, "problem": exc.message})
    by_field = {column: name for column, name in job.mapping.items()}
    initial: dict[str, Any] = {
        f"col_{i}": by_field.get(header, "") for i, header in enumerate(table.headers)
    }
    initial.update(
        {k: job.options.get(k) for k in ("strict", "create_missing", "team", "lost_reason")}
    )
    form = MappingForm(request.POST or None, kind=job.kind, headers=table.headers, initial=initial)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                with acting(request.user, Source.IMPORT):
                    services.job_set_mapping(
                        actor=request.user,
                        job=job,
                        mapping=form.mapping(),
                        options=form.options(),
                        save_as=form.cleaned_data.get("save_as", ""),
                    )
                    services.job_run(actor=request.user, job=job, dry_run=True)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return redirect("imports:job", job_id=job.pk)
        status = INVALID
    samples = {
        i: [cells[i] if i < len(cells) else "" for _n, cells in table.rows[:3]]
        for i in range(len(table.headers))
    }
    rows = [(field, samples.get(i, [])) for i, field in enumerate(form.column_fields())]
    return render(
        request,
        "imports/mapping.html",
        {
            "job": job,
            "form": form,
            "rows": rows,
            "table": table,
            "required": [str(f.label) for f in FIELDS[job.kind] if f.required],
            "delimiter": _("tab") if table.delimiter == "\t" else table.delimiter,
        },
        status=status,
    )


@login_required
@require_GET
def job(request: HttpRequest, job_id: int) -> HttpResponse:
    """The dry-run report with the apply button, the progress, or the final report."""
    found = _job(request, job_id)
    done, total = services.progress_of(found)
    return render(
        request,
        "imports/job.html",
        {
            "job": found,
            "report": found.report,
            "done": done,
            "total": total,
            "columns": _preview_columns(found),
            "stale": services.is_stale(found),
        },
    )


def _preview_columns(job: ImportJob) -> list[tuple[str, Any]]:
    mapped = set(job.mapping.values())
    return [(f.name, f.label) for f in FIELDS.get(job.kind, ()) if f.name in mapped]


@login_required
@require_POST
def apply(request: HttpRequest, job_id: int) -> HttpResponse:
    found = _job(request, job_id)
    if found.status != ImportJob.Status.CHECKED and not services.is_stale(found):
        messages.warning(request, _("Check the file (dry run) before you apply it."))
        return redirect("imports:job", job_id=found.pk)
    services.job_queue(actor=request.user, job=found)
    return redirect("imports:job", job_id=found.pk)


@login_required
@require_GET
def progress(request: HttpRequest, job_id: int) -> HttpResponse:
    """The progress bar (htmx polls it); when the import has finished, reload the page."""
    found = _job(request, job_id)
    response = render(
        request,
        "imports/partials/progress.html",
        {
            "job": found,
            "done": services.progress_of(found)[0],
            "total": services.progress_of(found)[1],
        },
    )
    if found.finished and request.headers.get("HX-Request"):
        response["HX-Redirect"] = reverse("imports:job", kwargs={"job_id": found.pk})
    return response


@login_required
@require_GET
def invalid_rows(request: HttpRequest, job_id: int) -> HttpResponse:
    """The invalid rows as CSV (the file's columns plus row and reason), formulas neutralised."""
    found = _job(request, job_id)
    report = found.report or {}
    reasons: dict[int, list[str]] = {}
    for error in report.get("errors", []):
        reasons.setdefault(error["row"], []).append(f"{error['column']}: {error['reason']}")
    out = io.StringIO()
    writer = csv.writer(out)
    headers = list(report.get("file", {}).get("columns", []))
    writer.writerow([_("row"), *headers, _("reason")])
    for number, *cells in report.get("invalid_rows", []):
        writer.writerow([number, *map(_safe, cells), _safe("; ".join(reasons.get(number, [])))])
    response = HttpResponse(out.getvalue().encode("utf-8-sig"), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="import-{found.pk}-invalid.csv"'
    return response


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula."""
    return f"'{value}" if value.startswith(_FORMULA) else value


@login_required
@require_http_methods(["GET", "POST"])
def aliases(request: HttpRequest) -> HttpResponse:
    """Value aliases: "Closed Won" means the won stage, and so on."""
    from interlock.imports.models import ValueAlias

    policy.require(request.user, "import.run")
    form = AliasForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.alias_create(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The alias was saved."))
                return redirect("imports:aliases")
        status = INVALID
    return render(
        request,
        "imports/aliases.html",
        {"form": form, "aliases": ValueAlias.objects.order_by("field", "alias")},
        status=status,
    )
