"""REST endpoints of team agreements: hand-made requests between teams."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from interlock.agreements import selectors_requests as selectors
from interlock.agreements import services_requests as services
from interlock.agreements.models import WorkRequest
from interlock.agreements.schemas_requests import (
    CancelIn,
    DeliverIn,
    RequestIn,
    RequestOut,
    RequestStatus,
    request_out,
)
from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import Cursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId
from interlock.org.models import Team, User

router = Router(tags=["agreements"])

RequestId = Annotated[DbId, Path()]
RequestPage = page_schema(RequestOut, "WorkRequestPage")


def _request(pk: int) -> WorkRequest:
    return get_object_or_404(WorkRequest, pk=pk)


@router.get("/requests", response={200: RequestPage, **PROBLEMS}, summary="List requests")
def requests_list(
    request: ApiRequest,
    status: Annotated[RequestStatus | None, Query(description="Only this status.")] = None,
    team: Annotated[
        DbId | None, Query(description="Only requests asked of or by this team.")
    ] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> Any:
    """Newest first; everybody signed in reads them (transparency between teams)."""
    policy.require(request.auth, "agreement.view")
    qs = selectors.requests()
    if status is not None:
        qs = qs.filter(status=status)
    if team is not None:
        qs = qs.filter(Q(provider_team_id=team) | Q(requesting_team_id=team))
    keyset = Keyset(("requested_at", "id"), descending=True)
    return paginate(qs, keyset, cursor=cursor, limit=limit, item=request_out)


def _team(pk: int, field: str) -> Team:
    team = Team.objects.filter(pk=pk).first()
    if team is None:
        raise ValidationError({field: _("There is no team with id %(id)s.") % {"id": pk}})
    return team


@router.post(
    "/requests", response={201: RequestOut, **PROBLEMS}, summary="Ask a team for something"
)
def requests_create(request: ApiRequest, payload: RequestIn) -> Any:
    """422 when the teams are the same, the person is not in the asked team, or the date passed."""
    policy.require(request.auth, "request.create")
    assignee = None
    if payload.assignee_id is not None:
        assignee = User.objects.filter(pk=payload.assignee_id).first()
        if assignee is None:
            raise ValidationError(
                {"assignee_id": _("There is no user with id %(id)s.") % {"id": payload.assignee_id}}
            )
    created = services.request_create(
        actor=request.auth,
        title=payload.title,
        description=payload.description,
        requesting_team=_team(payload.requesting_team_id, "requesting_team_id"),
        provider_team=_team(payload.provider_team_id, "provider_team_id"),
        assignee=assignee,
        due_at=payload.due_at,
    )
    return Status(201, request_out(created))


@router.post(
    "/requests/{request_id}/deliver",
    response={200: RequestOut, **PROBLEMS},
    summary="Mark a request as delivered",
)
def requests_deliver(request: ApiRequest, request_id: RequestId, payload: DeliverIn) -> Any:
    done = services.request_deliver(
        actor=request.auth, request=_request(request_id), note=payload.note
    )
    return request_out(done)


@router.post(
    "/requests/{request_id}/cancel",
    response={200: RequestOut, **PROBLEMS},
    summary="Cancel a request nobody needs any more",
)
def requests_cancel(request: ApiRequest, request_id: RequestId, payload: CancelIn) -> Any:
    done = services.request_cancel(
        actor=request.auth, request=_request(request_id), reason=payload.reason
    )
    return request_out(done)
