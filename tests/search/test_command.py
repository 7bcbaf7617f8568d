"""`interlock search rebuild`: refills the index and says how much it indexed."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connection

from interlock.search import index
from tests.search.helpers import account, contact, found

pytestmark = pytest.mark.django_db


def test_rebuild_command_restores_a_damaged_index(people: Any) -> None:
    acme = account(people, "Kessler GmbH")
    anna = contact(people, "Becker", account=acme)
    found(people.member, "x")
    before = index.rows()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_entry")
    assert index.rows() == []
    out, err = StringIO(), StringIO()
    call_command("search", "rebuild", stdout=out, stderr=err)
    assert index.rows() == before
    assert "indexed 2 records" in out.getvalue()
    assert "contact: 1 rows" in out.getvalue()
    assert found(people.member, "becker") == [("contact", anna.pk)]

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM search_entry WHERE kind = 'account'")
    call_command("search", "rebuild", "--kind", "account", stdout=out, stderr=err)
    assert index.rows() == before  # the contacts stayed, the account is back
