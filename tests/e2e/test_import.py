"""Import in a real browser: upload a CSV with invalid rows, read the report, apply, result."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import PageLog, live_db, sign_in, skip_without_chromium

skip_without_chromium()

pytestmark = [pytest.mark.e2e, live_db()]

CSV = (
    "Record ID;First Name;Last Name;Email\n"
    "1;Jana;Kessler;jana@kessler.de\n"
    "2;Tom;;tom@brandt.de\n"
    "3;Eva;Brandt;not-an-address\n"
    "4;Max;Weber;max@weber.de\n"
)


@pytest.fixture(autouse=True)
def _uploads(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def test_upload_check_apply(live_server: Any, people: Any, desktop: Any, page_log: PageLog) -> None:
    from interlock.customers.models import Contact

    page = desktop
    sign_in(page, live_server.url, "member", PASSWORD)
    page.goto(f"{live_server.url}/import/")
    page.locator("input[name=file]").set_input_files(
        files=[{"name": "contacts.csv", "mimeType": "text/csv", "buffer": CSV.encode()}]
    )
    page.locator("select[name=kind]").select_option("contacts")
    page.locator("select[name=preset]").select_option("hubspot")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", level=1).inner_text() == "Map the columns"
    # The preset filled the mapping in.
    assert page.locator("select[name=col_2]").input_value() == "last_name"
    page.get_by_role("button", name="Check the file (dry run)").click()
    page.wait_for_load_state("networkidle")
    table = page.locator("table.import-errors")
    text = table.inner_text()
    assert "Last Name" in text and "Email" in text
    rows = [r.split("\t")[0] for r in table.locator("tbody tr").all_inner_texts()]
    assert rows == ["3", "4"]
    assert not Contact.objects.exists()
    page.get_by_role("button", name="Apply the import").click()
    page.wait_for_load_state("networkidle")
    assert page.get_by_role("heading", name="Result").is_visible()
    assert Contact.objects.count() == 2
    assert page.get_by_role("link", name="Download the invalid rows (CSV)").is_visible()
    page_log.assert_clean()


def test_import_page_at_phone_width(
    live_server: Any, people: Any, phone: Any, page_log: PageLog
) -> None:
    sign_in(phone, live_server.url, "member", PASSWORD)
    phone.goto(f"{live_server.url}/import/")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 375
    phone.keyboard.press("Tab")
    page_log.assert_clean()
