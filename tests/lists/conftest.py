from __future__ import annotations

from typing import Any

import pytest

from interlock.customers import services as customer_services
from interlock.customers.models import Account
from tests.e2e.conftest import _package_static, browser, page_log, phone  # noqa: F401


@pytest.fixture
def accounts(people: Any) -> list[Account]:
    """Three accounts; the second one has a formula-like name."""
    return [
        customer_services.account_create(actor=people.member, name=name, country=country)
        for name, country in (("Kessler GmbH", "DE"), ('=HYPERLINK("x")', "AT"), ("Vogt AG", "DE"))
    ]
