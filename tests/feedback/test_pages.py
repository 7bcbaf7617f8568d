from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from interlock.feedback import services
from interlock.feedback.models import Complaint, Idea, IdeaRequest, IdeaVote
from tests.conftest import naughty_strings
from tests.feedback import factories as f


def test_complaint_list_filters(people: Any, client_as: Any) -> None:
    a, b = f.account("Alpha GmbH"), f.account("Beta AG")
    f.complaint(people.member, a, title="Rechnung doppelt", severity="low")
    f.complaint(people.member, b, title="Gehäuse gerissen", severity="critical")
    client = client_as("readonly")
    r = client.get(reverse("feedback:complaints"))
    assert r.status_code == 200
    assert "Rechnung doppelt" in r.content.decode() and "Gehäuse gerissen" in r.content.decode()
    r = client.get(reverse("feedback:complaints"), {"severity": "critical", "status": "open"})
    body = r.content.decode()
    assert "Gehäuse gerissen" in body and "Rechnung doppelt" not in body
    r = client.get(reverse("feedback:complaints"), {"account": a.pk}, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert "<html" not in body and "Rechnung doppelt" in body and "Gehäuse" not in body
    assert 'href="/feedback/"' in client.get(reverse("dashboard")).content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"severity": "huge"},
        {"created_from": "31.02.2024"},
        {"category": "abc"},
        {"owner": "99999999"},
        {"account": "-5"},
        {"q": "a\x00b"},
        {"page": "x" * 50},
    ],
)
def test_complaint_list_bad_filters(people: Any, client_as: Any, query: dict[str, str]) -> None:
    r = client_as("member").get(reverse("feedback:complaints"), query)
    assert r.status_code in (200, 422)


def test_create_from_account_and_bad_input(people: Any, client_as: Any) -> None:
    acc = f.account("Kessler")
    cat = f.category()
    client = client_as("member")
    r = client.get(reverse("feedback:complaint_create"), {"account": acc.pk})
    assert r.status_code == 200 and "Kessler" in r.content.decode()
    assert client.get(reverse("feedback:complaint_create"), {"account": "x"}).status_code == 200
    r = client.post(reverse("feedback:complaint_create"), {"account": acc.pk, "title": ""})
    assert r.status_code == 422
    assert not Complaint.objects.exists()
    r = client.post(
        reverse("feedback:complaint_create"),
        {
            "account": acc.pk,
            "category": cat.pk,
            "channel": "visit",
            "severity": "high",
            "title": "Techniker kam nicht",
        },
    )
    assert r.status_code == 302
    c = Complaint.objects.get()
    assert c.account == acc and c.owner is None
    assert r["Location"] == reverse("feedback:complaint", args=[c.pk])
    assert client.get(r["Location"]).status_code == 200


def test_complaint_naughty_titles(people: Any, client_as: Any) -> None:
    acc = f.account()
    cat = f.category()
    client = client_as("member")
    for text in naughty_strings()[:300]:
        r = client.post(
            reverse("feedback:complaint_create"),
            {"account": acc.pk, "category": cat.pk, "channel": "web", "title": text},
        )
        assert r.status_code in (302, 422), (text, r.status_code)


def test_status_needs_resolution_then_rate(people: Any, client_as: Any) -> None:
    c = f.complaint(people.member)
    client = client_as("member")
    client.post(reverse("feedback:complaint_respond", args=[c.pk]))
    c.refresh_from_db()
    assert c.first_response_at is not None and c.status == "in_progress"
    r = client.post(reverse("feedback:complaint_status", args=[c.pk]), {"status": "resolved"})
    assert r.status_code == 422
    assert "Say how the complaint was resolved." in r.content.decode()
    r = client.post(reverse("feedback:complaint_status", args=[c.pk]), {"status": "nope"})
    assert r.status_code == 422
    r = client.post(
        reverse("feedback:complaint_status", args=[c.pk]),
        {"status": "resolved", "resolution": "Ersatz geliefert"},
    )
    assert r.status_code == 302
    assert (
        client.post(
            reverse("feedback:complaint_rate", args=[c.pk]), {"satisfaction": "9"}
        ).status_code
        == 422
    )
    assert (
        client.post(
            reverse("feedback:complaint_rate", args=[c.pk]), {"satisfaction": "5"}
        ).status_code
        == 302
    )
    c.refresh_from_db()
    assert (c.status, c.satisfaction) == ("resolved", 5)
    r = client.get(reverse("feedback:complaint", args=[c.pk]))
    assert "5 / 5" in r.content.decode()


