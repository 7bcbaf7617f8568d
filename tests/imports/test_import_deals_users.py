"""Importing deals (stages by name and alias, won revenue, win rate) and users with teams."""

from __future__ import annotations

import itertools
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from interlock.customers.models import Account
from interlock.imports.models import ValueAlias
from interlock.org.models import Membership, Team, User
from interlock.sales import services as sales
from interlock.sales.models import Deal, Stage
from tests.conftest import People
from tests.imports.helpers import reasons, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def pipeline(people: People) -> Any:
    sales.lost_reason_create(actor=people.admin, name="Price")
    return sales.pipeline_create(
        actor=people.admin,
        name="Sales",
        is_default=True,
        stages=[
            sales.StageSpec("Qualified", 10),
            sales.StageSpec("Offer", 50),
            sales.StageSpec("Won", 100, Stage.Kind.WON),
            sales.StageSpec("Lost", 0, Stage.Kind.LOST),
        ],
    )


SF_OPPS = """Opportunity ID,Opportunity Name,Stage,Amount,Opportunity Currency,Close Date,Account Name,Opportunity Owner,Loss Reason
006A,Press line,Closed Won,"12.500,00",EUR,31.03.2025,Kessler GmbH,member@example.com,
006B,Spare parts,Gewonnen,2500,EUR,2025-04-02,Kessler GmbH,,
006C,Service,Closed Lost,1000,EUR,2025-04-03,Kessler GmbH,,Price
006D,Robot cell,Angebot,80000,EUR,2025-06-30,Kessler GmbH,,
006E,Mystery,Somewhere,5,EUR,,Kessler GmbH,,
006F,No reason,Closed Lost,7,EUR,,Kessler GmbH,,
006G,Bad amount,Offer,lots,EUR,,Kessler GmbH,,
006H,Orphan,Offer,1,EUR,,Nobody Inc,,
"""


def test_salesforce_opportunities_win_rate_and_revenue(people: People, pipeline: Any) -> None:
    kessler = Account.objects.create(name="Kessler GmbH")
    ValueAlias.objects.create(field="stage", alias="angebot", value="Offer")
    report = run(people.member, "deals", SF_OPPS, preset="salesforce")
    assert report["counts"]["created"] == 4 and report["counts"]["invalid"] == 4
    found = reasons(report)
    assert set(found) == {6, 7, 8, 9}
    assert "Stage" in found[6][0] and "Loss Reason" in found[7][0]
    assert "Amount" in found[8][0] and "Account Name" in found[9][0]
    summary = report["summary"]
    assert summary == {
        "won": 2,
        "lost": 1,
        "open": 1,
        "won_revenue": {"EUR": "15000.00"},
        "win_rate": round(2 / 3, 4),
    }
    # The database agrees with the file.
    won = Deal.objects.filter(account=kessler, stage__kind="won")
    assert won.aggregate(total=Sum("amount"))["total"] == Decimal("15000.00")
    press = Deal.objects.get(title="Press line")
    assert press.owner == people.member and press.won_at is not None
    assert press.won_at.date().isoformat() == "2025-03-31"
    assert {a["value"] for a in report["aliases"]} == {
        "Closed Won",
        "Gewonnen",
        "Closed Lost",
        "Angebot",
    }
    # Idempotent: the same file again changes nothing.
    again = run(people.member, "deals", SF_OPPS, preset="salesforce")
    assert again["counts"]["created"] == 0 and again["counts"]["unchanged"] == 4
    assert Deal.objects.count() == 4


_counter = itertools.count()


@settings(
    max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["Won", "Closed Lost", "Offer"]),
            st.decimals(min_value=0, max_value=10**6, places=2),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_win_rate_and_won_revenue_match_the_file(
    people: People, pipeline: Any, deals: list[tuple[str, Decimal]]
) -> None:
    account = f"Account {next(_counter)}"
    lines = ["Deal Name,Deal Stage,Amount,Associated Company,Closed Lost Reason"]
    for index, (stage, amount) in enumerate(deals):
        german = f"{amount:.2f}".replace(".", ",")
        lines.append(f'Deal {index},{stage},"{german}",{account},Price')
    report = run(
        people.member,
        "deals",
        "\n".join(lines) + "\n",
        preset="hubspot",
        create_missing=frozenset({"accounts"}),
    )
    won = [a for s, a in deals if s == "Won"]
    lost = [a for s, a in deals if s == "Closed Lost"]
    summary = report["summary"]
    assert summary["won"] == len(won) and summary["lost"] == len(lost)
    assert Decimal(summary["won_revenue"].get("EUR", "0")) == sum(won, Decimal(0))
    expected = round(len(won) / (len(won) + len(lost)), 4) if won or lost else None
    assert summary["win_rate"] == expected
    in_db = Deal.objects.filter(account__name=account, stage__kind="won")
    assert (in_db.aggregate(t=Sum("amount"))["t"] or Decimal(0)) == sum(won, Decimal(0))


USERS = """Name,E-Mail,Office,Manager,Role
Jana Kessler,jana@interlock.example,Stuttgart,boss@interlock.example,member
Bo Boss,boss@interlock.example,Stuttgart,,management
No Mail,,Stuttgart,,
Wrong Role,wrong@interlock.example,,,emperor
Member Test,member@example.com,Sales,,
"""


def test_users_with_teams_and_managers(people: People) -> None:
    mapping = {
        "Name": "full_name",
        "E-Mail": "email",
        "Office": "team",
        "Manager": "manager",
        "Role": "role",
    }
    report = run(people.admin, "users", USERS, mapping=mapping)
    assert report["counts"]["created"] == 2 and report["counts"]["invalid"] == 2
    assert report["created_teams"] == ["Stuttgart"]
    stuttgart = Team.objects.get(name="Stuttgart")
    jana = User.objects.get(email="jana@interlock.example")
    boss = User.objects.get(email="boss@interlock.example")
    assert (jana.first_name, jana.last_name, boss.role) == ("Jana", "Kessler", "management")
    assert Membership.objects.get(team=stuttgart, user=boss).role == Membership.Role.LEAD
    assert Membership.objects.get(team=stuttgart, user=jana).role == Membership.Role.MEMBER
    assert sorted(reasons(report)) == [4, 5]
    # Owners in a later contacts file now resolve.
    contacts = run(
        people.admin,
        "contacts",
        "Last Name,Contact owner\nX,jana@interlock.example\n",
        preset="hubspot",
    )
    assert contacts["counts"]["created"] == 1


def test_users_import_needs_user_management(people: People) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(people.manager, "users", USERS, mapping={"E-Mail": "email"})
