"""Sign-in, sign-out, login throttling, language, security headers and error pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

WRONG_LOGIN = "The user name or the password is not correct."
TOKENS = re.compile(r'(csrfmiddlewaretoken" value="|X-CSRFToken": ")[^"]+')


def _login(client: Client, username: str, password: str, ip: str = "10.0.0.1") -> Any:
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def _normalised(response: Any) -> str:
    return TOKENS.sub(r"\1…", response.content.decode())


def test_sign_in_with_right_password(people: Any) -> None:
    client = Client()
    response = _login(client, "member", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200


def test_same_answer_for_wrong_password_unknown_user_and_disabled_account(people: Any) -> None:
    answers = [
        _login(Client(), "member", "wrong password"),
        _login(Client(), "nobody", "wrong password"),
        _login(Client(), "inactive", PASSWORD),
    ]
    for response in answers:
        assert response.status_code == 200
        assert WRONG_LOGIN in response.content.decode()
    # Apart from the user name typed in, the pages are the same.
    bodies = {
        _normalised(r).replace(name, "NAME")
        for r, name in zip(answers, ["member", "nobody", "inactive"], strict=True)
    }
    assert len(bodies) == 1


def test_username_is_locked_after_too_many_failures(people: Any) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for attempt in range(limit):
        # A new address each time: the lock below is the user name's, not the address's.
        response = _login(Client(), "member", "wrong", ip=f"10.1.0.{attempt}")
        assert response.status_code in (200, 429)
    locked = _login(Client(), "member", PASSWORD, ip="10.2.0.1")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Too many failed sign-ins" in body
    assert "try again in 15 minutes" in body
    assert "_auth_user_id" not in Client().session


def test_unknown_username_is_locked_the_same_way(people: Any) -> None:
    limit = settings.AXES_FAILURE_LIMIT
    for name in ("member", "ghost"):
        for attempt in range(limit):
            _login(Client(), name, "wrong", ip=f"10.3.{len(name)}.{attempt}")
    known = _login(Client(), "member", "wrong", ip="10.4.0.1")
    unknown = _login(Client(), "ghost", "wrong", ip="10.4.0.2")
    assert known.status_code == unknown.status_code == 429
    assert _normalised(known) == _normalised(unknown)


def test_address_is_locked_after_too_many_failures(people: Any) -> None:
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        _login(Client(), f"someone{attempt}", "wrong", ip="10.9.9.9")
    assert _login(Client(), "lead", PASSWORD, ip="10.9.9.9").status_code == 429
    assert _login(Client(), "lead", PASSWORD, ip="10.9.9.10").status_code == 302


def test_logout_needs_post(client_as: Any) -> None:
    client = client_as("member")
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 302


def test_browser_language_is_the_default() -> None:
    response = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert '<html lang="de"' in response.content.decode()
    response = Client().get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="en"' in response.content.decode()


def test_language_switch_sets_german_and_back(client_as: Any) -> None:
    client = client_as("member")
    response = client.post(
        reverse("set_language"), {"language": "de", "next": "/org/"}, follow=True
    )
    assert response.redirect_chain[-1][0] == "/org/"
    assert '<html lang="de"' in response.content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en"' in response.content.decode()


def test_content_security_policy_forbids_inline_code(client_as: Any) -> None:
    response = client_as("member").get(reverse("dashboard"))
    policy = response["Content-Security-Policy"]
    directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert "'unsafe-inline'" not in directives["style-src"]


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"\sstyle\s*=|<style", re.I)


@pytest.mark.parametrize("role", ["admin", "lead", "readonly", "anon"])
def test_pages_carry_no_inline_code(role: str, people: Any, client_as: Any) -> None:
    from tests.access_web import CASES

    client = client_as(role)
    checked = 0
    for name, case in CASES.items():
        if case.method != "GET" or role not in case.allowed or name == "healthz":
            continue
        kwargs = case.params(people) if case.params else None
        response = client.get(reverse(name, kwargs=kwargs), case.extra.get("query", {}))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue  # downloads (CSV, XLSX exports) are no pages
        html = response.content.decode()
        assert not INLINE_SCRIPT.search(html), name
        assert not INLINE_HANDLER.search(html), name
        assert not INLINE_STYLE.search(html), name
        checked += 1
    assert checked


def test_htmx_comes_from_the_package_and_is_told_not_to_inject_styles(client_as: Any) -> None:
    html = client_as("member").get(reverse("dashboard")).content.decode()
    assert '<script src="/static/django_htmx/htmx-2.min.js" defer></script>' in html
    assert '"includeIndicatorStyles": false' in html
    # Every script and stylesheet is the app's own (a CSRF token in the page
    # may contain the letters "cdn" by chance: look at the addresses only).
    sources = re.findall(r'(?:src|href)="([^"]*)"', html)
    assert sources
    assert not [s for s in sources if "://" in s or s.startswith("//") or "cdn" in s.lower()]


def test_own_static_files_are_found() -> None:
    """settings.STATICFILES_DIRS must list src/interlock/static (the shell's CSS and JS)."""
    for path in ("interlock/app.css", "interlock/app.js", "django_htmx/htmx-2.min.js"):
        assert finders.find(path), f"{path} is not found by the static file finders"


def test_skip_link_landmarks_and_labels(client_as: Any) -> None:
    html = client_as("member").get(reverse("dashboard")).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert '<nav class="site-nav__modules" aria-label="Modules">' in html
    assert 'aria-disabled="true" title="Coming soon">Planning' in html
    assert (
        '<button class="nav-toggle" type="button" aria-expanded="false" aria-controls="site-nav" hidden>'
        in html
    )


def test_friendly_error_pages(client_as: Any) -> None:
    client = client_as("member")
    missing = client.get("/no-such-page/")
    assert missing.status_code == 404
    assert "This page does not exist" in missing.content.decode()
    denied = client.get(reverse("platform:trash"))
    assert denied.status_code == 403
    assert "You may not open this page" in denied.content.decode()
    assert "Something went wrong on our side" in render_to_string("500.html")


def test_language_switch_is_saved_for_the_signed_in_person(people, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("member")
    response = client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    assert response.status_code == 302
    people.member.refresh_from_db()
    assert people.member.language == "de"
    # A new browser without the cookie still gets German after signing in.
    fresh = client_as("member")
    page = fresh.get("/", HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="de"' in page.content.decode()


def test_language_switch_refuses_unknown_language(people, client_as) -> None:  # type: ignore[no-untyped-def]
    client = client_as("member")
    client.post("/i18n/setlang/", {"language": "xx", "next": "/"})
    people.member.refresh_from_db()
    assert people.member.language == ""
