"""Quote numbers stay unique when quotes are created at the same moment (PostgreSQL)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.conf import settings
from django.db import connection, connections

from interlock.sales import services
from interlock.sales.models import Quote
from tests.sales.conftest import build_world, make_deal


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs row locks (PostgreSQL)")
# available_apps makes the teardown flush cascade (audit entries point at content types).
@pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
def test_parallel_quotes_get_distinct_numbers(people: Any) -> None:
    world = build_world(people.admin)
    deal = make_deal(world, people.member)
    barrier = threading.Barrier(6)
    errors: list[BaseException] = []

    def create() -> None:
        try:
            barrier.wait()
            services.quote_create(actor=people.member, deal=deal)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    numbers = list(Quote.objects.values_list("number", flat=True))
    assert len(numbers) == 6 == len(set(numbers))
