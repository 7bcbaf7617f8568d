"""The lifecycle's allowed moves: one table, read by the services and the pages.

A contact without a stage ("") enters as subscriber or lead, or directly as
opportunity/customer when a deal is its first sign. Creating a deal moves
any earlier stage to opportunity; a won deal makes a customer. Recycled and
disqualified are side stages that need a reason. A disqualified contact may
return to MQL when a lead-management settlement overturns the rejection that
disqualified it.
"""

from __future__ import annotations

from interlock.leads.models.lifecycle import Stage

S = Stage

TRANSITIONS: dict[str, frozenset[str]] = {
    "": frozenset({S.SUBSCRIBER, S.LEAD, S.MQL, S.OPPORTUNITY, S.CUSTOMER}),
    S.SUBSCRIBER: frozenset({S.LEAD, S.MQL, S.OPPORTUNITY, S.DISQUALIFIED}),
    S.LEAD: frozenset({S.MQL, S.OPPORTUNITY, S.RECYCLED, S.DISQUALIFIED}),
    S.MQL: frozenset({S.SAL, S.OPPORTUNITY, S.RECYCLED, S.DISQUALIFIED}),
    S.SAL: frozenset({S.SQL, S.OPPORTUNITY, S.RECYCLED, S.DISQUALIFIED}),
    S.SQL: frozenset({S.OPPORTUNITY, S.RECYCLED, S.DISQUALIFIED}),
    S.OPPORTUNITY: frozenset({S.CUSTOMER, S.RECYCLED, S.DISQUALIFIED}),
    S.CUSTOMER: frozenset(),
    S.RECYCLED: frozenset({S.LEAD, S.MQL, S.OPPORTUNITY, S.DISQUALIFIED}),
    S.DISQUALIFIED: frozenset({S.LEAD, S.MQL, S.RECYCLED}),
}

NEEDS_REASON: frozenset[str] = frozenset({S.RECYCLED, S.DISQUALIFIED})

# The MQL rule promotes only these by itself. A recycled or disqualified
# contact was sent back by sales for a reason; its old engagement would
# otherwise hand it straight back. Marketing moves it to "lead" first when it
# is worth another try, and from there the rule applies again.
AUTO_MQL_FROM: frozenset[str] = frozenset({"", S.SUBSCRIBER, S.LEAD})

# The main funnel in order (reports, the reverse funnel of the planning issue).
FUNNEL: tuple[str, ...] = (
    S.SUBSCRIBER,
    S.LEAD,
    S.MQL,
    S.SAL,
    S.SQL,
    S.OPPORTUNITY,
    S.CUSTOMER,
)


def allowed(from_stage: str, to_stage: str) -> bool:
    return to_stage in TRANSITIONS.get(from_stage or "", frozenset())


def next_stages(from_stage: str) -> list[str]:
    """The stages a contact in ``from_stage`` may move to, in funnel order."""
    order = [*FUNNEL, S.RECYCLED, S.DISQUALIFIED]
    targets = TRANSITIONS.get(from_stage or "", frozenset())
    return [stage for stage in order if stage in targets]
