"""The imports API (multipart upload, dry run by default) and the CLI (exit codes)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from interlock.customers.models import Account, Contact
from interlock.imports.models import ImportJob
from tests.conftest import People

pytestmark = pytest.mark.django_db
P = "/api/v1"
CSV = b"Name,Website\nKessler GmbH,kessler.de\n,nameless.de\n"


def test_api_dry_run_then_apply_and_read(people: People, api_as: Any) -> None:
    client = api_as("member")
    response = client.post(
        f"{P}/imports", {"file": SimpleUploadedFile("a.csv", CSV), "kind": "accounts"}
    )
    assert response.status_code == 201, response.content
    job = response.json()
    assert job["status"] == "checked" and job["report"]["counts"]["invalid"] == 1
    assert job["report"]["errors"][0]["row"] == 3 and not Account.objects.exists()
    response = client.post(
        f"{P}/imports",
        {
            "file": SimpleUploadedFile("a.csv", CSV),
            "kind": "accounts",
            "dry_run": "false",
            "columns": json.dumps({"Name": "name", "Website": "domain"}),
        },
    )
    applied = response.json()
    assert applied["status"] == "done" and Account.objects.get().domain == "kessler.de"
    detail = client.get(f"{P}/imports/{applied['id']}")
    assert detail.status_code == 200 and detail.json()["counts"]["created"] == 1
    listing = client.get(f"{P}/imports").json()
    assert [j["id"] for j in listing["items"]] == [applied["id"], job["id"]]


def test_api_upload_may_exceed_the_json_body_limit_up_to_the_import_limit(
    people: People, api_as: Any, settings: Any
) -> None:
    settings.API_MAX_BODY_BYTES = 2048
    settings.IMPORT_MAX_BYTES = 64 * 1024
    rows = b"".join(b"Firma %d,firma%d.de\n" % (i, i) for i in range(400))
    assert settings.API_MAX_BODY_BYTES < len(rows) < settings.IMPORT_MAX_BYTES
    upload = {"file": SimpleUploadedFile("a.csv", b"Name,Website\n" + rows), "kind": "accounts"}
    response = api_as("member").post(f"{P}/imports", upload)
    assert response.status_code == 201, response.content
    assert response.json()["report"]["counts"]["invalid"] == 0
    big = {"file": SimpleUploadedFile("b.csv", b"Name\n" + b"x" * 70_000), "kind": "accounts"}
    response = api_as("member").post(f"{P}/imports", big)
    assert response.status_code == 413
    assert "65536" in response.json()["detail"]
    other = api_as("member").post(
        f"{P}/teams", data="{" + " " * 4096 + "}", content_type="application/json"
    )
    assert other.status_code == 413  # everything else keeps the small limit


@pytest.mark.parametrize(
    ("data", "extra", "field"),
    [
        (b"", {}, "file"),
        (b'Name\n"unclosed\n', {}, "file"),
        (CSV, {"kind": "planets"}, "kind"),
        (CSV, {"columns": "not json"}, "columns"),
        (CSV, {"columns": json.dumps({"Name": "nonsense"})}, None),
        (CSV, {"create_missing": "planets"}, "create_missing"),
    ],
)
def test_api_bad_input_is_a_422_problem(
    people: People, api_as: Any, data: bytes, extra: dict[str, str], field: str | None
) -> None:
    body = {"file": SimpleUploadedFile("a.csv", data), "kind": "accounts", **extra}
    response = api_as("member").post(f"{P}/imports", body)
    assert response.status_code == 422, response.content
    assert response["Content-Type"] == "application/problem+json"
    if field:
        assert field in json.dumps(response.json())
    assert not Account.objects.exists()


def test_api_hides_users_imports_and_others_404(people: People, api_as: Any) -> None:
    job = ImportJob.objects.create(file_name="u.csv", stored_name="x", kind="users")
    assert api_as("member").get(f"{P}/imports/{job.pk}").status_code == 404
    assert api_as("admin").get(f"{P}/imports/{job.pk}").status_code == 200


def _cli(*args: str) -> tuple[int, str, str]:
    import io

    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *args, "--no-progress", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_cli_exit_codes_and_report(people: People, tmp_path: Path) -> None:
    good = tmp_path / "contacts.csv"
    good.write_text("First Name,Last Name,Email\nJana,Kessler,jana@kessler.de\n")
    code, out, _err = _cli("contacts", str(good), "--preset", "hubspot", "--dry-run")
    assert code == 0 and "dry run" in out and not Contact.objects.exists()
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("First Name;Last Name;Email\nJana;Kessler;jana@kessler.de\nTom;;bad\n")
    code, out, _err = _cli("contacts", str(mixed), "--preset", "hubspot", "--as", "member")
    assert code == 1 and "row 3: Last Name" in out and "row 3: Email" in out
    assert Contact.objects.count() == 1
    code, out, _err = _cli("contacts", str(mixed), "--strict", "--as", "member")
    assert code == 1 and "strict mode: nothing written" in out
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    code, _out, err = _cli("contacts", str(empty))
    assert code == 2 and "empty" in err
    code, _out, err = _cli("contacts", str(tmp_path / "missing.csv"))
    assert code == 2 and "Cannot read" in err
    code, _out, err = _cli("contacts", str(good), "--as", "readonly")
    assert code == 2 and "may not" in err
    code, _out, err = _cli("contacts", str(good), "--create-missing", "planets")
    assert code == 2 and "planets" in err
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("Foo,Bar\n1,2\n")
    code, _out, err = _cli("contacts", str(wrong))
    assert code == 2 and "Foo, Bar" in err
