"""Every naughty string survives store → API → page unchanged and harmless."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils.html import escape

from interlock.org.models import Team
from tests.conftest import naughty_strings

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_rate_limit(settings: Any) -> None:
    settings.API_RATE_LIMIT = 100_000


def test_team_names_round_trip_through_api_and_page(
    people: Any, api_as: Any, client_as: Any
) -> None:
    strings = [s for s in naughty_strings() if s.strip()]
    api = api_as("admin")
    refused = 0
    created: dict[int, str] = {}
    for n, text in enumerate(strings):
        response = api.post(
            "/api/v1/teams",
            data=json.dumps({"name": text[:100], "slug": f"naughty-{n}", "description": text}),
            content_type="application/json",
        )
        assert response.status_code in (201, 422), (text, response.status_code)
        if response.status_code == 422:
            refused += 1
            assert response["Content-Type"] == "application/problem+json"
            continue
        body = response.json()
        assert body["description"] == text
        created[body["id"]] = body["name"]
    assert len(created) > len(strings) * 0.9, f"{refused} of {len(strings)} strings were refused"

    reader = client_as("member")
    listed = {}
    cursor = None
    while True:
        page_of_teams = api.get(
            "/api/v1/teams", {"limit": 200, **({"cursor": cursor} if cursor else {})}
        ).json()
        listed |= {t["id"]: t["name"] for t in page_of_teams["items"]}
        cursor = page_of_teams["next_cursor"]
        if not cursor:
            break
    assert {k: listed[k] for k in created} == created
    # Pages for the strings that HTML cares about.
    for team_id, name in created.items():
        if not set(name) & set("<>&\"'"):
            continue
        page = reader.get(reverse("org:team", args=[team_id]))
        assert page.status_code == 200
        content = page.content.decode()
        # Shown escaped, never as markup: "<script>" arrives as "&lt;script&gt;".
        assert escape(name) in content, name
        if "<" in name:
            assert name not in content
    assert Team.objects.filter(pk__in=created).count() == len(created)
