from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Count
from django.utils import timezone
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from interlock.core.models import Event
from interlock.customers import timeline
from interlock.customers.models import TimelineEntry
from interlock.feedback import selectors, services
from interlock.feedback.models import Complaint, Idea, IdeaRequest, IdeaVote
from tests.conftest import make_user
from tests.feedback import factories as f


def _voters(n: int) -> list[Any]:
    return [make_user(f"voter{i}") for i in range(n)]


def test_vote_ordering_without_row_multiplication(people: Any) -> None:
    """Popular has 3 votes from 1 account; Wide has 2 votes from 4 accounts.

    A naive Count("votes") joined with requests counts Wide as 2×4 = 8 votes
    and puts it first; the subquery counts give 3 and 2.
    """
    voters = _voters(3)
    popular = f.idea(people.member, "Popular")
    wide = f.idea(people.member, "Wide")
    for user in voters:
        services.idea_vote(actor=user, idea=popular)
    for user in voters[:2]:
        services.idea_vote(actor=user, idea=wide)
    services.idea_link_account(actor=people.member, idea=popular, account=f.account("A0"))
    for i in range(4):
        services.idea_link_account(actor=people.member, idea=wide, account=f.account(f"W{i}"))

    naive = dict(
        Idea.objects.annotate(n=Count("votes"), r=Count("requests")).values_list("title", "n")
    )
    assert naive["Wide"] == 8  # the bug this selector avoids

    rows = list(selectors.idea_list(sort="votes"))
    assert [(i.title, i.vote_count, i.request_count) for i in rows] == [
        ("Popular", 3, 1),
        ("Wide", 2, 4),
    ]


def test_revenue_sort_uses_bands(people: Any) -> None:
    small = f.idea(people.member, "Small customers")
    big = f.idea(people.member, "Big customer")
    for i in range(2):
        services.idea_link_account(
            actor=people.member, idea=small, account=f.account(f"S{i}", revenue_band="<2m")
        )
    services.idea_link_account(
        actor=people.member, idea=big, account=f.account("B", revenue_band="250m+")
    )
    services.idea_vote(actor=people.member, idea=small)
    assert [i.title for i in selectors.idea_list(sort="revenue")] == [
        "Big customer",
        "Small customers",
    ]
    assert next(i.title for i in selectors.idea_list(sort="votes")) == "Small customers"
    asked = list(selectors.who_asked(small))
    assert {r.account.name for r in asked} == {"S0", "S1"}


def test_revenue_sort_puts_won_revenue_before_bands(people: Any) -> None:
    from decimal import Decimal

    from interlock.sales import services as sales
    from tests.sales.conftest import build_world

    build_world(people.admin)
    big = f.idea(people.member, "Big but no orders")
    buyers = f.idea(people.member, "Asked by buyers")
    twice = f.idea(people.member, "Asked by one buyer")
    services.idea_link_account(
        actor=people.member, idea=big, account=f.account("B", revenue_band="250m+")
    )
    spender = f.account("S", revenue_band="<2m")
    other = f.account("T", revenue_band="<2m")
    for idea in (buyers, twice):
        services.idea_link_account(actor=people.member, idea=idea, account=spender)
    services.idea_link_account(actor=people.member, idea=buyers, account=other)
    for account, amount in ((spender, "1000.50"), (spender, "500"), (other, "99.50")):
        deal = sales.deal_create(
            actor=people.admin, title="Order", account=account, amount=Decimal(amount)
        )
        sales.deal_win(actor=people.admin, deal=deal)
    sales.deal_create(actor=people.admin, title="Open", account=other, amount=Decimal(10**6))
    rows = list(selectors.idea_list(sort="revenue"))
    assert [(i.title, i.asked_revenue) for i in rows] == [
        ("Asked by buyers", Decimal("1600.00")),
        ("Asked by one buyer", Decimal("1500.50")),
        ("Big but no orders", Decimal("0")),
    ]


def test_who_asked_hides_trashed_accounts(people: Any) -> None:
    from interlock.core.trash import trash_move

    idea = f.idea(people.member)
    acc = f.account("Gone")
    services.idea_link_account(actor=people.member, idea=idea, account=acc)
    trash_move(obj=acc, actor=people.admin)
    assert list(selectors.who_asked(idea)) == []
    assert selectors.idea_detail(idea.pk).request_count == 0  # type: ignore[union-attr]


