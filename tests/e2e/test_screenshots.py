"""Screenshots of every page at desktop and phone size, for a person to look at.

Not a check: runs only with INTERLOCK_SCREENSHOTS=<dir> set.
"""

from __future__ import annotations

import os
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.conftest import PASSWORD
from tests.e2e.conftest import PageLog, live_db, sign_in, skip_without_chromium, watch

skip_without_chromium()

OUT = os.environ.get("INTERLOCK_SCREENSHOTS")
pytestmark = [
    pytest.mark.e2e,
    live_db(),
    pytest.mark.skipif(not OUT, reason="set INTERLOCK_SCREENSHOTS=<dir> to take screenshots"),
]


def _data(people: Any) -> None:
    from interlock.core.tokens import token_create
    from interlock.core.trash import trash_move
    from interlock.org import services
    from interlock.org.models import Absence, CompanyHoliday

    now = timezone.now()
    Absence.objects.create(
        user=people.member,
        deputy=people.lead,
        starts_at=now - timedelta(hours=2),
        ends_at=now + timedelta(days=3),
        reason="Trade fair Hannover",
    )
    Absence.objects.create(
        user=people.lead,
        deputy=people.marketer,
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=17),
        reason="Holiday",
    )
    CompanyHoliday.objects.create(
        calendar=people.sales.calendar, date=date.today() + timedelta(days=20), name="Summer party"
    )
    token_create(user=people.admin, name="Reporting script")
    services.membership_set(actor=people.admin, team=people.marketing, user=people.manager)
    gone = Absence.objects.create(
        user=people.marketer, deputy=people.member, starts_at=now, ends_at=now + timedelta(days=1)
    )
    trash_move(obj=gone, actor=people.admin)


def test_screenshots(live_server: Any, people: Any, browser: Any) -> None:
    _data(people)
    out = Path(str(OUT))
    out.mkdir(parents=True, exist_ok=True)
    pages = {
        "dashboard": "/",
        "teams": "/org/",
        "team": f"/org/teams/{people.sales.pk}/",
        "calendar": f"/org/teams/{people.sales.pk}/calendar/",
        "absences": "/org/absences/",
        "absence_new": "/org/absences/new/",
        "tokens": "/platform/tokens/",
        "trash": "/platform/trash/",
        "audit": "/platform/audit/",
        "notfound": "/nope/",
    }
    sizes = {
        "desktop": (1280, 900, "en-GB"),
        "phone": (375, 812, "en-GB"),
        "de-phone": (375, 812, "de-DE"),
    }
    for size, (width, height, locale) in sizes.items():
        context = browser.new_context(viewport={"width": width, "height": height}, locale=locale)
        page = context.new_page()
        log = PageLog()
        watch(page, log)
        page.goto(f"{live_server.url}/accounts/login/")
        page.screenshot(path=str(out / f"{size}-login.png"), full_page=True)
        sign_in(page, live_server.url, "admin", PASSWORD)
        for name, path in pages.items():
            page.goto(f"{live_server.url}{path}")
            page.screenshot(path=str(out / f"{size}-{name}.png"), full_page=True)
        if size == "desktop":
            for name in (
                "",
                "org/team/",
                f"org/team/{people.sales.pk}/change/",
                "core/auditentry/",
            ):
                page.goto(f"{live_server.url}/admin/{name}")
                page.screenshot(path=str(out / f"admin-{name.replace('/', '-') or 'index'}.png"))
        if size.endswith("phone"):
            page.goto(live_server.url)
            page.locator(".nav-toggle").click()
            page.screenshot(path=str(out / f"{size}-menu-open.png"), full_page=False)
        else:
            page.goto(live_server.url)
            page.locator("details.user-menu summary").click()
            page.screenshot(path=str(out / "desktop-user-menu.png"))
        context.close()
        print(size, log)  # read by the person who asked for the screenshots
