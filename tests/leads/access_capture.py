"""Access cases of lead management, capture part (merged into tests/access_web.py and access_api.py)."""

from __future__ import annotations

from typing import Any

from tests.access_types import Case

P = "/api/v1"
SIGNED_IN = ("admin", "manager", "lead", "member", "marketer", "readonly")
WRITERS = ("admin", "manager", "lead", "member", "marketer")
CONFIGURERS = ("admin", "manager", "lead", "marketer")
READ: dict[str, Any] = {"allowed": SIGNED_IN, "denied": ("anon",)}
WRITE: dict[str, Any] = {"allowed": WRITERS, "denied": ("anon", "readonly")}
CONFIGURE: dict[str, Any] = {"allowed": CONFIGURERS, "denied": ("anon", "member", "readonly")}


def _form(people: Any) -> Any:
    from interlock.leads.models import CaptureForm

    return CaptureForm.objects.create(name="Messe", allowed_origins="https://www.example.com")


def _pk(people: Any) -> dict[str, Any]:
    return {"pk": _form(people).pk}


def _key(people: Any) -> dict[str, Any]:
    return {"key": _form(people).key}


def _form_id(people: Any) -> dict[str, Any]:
    return {"form_id": _form(people).pk}


def _capture_id(people: Any) -> dict[str, Any]:
    from interlock.leads.services_capture import CaptureData, lead_capture

    capture = lead_capture(actor=None, data=CaptureData(email="ida@example.org"), channel="form")
    return {"capture_id": capture.pk}


FORM_FIELDS = {"name": "Newsletter", "language": "en", "active": "on"}

WEB: dict[str, Case] = {
    "leads:capture_forms": Case(**READ),
    "leads:capture_form_create": Case(**CONFIGURE, method="POST", body=FORM_FIELDS),
    "leads:capture_form_edit": Case(**CONFIGURE, params=_pk),
    "leads:capture_form_delete": Case(**CONFIGURE, params=_pk, method="POST"),
    # The public endpoint: everybody, signed in or not (the origin check and
    # the rate limit guard it, see test_capture_form.py).
    "leads:capture_post": Case(
        allowed=("anon", *SIGNED_IN),
        denied=(),
        params=_key,
        method="POST",
        body={"email": "anna@example.org", "last_name": "Huber"},
    ),
}

API: dict[tuple[str, str], Case] = {
    ("POST", f"{P}/leads"): Case(**WRITE, body={"email": "lea@example.org", "last_name": "Roth"}),
    ("GET", f"{P}/leads/captures/{{capture_id}}"): Case(**READ, params=_capture_id),
    ("GET", f"{P}/capture-forms"): Case(**READ),
    ("POST", f"{P}/capture-forms"): Case(**CONFIGURE, body={"name": "Webinar"}),
    ("GET", f"{P}/capture-forms/{{form_id}}"): Case(**READ, params=_form_id),
    ("PATCH", f"{P}/capture-forms/{{form_id}}"): Case(
        **CONFIGURE, params=_form_id, body={"active": False}
    ),
    ("DELETE", f"{P}/capture-forms/{{form_id}}"): Case(**CONFIGURE, params=_form_id),
}
