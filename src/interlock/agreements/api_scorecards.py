"""REST endpoints of team agreements: scorecards, the company overview, obligations.

The agreement id is typed ``int`` in the path (``{int:agreement_id}``) so that
``/agreements/scorecards`` is never taken for an agreement.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Query, Router

from interlock.agreements import selectors_scorecards as sel
from interlock.agreements.models import Agreement, Obligation
from interlock.agreements.schemas_scorecards import (
    ObligationPage,
    OverviewOut,
    Period,
    ScorecardOut,
    obligation_out,
    overview_out,
    scorecard_out,
)
from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import Cursor, Keyset, Limit, paginate
from interlock.core.schemas import PROBLEMS, DbId

router = Router(tags=["agreements"])

Status = Annotated[
    list[str] | None, Query(description=f"One or more of {', '.join(Obligation.Status.values)}.")
]


def _agreement(agreement_id: int) -> Agreement:
    return get_object_or_404(
        Agreement.objects.select_related("provider_team", "receiver_team"), pk=agreement_id
    )


@router.get(
    "/agreements/scorecards",
    response={200: OverviewOut, **PROBLEMS},
    summary="Company overview: every agreement in force, worst compliance first",
)
def scorecards_overview(request: ApiRequest, period: Annotated[Period, Query()] = "month") -> Any:
    policy.require(request.auth, "agreement.view")
    today = sel.now_day(timezone.now())
    rows = sel.overview(today=today, period=period)
    return overview_out(rows, period, sel.period_start(today, period))


@router.get(
    "/agreements/{int:agreement_id}/scorecard",
    response={200: ScorecardOut, **PROBLEMS},
    summary="An agreement's scorecard per term: this period, the last, trend, teams, people",
)
def scorecard_get(
    request: ApiRequest,
    agreement_id: int,
    period: Annotated[Period, Query()] = "month",
    term: Annotated[DbId | None, Query(description="Only this term (any version's id).")] = None,
) -> Any:
    """Obligations count in the period they were opened. Compliance = on time ÷ (on time +
    late + breached and still open); waived breaches count neither way."""
    policy.require(request.auth, "agreement.view")
    agreement = _agreement(agreement_id)
    if term is not None and not sel.same_terms(agreement, term):
        raise ValidationError({"term": _("This agreement has no term %(id)s.") % {"id": term}})
    today = sel.now_day(timezone.now())
    return scorecard_out(sel.scorecard(agreement, today=today, period=period, term_id=term))


@router.get(
    "/agreements/{int:agreement_id}/obligations",
    response={200: ObligationPage, **PROBLEMS},
    summary="The obligations behind a scorecard figure, newest first",
)
def obligations_list(
    request: ApiRequest,
    agreement_id: int,
    cursor: Cursor = None,
    limit: Limit = 50,
    term: Annotated[DbId | None, Query(description="Term id (any version).")] = None,
    status: Status = None,
    team: Annotated[int | None, Query(ge=0, description="Team id; 0: no team.")] = None,
    assignee: Annotated[int | None, Query(ge=0, description="User id; 0: nobody.")] = None,
    date_from: Annotated[
        date | None, Query(description="Delivered on or after (site day).")
    ] = None,
    date_to: Annotated[date | None, Query(description="Delivered on or before.")] = None,
    breached: Annotated[bool, Query(description="Late or still breached, not waived.")] = False,
    waived: Annotated[bool | None, Query()] = None,
) -> Any:
    policy.require(request.auth, "agreement.view")
    agreement = _agreement(agreement_id)
    bad = [s for s in status or () if s not in Obligation.Status.values]
    if bad:
        raise ValidationError({"status": _("Unknown status: %(s)s.") % {"s": ", ".join(bad)}})
    if date_from and date_to and date_to < date_from:
        raise ValidationError({"date_to": _("The end of the period lies before its start.")})
    term_ids: tuple[int, ...] = ()
    if term is not None:
        term_ids = sel.same_terms(agreement, term)
        if not term_ids:
            raise ValidationError({"term": _("This agreement has no term %(id)s.") % {"id": term}})
    filters = sel.ObligationFilters(
        term_ids=term_ids,
        statuses=tuple(status or ()),
        team_id=team,
        assignee_id=assignee,
        day_from=date_from,
        day_to=date_to,
        breached=breached,
        waived=waived,
    )
    qs = sel.obligations(agreement, filters).order_by()
    keyset = Keyset(("opened_at", "id"), descending=True)
    return paginate(qs, keyset, cursor=cursor, limit=limit, item=obligation_out)
