"""REST endpoints of team agreements: disputes."""

from __future__ import annotations

from typing import Annotated, Any

from django.shortcuts import get_object_or_404
from ninja import Path, Query, Router, Status

from interlock.agreements import selectors_disputes as selectors
from interlock.agreements import services_disputes as services
from interlock.agreements.models import BreachDispute, Obligation
from interlock.agreements.schemas_disputes import (
    DecideIn,
    DisputeIn,
    DisputeOut,
    DisputeStatus,
    dispute_out,
)
from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId

router = Router(tags=["agreements"])

DisputePage = page_schema(DisputeOut, "BreachDisputePage")


@router.get(
    "/breach-disputes",
    response={200: DisputePage, **PROBLEMS},
    summary="Breach disputes, newest first",
)
def disputes_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    agreement: Annotated[DbId | None, Query(description="Agreement id.")] = None,
    status: Annotated[
        DisputeStatus | None, Query(description="`settled`: upheld or waived.")
    ] = None,
) -> Any:
    policy.require(request.auth, "agreement.view")
    qs = selectors.disputes(agreement_id=agreement, status=status)
    keyset = Keyset(("raised_at", "id"), descending=True)
    return paginate(qs, keyset, cursor=cursor, limit=limit, item=dispute_out)


@router.post(
    "/obligations/{obligation_id}/disputes",
    response={201: DisputeOut, **PROBLEMS},
    summary="Dispute a breached obligation",
)
def dispute_raise(
    request: ApiRequest, obligation_id: Annotated[DbId, Path()], payload: DisputeIn
) -> Any:
    """422 when the obligation is not breached or late, or already disputed."""
    obligation = get_object_or_404(Obligation.objects.select_related("agreement"), pk=obligation_id)
    policy.require(request.auth, "breach.dispute", obligation.agreement)
    dispute = services.breach_dispute_raise(
        actor=request.auth, obligation=obligation, reason=payload.reason
    )
    return Status(201, dispute_out(dispute))


@router.post(
    "/breach-disputes/{dispute_id}/decide",
    response={200: DisputeOut, **PROBLEMS},
    summary="Record your side's decision on a dispute",
)
def dispute_decide(
    request: ApiRequest, dispute_id: Annotated[DbId, Path()], payload: DecideIn
) -> Any:
    """A team lead of a side decides for that side; both agree → settled."""
    dispute = get_object_or_404(BreachDispute.objects.select_related("agreement"), pk=dispute_id)
    policy.require(request.auth, "breach.settle", dispute.agreement)
    dispute = services.breach_dispute_decide(
        actor=request.auth, dispute=dispute, decision=payload.decision, note=payload.note
    )
    return dispute_out(dispute)
