"""The MQL rule fired for new contacts of a capture batch: their handoff, set-based.

Runs inside the batch's transaction, right after its contacts were written:
nobody else can see them yet (PostgreSQL) or write at all (SQLite's one
lock), so their state is the one in hand — stage lead (or subscriber), no
owner, no handoff, one move at the capture's moment. For each of them, in
order: the move to MQL, routing (``routing.Router``: the same rule matching
and choice as ``route_contact``, with the rules, reps and open leads read
once for the batch and kept current in memory), the handoff with its due
time in the team's calendar. Then one statement per table: the moves, the
contacts' stage, the assignments, the profiles' routed team, the rules' last
rep, the handoffs with their audit entries, and the events.

It writes what ``services_lifecycle.promote_to_mql`` writes for the same
contact; ``tests/leads/test_capture_promote.py`` compares both.
"""

# Table and column names in SQL come from the models' _meta; values are parameters.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from interlock.core import events as core_events
from interlock.customers.models import Account, Contact
from interlock.leads import scoring
from interlock.leads.capture_rows import insert_objects
from interlock.leads.capture_write import Item, audit_created, event_row, meets_mql
from interlock.leads.models import (
    Assignment,
    Handoff,
    LeadProfile,
    LifecycleTransition,
    RoutingRule,
    Stage,
)
from interlock.leads.moves import Deadlines, handoff_payload, utc
from interlock.leads.routing import Router, assignment_for, routed_payload
from interlock.org import bulk as ob

RULE = "mql-rule"


@dataclass
class Promotion:
    item: Item
    contact: Contact
    move: LifecycleTransition
    assignment: Assignment
    handoff: Handoff


def promote(cursor: Any, items: list[Item]) -> list[Item]:
    """Hand off every item whose new contact meets the MQL rule; returns those items."""
    settings = scoring.scoring_settings()
    hot = [item for item in items if meets_mql(item, settings)]
    if not hot:
        return []
    accounts = Account.all_objects.select_related("owner").in_bulk(
        {i.account_id for i in hot if i.account_id is not None}
    )
    router = Router(lock=True)
    deadlines = Deadlines()
    done = [_one(item, accounts.get(item.account_id or 0), router, deadlines) for item in hot]
    _write(cursor, done, router)
    for promotion in done:
        promotion.item.stage = Stage.MQL
    return hot


def _one(item: Item, account: Account | None, router: Router, deadlines: Deadlines) -> Promotion:
    profile = item.profile
    assert profile is not None
    at = item.capture.at
    data = item.data
    contact = Contact(
        pk=item.contact_id,
        first_name=data.first_name,
        last_name=data.last_name or data.email.split("@", 1)[0],
        account_id=item.account_id,
        lifecycle_stage=Stage.MQL,
    )
    contact.account = account
    move = LifecycleTransition(
        contact_id=item.contact_id,
        from_stage=item.stage,
        to_stage=Stage.MQL,
        at=at,
        rule=RULE,
        reason=scoring.mql_reason(profile),
        seconds_in_previous=0,  # the capture's own move was at the same moment
        source=profile.source,
        campaign_id=profile.source_campaign_id,
        owner_id=None,
        segment=account.size if account is not None else "",
    )
    move.full_clean(exclude=["seconds_in_previous", "contact", "actor", "campaign", "owner"])
    choice = router.decide(account, at)
    router.took(choice)
    assignment = assignment_for(choice, item.contact_id, at)
    handoff = Handoff(
        contact=contact,
        team=choice.team,
        assignee=choice.user,
        handed_at=at,
        due_at=deadlines.due(choice.team, at),
        source=profile.source,
        campaign_id=profile.source_campaign_id,
    )
    handoff.full_clean(
        exclude=["response_seconds", "contact", "team", "assignee", "assignment", "campaign"],
        validate_constraints=False,
    )
    return Promotion(item, contact, move, assignment, handoff)


def _write(cursor: Any, done: list[Promotion], router: Router) -> None:
    insert_objects(cursor, [p.move for p in done])
    cursor.executemany(
        f"UPDATE {Contact._meta.db_table} SET lifecycle_stage = %s WHERE id = %s",
        [(Stage.MQL.value, p.item.contact_id) for p in done],
    )
    insert_objects(cursor, [p.assignment for p in done])
    cursor.executemany(
        f"UPDATE {LeadProfile._meta.db_table} SET routed_team_id = %s WHERE contact_id = %s",
        [(p.assignment.team_id, p.item.contact_id) for p in done],
    )
    last = {  # each round-robin rule's last rep chosen (as route_contact keeps it)
        p.assignment.rule_id: p.assignment.intended_user_id
        for p in done
        if p.assignment.rule_id is not None and p.assignment.intended_user_id is not None
    }
    cursor.executemany(
        f"UPDATE {RoutingRule._meta.db_table} SET last_user_id = %s WHERE id = %s",
        [(user, rule) for rule, user in last.items()],
    )
    for p in done:
        p.handoff.assignment = p.assignment
    insert_objects(cursor, [p.handoff for p in done])
    audit_created([p.handoff for p in done])
    _events(cursor, done)


def _events(cursor: Any, done: list[Promotion]) -> None:
    moved, routed, handed = [], [], []
    contact_label = core_events.subject_label(Contact)
    for p in done:
        move, assignment, handoff, contact = p.move, p.assignment, p.handoff, p.contact
        at = move.at
        moved.append(
            event_row(
                "lead.stage_changed",
                contact_label,
                contact.pk,
                at,
                {
                    "contact_id": contact.pk,
                    "contact_name": str(contact),
                    "owner_id": None,
                    "account_id": contact.account_id,
                    "from": move.from_stage,
                    "to": move.to_stage,
                    "rule": RULE,
                    "reason": move.reason,
                    "transition_id": move.pk,
                    "seconds_in_previous": move.seconds_in_previous,
                },
            )
        )
        routed.append(
            event_row(
                "lead.routed",
                core_events.subject_label(Assignment),
                assignment.pk,
                at,
                routed_payload(assignment, contact.account_id),
            )
        )
        profile = p.item.profile
        assert profile is not None
        handed.append(
            event_row(
                "lead.handed_off",
                core_events.subject_label(Handoff),
                handoff.pk,
                at,
                handoff_payload(handoff, due_at=utc(handoff.due_at), fit_grade=profile.fit_grade),
            )
        )
    ob.write_events(cursor, "lead.stage_changed", moved)
    ob.write_events(cursor, "lead.routed", routed)
    ob.write_events(cursor, "lead.handed_off", handed)
