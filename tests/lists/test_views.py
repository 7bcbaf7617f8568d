"""The list pages: columns, tag filter and chips, bulk actions, saved views, export."""

from __future__ import annotations

import csv
import io
from typing import Any

from django.urls import reverse
from openpyxl import load_workbook

from interlock.customers.models import Account
from interlock.lists import services
from interlock.lists.models import SavedView
from tests.conftest import naughty_strings

HTMX = {"HTTP_HX_REQUEST": "true"}


def _csv(response: Any) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:], newline="")))


def test_columns_tag_filter_and_chips(people: Any, accounts: list[Account], client_as: Any) -> None:
    services.tags_add(actor=people.member, list_key="accounts", ids=[accounts[0].pk], name="VIP")
    client = client_as("readonly")
    url = reverse("customers:accounts")
    body = client.get(url, {"cols": ["name", "region"]}).content.decode()
    assert '<th scope="col">Region</th>' in body
    assert '<th scope="col">Industry</th>' not in body
    assert 'class="tag-chip"' in body and "VIP" in body
    assert 'name="ids"' not in body  # read-only people get no bulk bar
    filtered = client.get(url, {"tag": "vip"}, **HTMX).content.decode()
    assert "Kessler GmbH" in filtered and "Vogt AG" not in filtered and "<html" not in filtered
    assert "Kessler" not in client.get(url, {"tag": "nonexistent"}).content.decode()
    junk = client.get(url, {"cols": ["nope"], "tag": "x\x00" * 40, "page": "zz"})
    assert junk.status_code == 200 and "No accounts match" in junk.content.decode()
    plain = client.get(url, {"cols": ["nope"]}).content.decode()
    assert '<th scope="col">Industry</th>' in plain  # unknown columns: the usual ones


def test_every_list_page_renders_with_bulk_bar(people: Any, client_as: Any) -> None:
    client = client_as("member")
    for name in (
        "customers:accounts",
        "customers:contacts",
        "customers:my_work",
        "sales:deals",
        "feedback:complaints",
        "feedback:ideas",
    ):
        response = client.get(reverse(name), {"cols": "id"})
        assert response.status_code == 200, name
        assert b"Export CSV" in response.content and b"Saved views" in response.content
        german = client.get(reverse(name), {"cols": "id"}, HTTP_ACCEPT_LANGUAGE="de")
        assert german.status_code == 200, name
        page = german.content.decode()
        assert "CSV exportieren" in page and "Gespeicherte Ansichten" in page, name


def test_bulk_asks_first_then_acts_and_says_what_happened(
    people: Any, accounts: list[Account], client_as: Any
) -> None:
    client = client_as("member")
    url = reverse("lists:bulk", args=["accounts"])
    back = reverse("customers:accounts") + "?q=a"
    ids = [accounts[0].pk, accounts[2].pk]
    ask = client.post(url, {"action": "trash", "ids": ids, "next": back})
    assert ask.status_code == 200 and b"Yes, do it" in ask.content
    assert Account.objects.count() == 3
    done = client.post(
        url, {"action": "trash", "ids": ids, "next": back, "confirm": "1"}, follow=True
    )
    assert done.redirect_chain[-1][0] == back
    assert "2 rows were moved to the trash" in done.content.decode()
    assert Account.objects.count() == 1
    # select all on the page without JavaScript: the page's ids come along
    client.post(
        url,
        {
            "action": "add_tag",
            "tag": "fair",
            "all_on_page": "1",
            "page_ids": [accounts[1].pk],
            "confirm": "1",
        },
    )
    assert Account.objects.get(pk=accounts[1].pk).pk in set(
        __import__("interlock.lists.selectors", fromlist=["x"])
        .with_tag(Account.objects.all(), "fair")
        .values_list("pk", flat=True)
    )
    # an id that vanished meanwhile: nothing changes, a clear message
    gone = client.post(
        url,
        {
            "action": "assign_owner",
            "owner": people.lead.pk,
            "ids": [accounts[0].pk, accounts[1].pk],
            "confirm": "1",
        },
        follow=True,
    )
    assert "Nothing was changed" in gone.content.decode()
    assert not Account.objects.filter(owner=people.lead).exists()