def test_complaint_filters_and_sorting(people: Any) -> None:
    a, b = f.account("A"), f.account("B")
    now = timezone.now()
    old = f.complaint(
        people.member, a, severity="low", created_at=now - timedelta(days=40), owner=people.lead
    )
    hot = f.complaint(people.member, b, severity="critical", category=f.category("Rechnung"))
    done = f.complaint(people.member, a, severity="high")
    Complaint.objects.filter(pk=done.pk).update(status="closed")

    def ids(**kw: Any) -> set[int]:
        return {c.pk for c in selectors.complaints(selectors.ComplaintFilters(**kw))}

    assert ids(account=a.pk) == {old.pk, done.pk}
    assert ids(severity="critical") == {hot.pk}
    assert ids(open_only=True) == {old.pk, hot.pk}
    assert ids(status="closed") == {done.pk}
    assert ids(owner=people.lead.pk) == {old.pk}
    assert ids(category=hot.category_id) == {hot.pk}
    assert ids(created_from=now - timedelta(days=1)) == {hot.pk, done.pk}
    assert ids(created_to=now - timedelta(days=1)) == {old.pk}
    assert ids(q="B") == {hot.pk}
    assert [c.pk for c in selectors.complaint_list(sort="-severity")] == [hot.pk, done.pk, old.pk]
    assert next(c.pk for c in selectors.complaint_list(sort="created")) == old.pk


def test_response_time(people: Any) -> None:
    c = f.complaint(people.member)
    assert selectors.response_time(c) is None
    c = services.complaint_respond(
        actor=people.member, complaint=c, at=c.created_at + timedelta(hours=3)
    )
    assert selectors.response_time(c) == timedelta(hours=3)


def test_timeline_entries_on_account_and_contact(people: Any) -> None:
    acc = f.account()
    con = f.contact(acc)
    c = f.complaint(people.member, acc, contact=con)
    services.complaint_respond(actor=people.member, complaint=c)
    services.complaint_set_status(
        actor=people.member, complaint=c, status="resolved", resolution="ok"
    )
    services.complaint_set_status(actor=people.member, complaint=c, status="closed")
    idea = f.idea(people.member)
    services.idea_link_account(actor=people.member, idea=idea, account=acc)
    for event in Event.objects.order_by("pk"):
        timeline.project(event)
    on_account = list(
        TimelineEntry.objects.filter(account=acc).order_by("pk").values_list("kind", flat=True)
    )
    assert on_account == ["complaint", "complaint", "complaint", "complaint", "idea"]
    assert TimelineEntry.objects.filter(contact=con, kind="complaint").count() == 4
    assert "complaint" in timeline.kinds() and "idea" in timeline.kinds()


class VoteCountProperty(HypothesisTestCase):
    """For any pattern of votes and requests, the counts equal the rows per idea."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.users = [make_user(f"pv{i}") for i in range(5)]
        cls.accounts = [f.account(f"PA{i}") for i in range(5)]

    @settings(max_examples=25, deadline=None)
    @given(
        st.lists(
            st.tuples(st.sets(st.integers(0, 4)), st.sets(st.integers(0, 4))),
            min_size=1,
            max_size=4,
        )
    )
    def test_counts(self, pattern: list[tuple[set[int], set[int]]]) -> None:
        Idea.all_objects.all().delete()
        expected = {}
        for n, (voters, askers) in enumerate(pattern):
            idea = Idea.objects.create(title=f"I{n}")
            IdeaVote.objects.bulk_create(IdeaVote(idea=idea, user=self.users[v]) for v in voters)
            IdeaRequest.objects.bulk_create(
                IdeaRequest(idea=idea, account=self.accounts[a]) for a in askers
            )
            expected[idea.pk] = (len(voters), len(askers))
        rows = list(selectors.idea_list(sort="votes"))
        assert {i.pk: (i.vote_count, i.request_count) for i in rows} == expected
        counts = [i.vote_count for i in rows]
        assert counts == sorted(counts, reverse=True)