def test_edit_complaint(people: Any, client_as: Any) -> None:
    c = f.complaint(people.member)
    client = client_as("member")
    assert client.get(reverse("feedback:complaint_edit", args=[c.pk])).status_code == 200
    r = client.post(
        reverse("feedback:complaint_edit", args=[c.pk]),
        {"category": c.category_id, "channel": "phone", "severity": "bogus", "title": "x"},
    )
    assert r.status_code == 422
    assert client.get(reverse("feedback:complaint", args=[999999])).status_code == 404


def test_idea_pages_and_htmx_vote(people: Any, client_as: Any) -> None:
    client = client_as("member")
    r = client.post(reverse("feedback:idea_create"), {"title": "", "source": "staff"})
    assert r.status_code == 422
    r = client.post(reverse("feedback:idea_create"), {"title": "Portal", "source": "staff"})
    idea = Idea.objects.get()
    assert r["Location"] == reverse("feedback:idea", args=[idea.pk])
    url = reverse("feedback:idea_vote", args=[idea.pk])
    r = client.post(url, HTTP_HX_REQUEST="true")
    body = r.content.decode()
    assert r.status_code == 200 and "<html" not in body and 'aria-pressed="true"' in body
    client.post(url, HTTP_HX_REQUEST="true")
    assert IdeaVote.objects.count() == 1
    r = client.post(url, {"action": "unvote"}, HTTP_HX_REQUEST="true")
    assert 'aria-pressed="false"' in r.content.decode()
    assert not IdeaVote.objects.exists()

    acc = f.account("Weber KG", revenue_band="2-10m")
    r = client.post(reverse("feedback:idea_link_account", args=[idea.pk]), {"account": "x"})
    assert r.status_code == 422
    r = client.post(
        reverse("feedback:idea_link_account", args=[idea.pk]), {"account": acc.pk, "note": "bald"}
    )
    assert r.status_code == 302 and IdeaRequest.objects.filter(idea=idea).count() == 1
    page = client.get(reverse("feedback:idea", args=[idea.pk])).content.decode()
    assert "Weber KG" in page
    r = client.post(reverse("feedback:idea_status", args=[idea.pk]), {"status": "someday"})
    assert r.status_code == 422
    client.post(reverse("feedback:idea_status", args=[idea.pk]), {"status": "planned"})
    client.post(reverse("feedback:idea_unlink_account", args=[idea.pk, acc.pk]))
    assert not IdeaRequest.objects.exists()
    idea.refresh_from_db()
    assert idea.status == "planned"


def test_idea_list_sorts(people: Any, client_as: Any) -> None:
    a = f.idea(people.member, "Alpha idea")
    b = f.idea(people.member, "Beta idea")
    services.idea_vote(actor=people.lead, idea=b)
    services.idea_link_account(
        actor=people.member, idea=a, account=f.account("Big", revenue_band="250m+")
    )
    client = client_as("readonly")
    body = client.get(reverse("feedback:ideas"), {"sort": "votes"}).content.decode()
    assert body.index("Beta idea") < body.index("Alpha idea")
    body = client.get(reverse("feedback:ideas"), {"sort": "revenue"}).content.decode()
    assert body.index("Alpha idea") < body.index("Beta idea")
    assert client.get(reverse("feedback:ideas"), {"sort": "hype"}).status_code == 422
    r = client.get(reverse("feedback:ideas"), {"status": "new"}, HTTP_HX_REQUEST="true")
    assert "<html" not in r.content.decode()
