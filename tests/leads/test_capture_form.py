"""The embeddable capture form: origins, CORS, honeypot, rate limit, answers, settings pages."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client, override_settings

from interlock.customers.models import Contact
from interlock.leads.models import Capture, CaptureForm

SITE = "https://www.kessler.de"


@pytest.fixture
def form(people: Any) -> CaptureForm:
    return CaptureForm.objects.create(
        name="Newsletter",
        allowed_origins=f"{SITE}\nhttp://localhost:8080",
        consent_text="Ich willige ein.",
        thank_you="Danke!",
        language="de",
    )


def _post(form: CaptureForm, data: dict[str, Any], origin: str | None = SITE, **extra: Any) -> Any:
    if origin:
        extra["HTTP_ORIGIN"] = origin
    return Client().post(f"/leads/f/{form.key}", data, **extra)


def test_post_from_allowed_origin_creates_the_lead_with_consent(form: CaptureForm) -> None:
    response = _post(form, {"email": "eva@example.org", "last_name": "Klein", "utm_source": "web"})
    assert response.status_code == 200 and "Danke!" in response.content.decode()
    assert response["Access-Control-Allow-Origin"] == SITE
    capture = Capture.objects.get()
    assert (capture.channel, capture.form, capture.consent_text) == (
        "form",
        form,
        "Ich willige ein.",
    )
    assert capture.utm == {"utm_source": "web"} and len(capture.ip_hash) == 64
    form.redirect_url = "https://www.kessler.de/danke"
    form.save()
    again = _post(form, {"email": "EVA@example.org"})
    assert again.status_code == 302 and again["Location"] == form.redirect_url
    assert Contact.objects.count() == 1


def test_foreign_origin_and_preflight(form: CaptureForm) -> None:
    foreign = _post(form, {"email": "x@example.org"}, origin="https://evil.example")
    assert foreign.status_code == 403
    assert "https://evil.example" in foreign.content.decode()
    by_referer = _post(
        form, {"email": "x@example.org"}, origin=None, HTTP_REFERER="https://evil.example/page"
    )
    assert by_referer.status_code == 403
    client = Client()
    ok = client.options(f"/leads/f/{form.key}", HTTP_ORIGIN="http://localhost:8080")
    assert ok.status_code == 204 and ok["Access-Control-Allow-Origin"] == "http://localhost:8080"
    assert "POST" in ok["Access-Control-Allow-Methods"]
    denied = client.options(f"/leads/f/{form.key}", HTTP_ORIGIN="https://evil.example")
    assert denied.status_code == 403 and "Access-Control-Allow-Origin" not in denied
    assert Client().post("/leads/f/nope", {"email": "x@example.org"}).status_code == 404
    assert Contact.objects.count() == 0


def test_honeypot_pretends_success_and_stores_nothing(form: CaptureForm) -> None:
    response = _post(form, {"email": "bot@example.org", "website": "http://spam"})
    assert response.status_code == 200 and "Danke!" in response.content.decode()
    assert Contact.objects.count() == 0 and Capture.objects.count() == 0


@override_settings(CAPTURE_RATE_PER_MINUTE=3)
def test_flood_from_one_address_gets_429_with_retry_after(
    form: CaptureForm, monkeypatch: Any
) -> None:
    import types

    from interlock.leads import views_capture

    # Fixed one-minute windows: a real clock crossing a minute mid-test would
    # open a fresh window. Ten seconds into a window, whatever the time is.
    monkeypatch.setattr(views_capture, "time", types.SimpleNamespace(time=lambda: 1_800_000_010.0))
    codes = [_post(form, {"email": f"f{i}@example.org"}).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]
    last = _post(form, {"email": "f9@example.org"}, HTTP_ACCEPT="application/json")
    assert last.status_code == 429 and int(last["Retry-After"]) >= 1
    assert "Wait" in last.json()["detail"] or "Warten" in last.json()["detail"]
    other = _post(form, {"email": "g@example.org"}, REMOTE_ADDR="10.1.2.3")
    assert other.status_code == 200
    assert Contact.objects.count() == 4


def test_json_post_errors_are_400_with_field_messages(form: CaptureForm) -> None:
    def send(body: Any) -> Any:
        return Client().post(
            f"/leads/f/{form.key}",
            json.dumps(body) if not isinstance(body, str) else body,
            content_type="application/json",
            HTTP_ORIGIN=SITE,
        )

    bad = send({"email": "nope", "last_name": "A"})
    assert bad.status_code == 400 and "email" in bad.json()["errors"]
    assert send("{broken").status_code == 400
    assert send(["a"]).status_code == 400
    assert send({"first_name": "x" * 500}).json()["errors"]["first_name"]
    good = send({"email": "json@example.org", "last_name": "Jason"})
    assert good.status_code == 200 and good.json()["detail"] == "Danke!"


def test_settings_pages_show_the_snippet_and_refuse_bad_origins(
    people: Any, client_as: Any, form: CaptureForm
) -> None:
    client = client_as("marketer")
    page = client.get(f"/leads/capture-forms/{form.pk}/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f"/leads/f/{form.key}" in body and 'name="website"' in body
    assert "Ich willige ein." in body
    bad = client.post(
        "/leads/capture-forms/new/",
        {"name": "Webinar", "language": "en", "allowed_origins": "https://a.example/path"},
    )
    assert bad.status_code == 422 and "not an origin" in bad.content.decode()
    good = client.post(
        "/leads/capture-forms/new/",
        {
            "name": "Webinar",
            "language": "en",
            "allowed_origins": "HTTPS://A.example:443/\n",
            "active": "on",
        },
    )
    assert good.status_code == 302
    assert CaptureForm.objects.get(name="Webinar").allowed_origins == "https://a.example"
    listing = client_as("readonly").get("/leads/capture-forms/")
    assert "Webinar" in listing.content.decode()


def test_form_post_is_stored_then_processed_by_the_worker(form: CaptureForm) -> None:
    from django.test import override_settings

    from interlock.leads.tasks_capture import sweep_captures

    with override_settings(LEAD_CAPTURE_INLINE=False):
        response = _post(form, {"email": "later@example.org", "last_name": "Später"})
    assert response.status_code == 200 and "Danke!" in response.content.decode()
    capture = Capture.objects.get()
    assert capture.status == "pending" and capture.contact_id is None
    assert capture.payload["email"] == "later@example.org"
    assert not Contact.objects.exists()
    sweep_captures.call_local()
    capture.refresh_from_db()
    assert capture.status == "done" and capture.payload == {}
    assert capture.contact.email == "later@example.org" and capture.contact.last_name == "Später"
    assert capture.consent_text == "Ich willige ein."
