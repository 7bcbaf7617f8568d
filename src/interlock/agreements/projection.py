"""What an obligation looks like, as a pure function of its deliverable and term.

Shared by the live subscriber (``engine.py``) and the replay (``replay.py``,
``rebuild.py``) so both write the same rows. Nothing here writes to the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from interlock.agreements import scheduling
from interlock.agreements.models import AgreementVersion, Obligation, Term
from interlock.org.business_time import CalendarSpec

IN_FORCE_STATUSES = (
    AgreementVersion.Status.ACTIVE,
    AgreementVersion.Status.SUPERSEDED,
    AgreementVersion.Status.TERMINATED,
)
OPEN_STATUSES = (Obligation.Status.OPEN, Obligation.Status.AT_RISK, Obligation.Status.BREACHED)
CLOSED_STATUSES = (Obligation.Status.FULFILLED, Obligation.Status.LATE, Obligation.Status.CANCELLED)


@dataclass(frozen=True)
class TermInfo:
    """A time term with what the engine needs of its version and agreement."""

    id: int
    version_id: int
    agreement_id: int
    receiver_team_id: int
    place: str
    hours: Decimal | None
    at_risk_percent: int | None
    start: datetime | None  # version in force from (None: never active)
    end: datetime | None

    def in_force_at(self, at: datetime) -> bool:
        if self.start is None or at < self.start:
            return False
        return self.end is None or at < self.end

    def applies(self, delivered_at: datetime, place: str) -> bool:
        return self.in_force_at(delivered_at) and (not self.place or self.place == place)


def time_terms(kinds: Iterable[str] | None = None) -> dict[str, list[TermInfo]]:
    """Time terms of versions that ever were in force, by deliverable kind."""
    qs = Term.objects.filter(
        type=Term.Type.TIME, version__status__in=IN_FORCE_STATUSES
    ).select_related("version__agreement")
    if kinds is not None:
        qs = qs.filter(deliverable__in=list(kinds))
    found: dict[str, list[TermInfo]] = {}
    for term in qs.order_by("id"):
        version = term.version
        found.setdefault(term.deliverable, []).append(
            TermInfo(
                id=term.pk,
                version_id=version.pk,
                agreement_id=version.agreement_id,
                receiver_team_id=version.agreement.receiver_team_id,
                place=term.place,
                hours=term.hours,
                at_risk_percent=term.at_risk_percent,
                start=version.in_force_from(),
                end=version.in_force_to(),
            )
        )
    return found


@dataclass
class DeliverableState:
    """The fields of a deliverable the projection reads (a Deliverable fits too)."""

    delivered_at: datetime | None
    fulfilled_at: datetime | None
    cancelled_at: datetime | None
    place: str
    team_id: int | None
    assignee_id: int | None
    due_at: datetime | None


def obligation_fields(
    deliverable: Any,
    term: TermInfo,
    spec: CalendarSpec | None,
    resolve: Callable[[int | None, datetime], int | None],
) -> dict[str, Any]:
    """The obligation of ``term`` for ``deliverable`` as the events alone define it.

    Clock-driven states (at risk, breached) are not set here: an unfulfilled
    obligation is "open" with ``check_at`` at its first pending moment.
    """
    delivered_at: datetime = deliverable.delivered_at
    when = scheduling.deadline(
        spec,
        start=delivered_at,
        hours=term.hours,
        at_risk_percent=term.at_risk_percent,
        due_at=deliverable.due_at,
    )
    routed = deliverable.assignee_id
    fields: dict[str, Any] = {
        "term_id": term.id,
        "version_id": term.version_id,
        "agreement_id": term.agreement_id,
        "team_id": deliverable.team_id or term.receiver_team_id,
        "routed_to_id": routed,
        "assignee_id": resolve(routed, delivered_at),
        "opened_at": delivered_at,
        "at_risk_at": when.at_risk_at,
        "due_at": when.due_at,
        "problem": when.problem[:200],
    }
    fields.update(closing_fields(deliverable, when.due_at, spec))
    if fields["status"] == Obligation.Status.OPEN:
        # Ladder steps come at or after these moments (offsets are never negative).
        fields["check_at"] = when.at_risk_at or when.due_at
    return fields


def closing_fields(deliverable: Any, due_at: datetime, spec: CalendarSpec | None) -> dict[str, Any]:
    """Status and timestamps that follow from fulfilment or cancellation."""
    fulfilled_at = deliverable.fulfilled_at
    if fulfilled_at is not None:
        late = fulfilled_at > due_at
        start = deliverable.delivered_at
        spent = scheduling.between(spec, start, fulfilled_at) if fulfilled_at > start else None
        return {
            "status": Obligation.Status.LATE if late else Obligation.Status.FULFILLED,
            "fulfilled_at": fulfilled_at,
            "breached_at": due_at if late else None,
            "business_seconds": int(spent.total_seconds()) if spent is not None else 0,
            "check_at": None,
        }
    if deliverable.cancelled_at is not None:
        return {
            "status": Obligation.Status.CANCELLED,
            "fulfilled_at": None,
            "breached_at": None,
            "business_seconds": None,
            "check_at": None,
        }
    return {
        "status": Obligation.Status.OPEN,
        "fulfilled_at": None,
        "breached_at": None,
        "business_seconds": None,
        "check_at": None,  # the caller sets the first pending moment
    }


SCHEDULE_KEYS = ("opened_at", "at_risk_at", "due_at", "problem")
DELIVERY_KEYS = ("team_id", "routed_to_id", "assignee_id")
CLOSING_KEYS = ("status", "fulfilled_at", "breached_at", "business_seconds", "check_at")


class ClosedRows:
    """The obligation row of a fulfilled or cancelled deliverable, in integer microseconds.

    Gives exactly the row :func:`replay.general_row` gives (a test holds them
    side by side); None when the calendar index cannot answer.
    """

    def __init__(self, ctx: Any, from_micros: Callable[[int], Any]) -> None:
        self.ctx = ctx
        self.from_micros = from_micros
        self.micros = scheduling.micros

    def row(
        self,
        o_id: int,
        d_id: int,
        d: Any,
        term: TermInfo,
        name: tuple[str, str, int],
        micro: scheduling.MicroClock,
        delivered: Any,
        fulfilled: Any,
    ) -> tuple[Any, ...] | None:
        ctx = self.ctx
        start = self.micros(d.delivered_at)  # type: ignore[arg-type]
        when = micro.deadline(start)
        if when is None:
            return None
        due, risk = when
        breached = spent = None
        if d.fulfilled_at is not None:
            end = self.micros(d.fulfilled_at)
            status = Obligation.Status.LATE if end > due else Obligation.Status.FULFILLED
            if end > due:
                breached = self.from_micros(due)
            spent = int(micro.between(start, end) / 1_000_000) if end > start else 0
        else:
            status, fulfilled = Obligation.Status.CANCELLED, None
        routed = d.assignee_id
        if name in ctx.ladder.assignees:
            assignee = ctx.ladder.assignees[name]
        else:
            assignee = ctx.resolve(routed, d.delivered_at)  # type: ignore[arg-type]
        return (
            o_id,
            d_id,
            term.id,
            term.version_id,
            term.agreement_id,
            d.team_id or term.receiver_team_id,
            assignee if assignee in ctx.users else None,
            routed if routed in ctx.users else None,
            delivered,
            None if risk is None else self.from_micros(risk),
            self.from_micros(due),
            status,
            fulfilled,
            False,
            breached,
            spent,
            None,
            name in ctx.kept.waived,
            "",
            ctx.wall,
        )
