"""The results page, the type-ahead fragment and the navigation's search box."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from tests.search.helpers import account, contact, found

pytestmark = pytest.mark.django_db


def test_results_page_groups_by_kind_and_highlights(people: Any, client_as: Any) -> None:
    acme = account(people, "Kessler <b>Maschinenbau</b>", domain="kessler.de")
    anna = contact(people, "Kessler", first_name="Anna", account=acme)
    found(people.member, "x")  # deliver the events
    client = client_as("member")
    html = client.get(reverse("search:results"), {"q": "kessl"}).content.decode()
    assert f'href="/customers/accounts/{acme.pk}/"' in html
    assert f'href="/customers/contacts/{anna.pk}/"' in html
    assert "<mark>Kessl</mark>er &lt;b&gt;Maschinenbau&lt;/b&gt;" in html  # escaped, marked
    assert "<b>Maschinenbau" not in html
    assert 'Accounts <span class="count">1</span>' in html
    assert 'Contacts <span class="count">1</span>' in html

    only = client.get(reverse("search:results"), {"q": "kessl", "kind": "contact"}).content
    assert f"/customers/accounts/{acme.pk}/".encode() not in only


def test_results_page_says_what_to_try(people: Any, client_as: Any) -> None:
    client = client_as("readonly")
    html = client.get(reverse("search:results"), {"q": "nirgendwo"}).content.decode()
    assert "No results for “nirgendwo”." in html and "Try fewer words" in html
    html = client.get(reverse("search:results"), {"q": "***"}).content.decode()
    assert "Nothing to search for." in html
    assert client.get(reverse("search:results")).status_code == 200
    bad = client.get(reverse("search:results"), {"q": "a\x00b", "page": "zz", "kind": "x"})
    assert bad.status_code == 200


def test_results_page_pages(people: Any, client_as: Any) -> None:
    for n in range(23):
        contact(people, f"Nachname{n}", first_name="Kai")
    found(people.member, "x")
    client = client_as("member")
    html = client.get(reverse("search:results"), {"q": "kai"}).content.decode()
    assert html.count('class="search-hit"') == 20 and 'rel="next"' in html
    html = client.get(reverse("search:results"), {"q": "kai", "page": 2}).content.decode()
    assert html.count('class="search-hit"') == 3 and 'rel="prev"' in html


def test_suggestions_fragment(people: Any, client_as: Any) -> None:
    anna = contact(people, "Kessler", first_name="Anna")
    found(people.member, "x")
    client = client_as("member")
    html = client.get(reverse("search:suggest"), {"q": "kess"}).content.decode()
    assert 'role="option"' in html and f"/customers/contacts/{anna.pk}/" in html
    assert "All results for “kess”" in html
    assert client.get(reverse("search:suggest"), {"q": "k"}).content.decode().strip() == ""
    none = client.get(reverse("search:suggest"), {"q": "zzzz"}).content.decode()
    assert "No quick matches" in none


def test_navigation_has_search_box_and_import_entry(people: Any, client_as: Any) -> None:
    html = client_as("member").get(reverse("dashboard")).content.decode()
    assert 'role="search"' in html and 'action="/search/"' in html
    assert 'role="combobox"' in html and 'aria-controls="nav-search-list"' in html
    assert reverse("imports:start") in html
    readonly = client_as("readonly").get(reverse("dashboard")).content.decode()
    assert reverse("imports:start") not in readonly
