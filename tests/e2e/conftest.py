"""Browser tests: Playwright (sync API) driving the system's Chromium against live_server.

The sync API runs an event loop in this thread, which trips Django's async-safety
check on ORM calls made by the test itself; the test thread is not serving requests,
so lifting the check is safe. It is lifted only while a browser runs (per module), so
the variable never leaks into other tests or the subprocesses they start (the deploy
check rejects it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
CHROMIUM_FOUND = Path(CHROMIUM_PATH).is_file()
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def live_db() -> Any:
    """The database mark of browser tests: transactional, flushed with CASCADE afterwards.

    Naming the apps makes Django flush with CASCADE; without it PostgreSQL refuses to
    truncate org_user, which django-auditlog's unused ``auditlog_logentry`` table
    (left by its migrations next to our swapped-in AuditEntry) still references.
    """
    from django.conf import settings

    return pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))


def skip_without_chromium() -> None:
    """Call at the top of every e2e module: say loudly why browser tests do not run."""
    if not CHROMIUM_FOUND:
        pytest.skip(
            f"Chromium not found at {CHROMIUM_PATH}: browser tests skipped "
            "(install chromium or set CHROMIUM_PATH)",
            allow_module_level=True,
        )


@dataclass
class PageLog:
    """What the browser complained about while a test ran."""

    console_errors: list[str] = field(default_factory=list)
    csp_violations: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def assert_clean(self) -> None:
        assert not self.csp_violations, self.csp_violations
        assert not self.failed_requests, self.failed_requests
        assert not self.console_errors, self.console_errors


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


def watch(page: Any, log: PageLog) -> None:
    def on_console(message: Any) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            log.csp_violations.append(text)
        elif message.type == "error":
            log.console_errors.append(text)

    def on_response(response: Any) -> None:
        if response.status >= 400:
            log.failed_requests.append(f"{response.status} {response.url}")

    page.on("console", on_console)

    def on_failed(request: Any) -> None:
        failure = request.failure or ""
        # A request the page itself cancelled (the search box's type-ahead
        # replaces its previous request while one types) is not an error.
        if "ERR_ABORTED" in failure:
            return
        log.failed_requests.append(f"failed {request.url} ({failure})")

    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    # The browser also reports violations as DOM events; collect them as console errors.
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => "
        "console.error('Content Security Policy violation: ' + e.violatedDirective + ' ' + e.blockedURI));"
    )


PACKAGE_STATIC = Path(__file__).resolve().parents[2] / "src" / "interlock" / "static"


@pytest.fixture(autouse=True)
def _package_static(settings: Any) -> None:
    """Serve src/interlock/static even while settings.STATICFILES_DIRS lacks it.

    tests/core/test_views_shell.py::test_own_static_files_are_found fails until the
    setting is made; this keeps the browser tests about the pages meanwhile.
    """
    dirs = [Path(d).resolve() for d in getattr(settings, "STATICFILES_DIRS", [])]
    if PACKAGE_STATIC not in dirs:
        import warnings

        warnings.warn("settings.STATICFILES_DIRS lacks src/interlock/static", stacklevel=1)
        settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, PACKAGE_STATIC]


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
def desktop(browser: Any, page_log: PageLog) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    watch(page, page_log)
    yield page
    context.close()


@pytest.fixture
def phone(browser: Any, page_log: PageLog) -> Iterator[Any]:
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="en-GB",
    )
    page = context.new_page()
    watch(page, page_log)
    yield page
    context.close()


def sign_in(page: Any, base_url: str, username: str, password: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    # By name, not label: the labels change with the browser's language.
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
