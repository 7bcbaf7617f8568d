"""Ranking, prefixes, diacritics, hostile queries and who sees which kinds."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlock.core import policy
from interlock.search import selectors
from interlock.search.highlight import highlight
from tests.conftest import naughty_strings
from tests.search.helpers import account, contact, found

pytestmark = pytest.mark.django_db


def test_ranking_prefers_names_and_exact_matches(people: Any) -> None:
    acme = account(people, "Becker Logistik", domain="becker-logistik.de")
    becker = contact(people, "Becker", first_name="Jonas")
    beckmann = contact(people, "Beckmann", first_name="Eva")
    worker = contact(people, "Vogel", title="Fahrer", account=acme)  # "Becker" only in the body
    hits = found(people.member, "becker")
    assert hits[0] == ("contact", becker.pk)  # exact last name
    assert set(hits[1:]) == {("account", acme.pk), ("contact", worker.pk)}
    assert hits.index(("account", acme.pk)) < hits.index(("contact", worker.pk))  # title > body
    assert ("contact", beckmann.pk) in found(people.member, "beck")  # prefix of the last word
    assert ("contact", beckmann.pk) not in found(people.member, "becker")


def test_prefix_applies_to_the_last_word_only(people: Any) -> None:
    anna = contact(people, "Schulz", first_name="Anna")
    assert found(people.member, "anna schu") == [("contact", anna.pk)]
    assert found(people.member, "ann schulz") == []  # earlier words must match whole
    assert found(people.member, "schulz a") == []  # one letter is no prefix
    assert found(people.member, "schulz an") == [("contact", anna.pk)]


def test_diacritics_and_case_are_ignored(people: Any) -> None:
    mueller = contact(people, "Müller", first_name="Jürgen")
    assert found(people.member, "Muller") == [("contact", mueller.pk)]
    assert found(people.member, "MÜLLER jurgen") == [("contact", mueller.pk)]
    mono = contact(people, "Muller")
    assert set(found(people.member, "müller")) == {("contact", mueller.pk), ("contact", mono.pk)}


def test_email_domain_and_phone_are_found(people: Any) -> None:
    acme = account(people, "Kessler GmbH", domain="kessler-maschinenbau.de")
    anna = contact(
        people, "Becker", email="anna.becker@kessler-maschinenbau.de", phone="+49 711 1234567"
    )
    assert found(people.member, "anna.becker@kessler-maschinenbau.de")[0] == ("contact", anna.pk)
    assert found(people.member, "kessler-maschinenbau.de")[0] == ("account", acme.pk)
    assert ("contact", anna.pk) in found(people.member, "+4971112")  # phone, as stored (E.164)


def test_hostile_queries_return_results_or_nothing(people: Any) -> None:
    contact(people, "Near", first_name="Or")
    queries = [
        *naughty_strings(),
        '"',
        '""',
        "*",
        "near*",
        "NEAR(a b)",
        "a OR b",
        "NOT x",
        "-x",
        "((((",
        "a)",
        "^col:x",
        "title:x",
        "x:*",
        "'; DROP TABLE search_entry; --",
        "\\",
        "%_",
        "ŉ",
        "x" * 5000,
    ]
    for query in queries:
        hits = selectors.search(people.member, query)
        assert isinstance(hits, list), query
        selectors.counts(people.member, query)
    assert found(people.member, "NEAR") != []  # the operator word is a plain word


def test_kinds_follow_the_viewers_permissions(people: Any, monkeypatch: Any) -> None:
    acme = account(people, "Kessler GmbH")
    contact(people, "Kessler")
    assert {k for k, _ in found(people.member, "kessler")} == {"account", "contact"}

    real = policy.can

    def no_customers(user: Any, action: str, obj: Any = None) -> bool:
        return action != "customer.view" and real(user, action, obj)

    monkeypatch.setattr(policy, "can", no_customers)
    assert found(people.member, "kessler") == []
    assert selectors.allowed_kinds(people.member) == ["deal", "complaint", "idea"]
    assert found(people.member, "kessler", kinds=["account"]) == []
    monkeypatch.undo()
    assert found(people.member, "kessler", kinds=["account"]) == [("account", acme.pk)]
    assert selectors.allowed_kinds(people.inactive) == []


def test_pages_do_not_overlap(people: Any) -> None:
    for n in range(7):
        contact(people, f"Kessler{n}", first_name="Kai")
    first = found(people.member, "kai", limit=4)
    second = found(people.member, "kai", limit=4, offset=4)
    assert len(first) == 4 and len(second) == 3
    assert not set(first) & set(second)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=40), st.lists(st.text(min_size=1, max_size=8), max_size=3))
def test_highlight_keeps_text_and_escapes(text: str, words: list[str]) -> None:
    html = str(highlight(text, words))
    plain = html.replace("<mark>", "").replace("</mark>", "")
    from django.utils.html import escape

    assert plain == escape(text)


def test_highlight_marks_word_starts_without_accents() -> None:
    assert str(highlight("Jürgen Müller <b>", ["mul"])) == "Jürgen <mark>Mül</mark>ler &lt;b&gt;"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_query_words_are_plain_and_quoted(text: str) -> None:
    words = selectors.terms(text)
    assert len(words) <= selectors.MAX_TERMS
    assert all(w and all(c.isalnum() for c in w) for w in words)
    if words:
        match = selectors._match_sqlite(words)
        assert match.count('"') == 2 * len(words)
        assert match.replace('"', "").replace("*", "").split() == words


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.text(max_size=60))
def test_any_text_searches_without_error(people: Any, text: str) -> None:
    assert isinstance(selectors.search(people.member, text), list)
