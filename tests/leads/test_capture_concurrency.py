"""Duplicate captures at the same moment give one contact (PostgreSQL: real concurrency)."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings
from django.db import connection

from interlock.customers.models import Account, Contact
from interlock.leads.models import Capture
from interlock.leads.services_capture import CaptureData, lead_capture
from tests.conftest import make_team

THREADS = 6


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (SQLite has one writer anyway)"
)
# available_apps makes the teardown flush cascade (audit entries point at content types).
@pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
def test_simultaneous_captures_of_one_email_make_one_contact() -> None:
    make_team("Sales", "sales")
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []

    def capture(i: int) -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            lead_capture(
                actor=None,
                data=CaptureData(
                    email="Same.Person@example.org",
                    first_name=f"T{i}",
                    company="Gleich GmbH",
                    domain="gleich.de",
                ),
                channel="form",
            )
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=capture, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert Contact.objects.filter(email="same.person@example.org").count() == 1
    assert Account.objects.filter(domain="gleich.de").count() == 1
    assert Capture.objects.count() == THREADS
    assert Capture.objects.filter(created=True).count() == 1


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (SQLite has one writer anyway)"
)
@pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
def test_workers_draining_at_once_process_each_capture_once() -> None:
    from interlock.leads.capture_batch import drain
    from interlock.leads.services_capture import capture_accept

    make_team("Sales", "sales")
    for i in range(40):
        data = CaptureData(
            email=f"person{i % 10}@example.org",
            first_name=f"P{i}",
            domain=f"firma{i % 4}.example",
            company=f"Firma {i % 4}",
        )
        capture_accept(actor=None, data=data, channel="form")
    barrier = threading.Barrier(THREADS)
    errors: list[BaseException] = []
    done: list[int] = []

    def work() -> None:
        from django.db import connections

        try:
            barrier.wait(timeout=10)
            done.append(drain(batch=5))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sum(done) >= 40  # a capture two workers both tried counts for both
    assert set(Capture.objects.values_list("status", flat=True)) == {"done"}
    assert Contact.objects.count() == 10
    assert Account.objects.count() == 4
    assert Capture.objects.filter(created=True).count() == 10
