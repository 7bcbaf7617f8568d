"""The intake file: submissions wait outside the main SQLite file until the worker moves them."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from interlock.core.sqlite import base
from interlock.customers.models import Contact
from interlock.leads import intake
from interlock.leads.capture_batch import drain
from interlock.leads.models import Capture
from interlock.leads.services_capture import CaptureData, capture_accept, lead_capture
from interlock.leads.tasks_capture import sweep_captures

AT = timezone.now().replace(microsecond=0) - timedelta(hours=1)
# The intake serves SQLite's single writer; PostgreSQL stores captures directly.
sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="the intake file is for SQLite only"
)


@pytest.fixture
def intake_file(tmp_path: Path, monkeypatch: Any) -> Iterator[Path]:
    file = tmp_path / "interlock-intake.sqlite3"
    monkeypatch.setattr(base, "_locks", {})  # this test's lock files only
    with override_settings(
        LEAD_CAPTURE_INTAKE=True, LEAD_CAPTURE_INTAKE_FILE=str(file), LEAD_CAPTURE_INLINE=False
    ):
        yield file


def _rows(file: Path) -> list[tuple[int, dict[str, Any]]]:
    with sqlite3.connect(file) as conn:
        return [(pk, row) for pk, row in conn.execute("SELECT id, row FROM submission ORDER BY id")]


def test_path_is_beside_an_sqlite_file_and_empty_otherwise() -> None:
    sqlite_file = {"ENGINE": "interlock.core.sqlite", "NAME": "/srv/data/interlock.sqlite3"}
    assert intake.beside(sqlite_file) == "/srv/data/interlock-intake.sqlite3"
    for other in (
        {"ENGINE": "interlock.core.sqlite", "NAME": ":memory:"},
        {"ENGINE": "interlock.core.sqlite", "NAME": "file:memorydb?mode=memory&cache=shared"},
        {"ENGINE": "django.db.backends.postgresql", "NAME": "interlock"},
    ):
        assert intake.beside(other) == ""
    # The tests' database is in memory: no intake unless a file is named.
    with override_settings(LEAD_CAPTURE_INTAKE=True, LEAD_CAPTURE_INTAKE_FILE=""):
        assert not intake.enabled()


@sqlite_only
def test_api_stores_in_the_intake_and_the_worker_moves_it(
    people: Any, api_as: Any, intake_file: Path
) -> None:
    client = api_as("member")
    body = {"email": "eingang@firma.example", "last_name": "Eingang", "domain": "firma.example"}
    answer = client.post("/api/v1/leads", json.dumps(body), content_type="application/json")
    assert answer.status_code == 202, answer.content
    out = answer.json()
    # Stored in the intake only: the main file was not written.
    assert not Capture.objects.exists()
    assert [pk for pk, _row in _rows(intake_file)] == [out["capture_id"]]
    look = client.get(f"/api/v1/leads/captures/{out['capture_id']}")
    assert look.status_code == 200
    assert look.json()["status"] == "pending" and look.json()["contact_id"] is None
    assert look.json()["created"] is False
    assert sweep_captures.call_local() == 1
    assert _rows(intake_file) == []
    look = client.get(f"/api/v1/leads/captures/{out['capture_id']}").json()
    assert look["status"] == "done" and look["created"] is True and look["stage"] == "lead"
    contact = Contact.objects.get(pk=look["contact_id"])
    assert contact.email == "eingang@firma.example" and contact.last_name == "Eingang"
    capture = Capture.objects.get(pk=out["capture_id"])
    assert capture.payload == {} and capture.channel == "api" and capture.actor == people.member


@sqlite_only
def test_lookup_finds_a_waiting_submission_with_its_time(people: Any, intake_file: Path) -> None:
    capture = capture_accept(
        actor=people.member,
        data=CaptureData(email="zeit@firma.example", utm={"utm_source": "messe"}),
        at=AT,
    )
    found = intake.find(capture.pk)
    assert found is not None
    assert found.at == AT and found.status == "pending"
    assert found.utm == {"utm_source": "messe"}
    assert found.payload == {"email": "zeit@firma.example"}
    assert intake.find(capture.pk + 1) is None


@sqlite_only
def test_ids_start_above_the_main_tables_and_never_repeat(
    people: Any, tmp_path: Path, monkeypatch: Any
) -> None:
    monkeypatch.setattr(base, "_locks", {})
    with override_settings(LEAD_CAPTURE_INTAKE=False):
        direct = [
            capture_accept(actor=None, data=CaptureData(email=f"direkt{i}@firma.example"))
            for i in range(3)
        ]
    file = tmp_path / "spaeter-intake.sqlite3"
    with override_settings(LEAD_CAPTURE_INTAKE=True, LEAD_CAPTURE_INTAKE_FILE=str(file)):
        waiting = [
            capture_accept(actor=None, data=CaptureData(email=f"eingang{i}@firma.example"))
            for i in range(3)
        ]
        assert min(c.pk for c in waiting) > max(c.pk for c in direct)
        assert intake.absorb() == 3
        later = capture_accept(actor=None, data=CaptureData(email="danach@firma.example"))
        # The intake's sequence does not go back when its rows are gone.
        assert later.pk > max(c.pk for c in waiting)
        assert drain() == 7  # the three stored directly wait too
    assert Capture.objects.filter(status="done").count() == 7
    assert Contact.objects.filter(email__startswith="eingang").count() == 3


@sqlite_only
def test_a_move_repeated_after_a_crash_makes_nothing_twice(people: Any, intake_file: Path) -> None:
    for i in range(5):
        capture_accept(actor=None, data=CaptureData(email=f"doppelt{i}@firma.example"))
    saved = _rows(intake_file)
    assert intake.absorb() == 5
    # The worker stopped after the main file's commit, before the delete:
    # the rows are in both files.
    with sqlite3.connect(intake_file) as conn:
        conn.executemany("INSERT INTO submission (id, row) VALUES (?, ?)", saved)
    assert intake.waiting() == 5
    assert drain() == 5
    assert intake.waiting() == 0
    assert Capture.objects.count() == 5
    assert Contact.objects.filter(email__startswith="doppelt").count() == 5


@sqlite_only
def test_the_caller_who_waits_gets_the_contact_at_once(people: Any, intake_file: Path) -> None:
    queued = capture_accept(actor=None, data=CaptureData(email="vorher@firma.example"))
    capture = lead_capture(
        actor=people.member, data=CaptureData(email="sofort@firma.example"), at=AT
    )
    assert capture.status == "done" and capture.contact.email == "sofort@firma.example"
    # Stored in the main table under the intake's next id: the two never meet.
    assert capture.pk > queued.pk
    assert Capture.objects.get(pk=capture.pk).status == "done"
    assert intake.waiting() == 1 and intake.find(capture.pk) is None
    later = capture_accept(actor=None, data=CaptureData(email="danach@firma.example"))
    assert later.pk > capture.pk
    assert drain() == 2
    assert Capture.objects.get(pk=queued.pk).contact.email == "vorher@firma.example"
    assert Capture.objects.get(pk=later.pk).contact.email == "danach@firma.example"


def test_a_waiting_caller_whose_transaction_rolls_back_leaves_nothing(
    people: Any, intake_file: Path
) -> None:
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        capture = capture_accept(
            actor=None, data=CaptureData(email="zurueck@firma.example"), waits=True
        )
        raise RuntimeError("the caller failed")
    assert not Capture.objects.filter(pk=capture.pk).exists()
    assert intake.waiting() == 0
    # The id is spent, not reused.
    assert capture_accept(actor=None, data=CaptureData(email="neu@firma.example")).pk > capture.pk


@sqlite_only
def test_bad_input_is_refused_before_the_intake(people: Any, intake_file: Path) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        capture_accept(actor=None, data=CaptureData(email="nul\x00@firma.example"))
    with pytest.raises(ValidationError):
        capture_accept(actor=None, data=CaptureData(first_name="x" * 101, email="a@b.example"))
    assert intake.waiting() == 0


@sqlite_only
# available_apps makes the teardown flush cascade (audit entries point at content types).
@pytest.mark.django_db(transaction=True, available_apps=list(settings.INSTALLED_APPS))
def test_threads_storing_at_once_lose_nothing(intake_file: Path) -> None:
    ids: list[int] = []
    errors: list[BaseException] = []
    guard = threading.Lock()

    def post(n: int) -> None:
        try:
            for i in range(40):
                capture = capture_accept(
                    actor=None, data=CaptureData(email=f"t{n}-{i}@firma.example")
                )
                with guard:
                    ids.append(capture.pk)
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            from django.db import connection

            connection.close()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert len(ids) == len(set(ids)) == 240
    assert intake.waiting() == 240
    assert drain() == 240
    assert Contact.objects.filter(email__endswith="@firma.example").count() == 240


def test_waits_for_the_intake_lock_do_not_slow_the_worker(tmp_path: Path, monkeypatch: Any) -> None:
    monkeypatch.setattr(base, "_locks", {})
    lock = base.writer_lock(str(tmp_path / "eingang-writer.lock"), paced=False)
    lock.acquire(1.0)
    lock.contended_at = __import__("time").monotonic()  # someone waited just now
    lock.release()
    assert not base.others_writing()
    paced = base.writer_lock(str(tmp_path / "haupt-writer.lock"))
    paced.acquire(1.0)
    paced.contended_at = __import__("time").monotonic()
    paced.release()
    assert base.others_writing()


@sqlite_only
def test_an_id_taken_while_the_intake_was_off_gets_a_new_one(
    people: Any, intake_file: Path
) -> None:
    waiting = [
        capture_accept(actor=None, data=CaptureData(email=f"wartet{i}@firma.example"))
        for i in range(2)
    ]
    # Turned off while two submissions wait: the main table counts from its own highest id.
    with override_settings(LEAD_CAPTURE_INTAKE=False):
        direct = capture_accept(actor=None, data=CaptureData(email="direkt@firma.example"))
    assert direct.pk == waiting[0].pk  # the same id, another submission
    assert drain() == 3
    assert intake.waiting() == 0
    emails = set(Contact.objects.values_list("email", flat=True))
    assert {"wartet0@firma.example", "wartet1@firma.example", "direkt@firma.example"} <= emails
    assert Capture.objects.filter(status="done").count() == 3