def test_bulk_bad_input_is_a_clear_422(
    people: Any, accounts: list[Account], client_as: Any
) -> None:
    client = client_as("member")
    url = reverse("lists:bulk", args=["accounts"])
    for body, text in (
        ({"action": "trash"}, "Tick at least one row"),
        ({"action": "trash", "ids": "abc"}, "not valid"),
        ({"action": "trash", "ids": "9" * 30}, "not valid"),
        ({"action": "explode", "ids": accounts[0].pk}, "Select a valid choice"),
        ({"action": "assign_owner", "ids": accounts[0].pk}, "Choose the new owner"),
        ({"action": "add_tag", "ids": accounts[0].pk, "tag": "\x00"}, "Null characters"),
    ):
        response = client.post(url, body)
        assert response.status_code == 422, body
        assert text in response.content.decode(), body
    assert client.post(reverse("lists:bulk", args=["nope"]), {}).status_code == 404
    # the list does not offer it: ideas have no owner
    assert (
        client.post(
            reverse("lists:bulk", args=["ideas"]), {"action": "assign_owner", "ids": 1}
        ).status_code
        == 422
    )
    assert Account.objects.count() == 3


def test_export_is_the_current_view(people: Any, accounts: list[Account], client_as: Any) -> None:
    client = client_as("readonly")
    url = reverse("lists:export", args=["accounts"])
    rows = _csv(client.get(url, {"country": "AT", "cols": ["id", "name"], "format": "csv"}))
    assert rows == [["Name", "Id"], ['\'=HYPERLINK("x")', str(accounts[1].pk)]]
    german = client.get(url, {"format": "xlsx", "sort": "-name"}, HTTP_ACCEPT_LANGUAGE="de")
    assert german["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet: Any = load_workbook(io.BytesIO(german.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[1][0] == "Vogt AG" and len(values) == 4
    assert client.get(url, {"format": "pdf"}).status_code == 422
    bad = client.get(reverse("lists:export", args=["complaints"]), {"severity": "huge"})
    assert bad.status_code == 422 and b"not valid" in bad.content


def test_saved_views_menu(people: Any, accounts: list[Account], client_as: Any) -> None:
    client = client_as("member")
    save = reverse("lists:view_save", args=["accounts"])
    back = reverse("customers:accounts") + "?country=DE"
    response = client.post(
        save,
        {
            "name": "Home market",
            "query": "country=DE&cols=name&cols=owner",
            "next": back,
            "team": people.sales.pk,
        },
    )
    view = SavedView.objects.get()
    assert view.columns == ["name", "owner"] and view.team == people.sales
    assert response["Location"].startswith(reverse("customers:accounts"))
    assert "country=DE" in response["Location"]
    # saving again under the same name replaces it
    client.post(save, {"name": "home MARKET", "query": "country=AT", "next": back})
    assert SavedView.objects.get().query == "country=AT"
    page = client_as("lead").get(reverse("customers:accounts")).content.decode()
    assert "Home market" not in page  # no longer shared (the second save had no team)
    bad = client.post(save, {"name": "", "next": back}, follow=True)
    assert "The view was not saved" in bad.content.decode()
    assert (
        client.post(save, {"name": "x", "team": people.marketing.pk, "next": back}).status_code
        == 302
    )
    assert SavedView.objects.count() == 1  # not a team of hers
    share = reverse("lists:view_share", args=[view.pk])
    refused = client.post(share, {"team": people.marketing.pk, "next": back}, follow=True)
    assert "Choose one of your teams" in refused.content.decode()
    assert client.post(share, {"team": "x" * 30}).status_code == 302
    assert SavedView.objects.get().team is None
    client.post(share, {"team": people.sales.pk, "next": back})
    opened = client_as("lead").get(reverse("lists:view_open", args=[view.pk]))
    assert opened.status_code == 302 and "country=AT" in opened["Location"]
    assert client_as("marketer").get(reverse("lists:view_open", args=[view.pk])).status_code == 404
    assert client_as("lead").post(reverse("lists:view_delete", args=[view.pk])).status_code == 403
    client.post(reverse("lists:view_delete", args=[view.pk]), {"next": "https://evil.example/"})
    assert not SavedView.objects.exists()


def test_naughty_strings_in_list_queries(
    people: Any, accounts: list[Account], client_as: Any
) -> None:
    client = client_as("member")
    url = reverse("customers:accounts")
    export = reverse("lists:export", args=["accounts"])
    for text in naughty_strings()[::12]:
        assert client.get(url, {"q": text, "tag": text, "cols": text}, **HTMX).status_code == 200
        assert client.get(export, {"q": text, "format": "csv"}).status_code == 200
