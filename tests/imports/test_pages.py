"""The import pages: upload, mapping, dry run, apply with progress, result, download."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from interlock.customers.models import Contact
from interlock.imports.models import ImportJob, SavedMapping, ValueAlias
from tests.conftest import People

pytestmark = pytest.mark.django_db

CSV = (
    "Record ID,First Name,Last Name,Email\n"
    "1,Jana,Kessler,jana@kessler.de\n"
    "2,Tom,,tom@brandt.de\n"
    '3,Eva,Brandt,=HYPERLINK("http://evil")\n'
)


def _upload(client: Any, data: bytes, name: str = "contacts.csv", **extra: str) -> Any:
    return client.post(
        reverse("imports:start"),
        {"file": SimpleUploadedFile(name, data), "kind": "contacts", "preset": "hubspot", **extra},
    )


def test_whole_flow_upload_map_check_apply_result(
    people: People, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = client_as("member")
    response = _upload(client, CSV.encode())
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "imports:mapping", kwargs={"job_id": job.pk}
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'value="last_name" selected' in page.content.decode()
    response = client.post(
        reverse("imports:mapping", kwargs={"job_id": job.pk}),
        {
            "col_0": "external_id",
            "col_1": "first_name",
            "col_2": "last_name",
            "col_3": "email",
            "save_as": "My HubSpot",
        },
    )
    assert response.status_code == 302
    assert SavedMapping.objects.get(name="My HubSpot").columns["Email"] == "email"
    report_page = client.get(reverse("imports:job", kwargs={"job_id": job.pk})).content.decode()
    assert "nothing has been written yet" in report_page
    assert not Contact.objects.exists()
    job.refresh_from_db()
    assert job.status == "checked" and job.counts["invalid"] == 2
    assert [e["row"] for e in job.report["errors"]] == [3, 4]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:apply", kwargs={"job_id": job.pk}))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "done" and job.counts["created"] == 1
    assert Contact.objects.get().email == "jana@kessler.de"
    result = client.get(reverse("imports:job", kwargs={"job_id": job.pk})).content.decode()
    assert "Result" in result and "invalid.csv" in result
    progress = client.get(
        reverse("imports:progress", kwargs={"job_id": job.pk}), HTTP_HX_REQUEST="true"
    )
    assert progress["HX-Redirect"] == reverse("imports:job", kwargs={"job_id": job.pk})
    download = client.get(reverse("imports:invalid_rows", kwargs={"job_id": job.pk}))
    text = download.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in text  # neutralised for spreadsheets
    assert text.splitlines()[0].startswith("row,Record ID")


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"", "empty"),
        (b'Last Name\n"open\n', "never closed"),
        (b"Last Name\n\x81\x8d\n", "UTF-8"),
        (b"Last Name\n" + b"y" * 140_000 + b"\n", "longer than"),
    ],
)
def test_bad_files_are_a_clear_422(people: People, client_as: Any, data: bytes, words: str) -> None:
    response = _upload(client_as("member"), data)
    assert response.status_code == 422
    assert words in response.content.decode()
    assert not ImportJob.objects.exists()


def test_mapping_errors_and_strict_mode(people: People, client_as: Any) -> None:
    client = client_as("member")
    _upload(client, CSV.encode())
    job = ImportJob.objects.get()
    url = reverse("imports:mapping", kwargs={"job_id": job.pk})
    response = client.post(url, {"col_0": "email", "col_3": "email"})
    assert response.status_code == 422
    body = response.content.decode()
    assert "keep one" in body and "required field" in body
    response = client.post(url, {"col_2": "last_name", "col_3": "email", "strict": "on"})
    assert response.status_code == 302
    page = client.get(reverse("imports:job", kwargs={"job_id": job.pk})).content.decode()
    assert "Strict mode" in page
    assert reverse("imports:apply", kwargs={"job_id": job.pk}) not in page


def test_users_import_page_needs_user_management(people: People, client_as: Any) -> None:
    response = client_as("manager").post(
        reverse("imports:start"),
        {"file": SimpleUploadedFile("u.csv", b"Email\na@b.de\n"), "kind": "users"},
    )
    assert response.status_code == 403


def test_aliases_page(people: People, client_as: Any) -> None:
    client = client_as("member")
    response = client.post(
        reverse("imports:aliases"), {"field": "stage", "alias": " Closed WON ", "value": "Won"}
    )
    assert response.status_code == 302
    assert ValueAlias.objects.get().alias == "closed won"
    assert client.post(reverse("imports:aliases"), {"field": "stage"}).status_code == 422


def test_an_unexpected_error_marks_the_job_failed_not_running(
    people: People, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from interlock.imports import services

    def explode(**kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("disk full")

    client = client_as("member")
    _upload(client, CSV.encode())
    job = ImportJob.objects.get()
    monkeypatch.setattr(services, "run_import", explode)
    response = client.post(
        reverse("imports:mapping", kwargs={"job_id": job.pk}),
        {"col_2": "last_name", "col_3": "email"},
    )
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == "failed" and "nothing was written" in job.report["file_problem"]
    page = client.get(reverse("imports:job", kwargs={"job_id": job.pk}))
    assert "nothing was written" in page.content.decode()


def test_a_killed_import_can_be_run_again(
    people: People, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """The worker died mid-import (job left "running"): after 15 minutes, run it again."""
    from datetime import timedelta

    from django.utils import timezone

    client = client_as("member")
    _upload(client, CSV.encode())
    job = ImportJob.objects.get()
    client.post(
        reverse("imports:mapping", kwargs={"job_id": job.pk}),
        {"col_2": "last_name", "col_3": "email"},
    )
    ImportJob.objects.filter(pk=job.pk).update(
        status="running", started_at=timezone.now() - timedelta(minutes=5)
    )
    url = reverse("imports:job", kwargs={"job_id": job.pk})
    assert "Run the import again" not in client.get(url).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(started_at=timezone.now() - timedelta(hours=1))
    assert "Run the import again" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:apply", kwargs={"job_id": job.pk}))
    job.refresh_from_db()
    assert job.status == "done" and Contact.objects.count() == 1
