"""Complaint and idea endpoints: CRUD, respond / status / rate, votes, who asked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Status

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import Cursor, InvalidCursor, Keyset, Limit, page_schema, paginate
from interlock.core.schemas import PROBLEMS, DbId, Instant, Text
from interlock.customers.models import Account, Contact
from interlock.feedback import selectors, services
from interlock.feedback.models import Complaint, ComplaintCategory, Idea
from interlock.feedback.schemas import (
    CategoryIn,
    CategoryOut,
    CategoryPatch,
    Channel,
    ComplaintIn,
    ComplaintOut,
    ComplaintPatch,
    ComplaintStatus,
    IdeaComplaintIn,
    IdeaIn,
    IdeaOut,
    IdeaPatch,
    IdeaRequestIn,
    IdeaRequestOut,
    IdeaStatus,
    IdeaStatusIn,
    RateIn,
    RespondIn,
    Severity,
    StatusIn,
    VoteOut,
    complaint_out,
    idea_out,
    idea_request_out,
)
from interlock.sales.models import Deal, Product

router = Router(tags=["feedback"])

ComplaintId = Annotated[DbId, Path()]
IdeaId = Annotated[DbId, Path()]
ComplaintPage = page_schema(ComplaintOut, "ComplaintPage")
CategoryPage = page_schema(CategoryOut, "ComplaintCategoryPage")
IdeaPage = page_schema(IdeaOut, "IdeaPage")
IdeaRequestPage = page_schema(IdeaRequestOut, "IdeaRequestPage")


@dataclass(frozen=True)
class CountKeyset(Keyset):
    """A keyset whose leading keys are integer annotations (vote counts, ranks)."""

    counts: tuple[str, ...] = ()

    def after(self, model: type[models.Model], cursor: str) -> models.Q:
        from interlock.core.pagination import decode_cursor

        raw = decode_cursor(cursor, len(self.fields))
        for name, value in zip(self.fields, raw, strict=True):
            if name in self.counts and (not isinstance(value, int) or not 0 <= value < 2**63):
                raise InvalidCursor(
                    _("The cursor is not valid. Use the next_cursor of a previous page, unchanged.")
                )
        op = "lt" if self.descending else "gt"
        values = [
            value if name in self.counts else self._to_python(model, name, value)
            for name, value in zip(self.fields, raw, strict=True)
        ]
        q = models.Q()
        for i, name in enumerate(self.fields):
            term = models.Q(**{f"{name}__{op}": values[i]})
            for j in range(i):
                term &= models.Q(**{self.fields[j]: values[j]})
            q |= term
        return q


IDEA_KEYSETS = {
    "votes": CountKeyset(("vote_count", "id"), descending=True, counts=("vote_count",)),
    "revenue": CountKeyset(
        ("revenue_rank", "vote_count", "id"),
        descending=True,
        counts=("revenue_rank", "vote_count"),
    ),
    "new": Keyset(("created_at", "id"), descending=True),
}


def _complaint(pk: int) -> Complaint:
    return get_object_or_404(Complaint, pk=pk)


def _complaint_read(pk: int) -> dict[str, Any]:
    found = selectors.complaints().filter(pk=pk).first()
    if found is None:
        raise Http404
    return complaint_out(found)


def _idea(pk: int) -> Idea:
    return get_object_or_404(Idea, pk=pk)


def _idea_read(pk: int) -> dict[str, Any]:
    found = selectors.idea_detail(pk)
    if found is None:
        raise Http404
    return idea_out(found)


def _lookup(model: type[models.Model], pk: int | None, field: str) -> Any:
    if pk is None:
        return None
    found = model._default_manager.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: _("No such record (id %(id)s).") % {"id": pk}})
    return found


def _user(pk: int | None, field: str = "owner_id") -> Any:
    from django.contrib.auth import get_user_model

    return _lookup(get_user_model(), pk, field)


# --- categories ---------------------------------------------------------------------


@router.get(
    "/complaint-categories",
    response={200: CategoryPage, **PROBLEMS},
    summary="List complaint categories",
)
def categories_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    active: Annotated[bool | None, Query(description="Only active (true) or retired.")] = None,
) -> Any:
    policy.require(request.auth, "feedback.view")
    qs = ComplaintCategory.objects.all()
    if active is not None:
        qs = qs.filter(active=active)
    return paginate(qs, Keyset(("name", "id")), cursor=cursor, limit=limit)


@router.post(
    "/complaint-categories",
    response={201: CategoryOut, **PROBLEMS},
    summary="Create a complaint category",
)
def categories_create(request: ApiRequest, payload: CategoryIn) -> Any:
    return Status(201, services.category_create(actor=request.auth, **payload.dict()))


@router.patch(
    "/complaint-categories/{category_id}",
    response={200: CategoryOut, **PROBLEMS},
    summary="Rename or retire a complaint category",
)
def categories_update(
    request: ApiRequest, category_id: Annotated[DbId, Path()], payload: CategoryPatch
) -> Any:
    policy.require(request.auth, "feedback.write")
    category = get_object_or_404(ComplaintCategory, pk=category_id)
    return services.category_update(actor=request.auth, category=category, **payload.changes())


# --- complaints ---------------------------------------------------------------------


@router.get("/complaints", response={200: ComplaintPage, **PROBLEMS}, summary="List complaints")
def complaints_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    status: Annotated[ComplaintStatus | None, Query()] = None,
    severity: Annotated[Severity | None, Query()] = None,
    channel: Annotated[Channel | None, Query()] = None,
    category: Annotated[DbId | None, Query(description="Category id.")] = None,
    owner: Annotated[DbId | None, Query(description="Owner's user id.")] = None,
    account: Annotated[DbId | None, Query(description="Account id.")] = None,
    open: Annotated[bool, Query(description="Only new and in-progress complaints.")] = False,
    created_from: Annotated[Instant | None, Query()] = None,
    created_to: Annotated[Instant | None, Query()] = None,
    q: Annotated[Text | None, Query(max_length=100, description="Part of title/account.")] = None,
    order: Annotated[Literal["newest", "oldest"], Query()] = "newest",
) -> Any:
    """Live complaints, newest first (or oldest first)."""
    policy.require(request.auth, "feedback.view")
    qs = selectors.complaints(
        selectors.ComplaintFilters(
            status=status,
            severity=severity,
            category=category,
            owner=owner,
            account=account,
            open_only=open,
            created_from=created_from,
            created_to=created_to,
            q=q or "",
        )
    )
    if channel:
        qs = qs.filter(channel=channel)
    keyset = Keyset(("created_at", "id"), descending=order == "newest")
    return paginate(qs, keyset, cursor=cursor, limit=limit, item=complaint_out)


@router.post("/complaints", response={201: ComplaintOut, **PROBLEMS}, summary="File a complaint")
def complaints_create(request: ApiRequest, payload: ComplaintIn) -> Any:
    policy.require(request.auth, "feedback.write")
    complaint = services.complaint_create(
        actor=request.auth,
        account=_lookup(Account, payload.account_id, "account_id"),
        contact=_lookup(Contact, payload.contact_id, "contact_id"),
        product=_lookup(Product, payload.product_id, "product_id"),
        deal=_lookup(Deal, payload.deal_id, "deal_id"),
        category=_lookup(ComplaintCategory, payload.category_id, "category_id"),
        owner=_user(payload.owner_id),
        channel=payload.channel,
        severity=payload.severity,
        title=payload.title,
        description=payload.description,
    )
    return Status(201, _complaint_read(complaint.pk))


@router.get(
    "/complaints/{complaint_id}", response={200: ComplaintOut, **PROBLEMS}, summary="One complaint"
)
def complaints_get(request: ApiRequest, complaint_id: ComplaintId) -> Any:
    policy.require(request.auth, "feedback.view")
    return _complaint_read(complaint_id)


@router.patch(
    "/complaints/{complaint_id}",
    response={200: ComplaintOut, **PROBLEMS},
    summary="Change a complaint",
)
def complaints_update(
    request: ApiRequest, complaint_id: ComplaintId, payload: ComplaintPatch
) -> Any:
    """Send just the fields to change; status, times and satisfaction have their own calls."""
    policy.require(request.auth, "feedback.write")
    complaint = _complaint(complaint_id)
    changes = payload.changes()
    fields: dict[str, Any] = {}
    for name, value in changes.items():
        if name == "contact_id":
            fields["contact"] = _lookup(Contact, value, name)
        elif name == "owner_id":
            fields["owner"] = _user(value)
        elif name == "product_id":
            fields["product"] = _lookup(Product, value, name)
        elif name == "deal_id":
            fields["deal"] = _lookup(Deal, value, name)
        elif name == "category_id":
            fields["category"] = _lookup(ComplaintCategory, value, name)
        else:
            fields[name] = value
    services.complaint_update(actor=request.auth, complaint=complaint, **fields)
    return _complaint_read(complaint_id)


@router.delete(
    "/complaints/{complaint_id}",
    response={204: None, **PROBLEMS},
    summary="Move a complaint to the trash",
)
def complaints_delete(request: ApiRequest, complaint_id: ComplaintId) -> Any:
    policy.require(request.auth, "feedback.write")
    services.complaint_delete(actor=request.auth, complaint=_complaint(complaint_id))
    return Status(204, None)


@router.post(
    "/complaints/{complaint_id}/respond",
    response={200: ComplaintOut, **PROBLEMS},
    summary="Record the first response",
)
def complaints_respond(request: ApiRequest, complaint_id: ComplaintId, payload: RespondIn) -> Any:
    """Sets the first-response time once (default now); later calls change nothing."""
    policy.require(request.auth, "feedback.write")
    services.complaint_respond(
        actor=request.auth, complaint=_complaint(complaint_id), at=payload.at
    )
    return _complaint_read(complaint_id)


@router.post(
    "/complaints/{complaint_id}/status",
    response={200: ComplaintOut, **PROBLEMS},
    summary="Change a complaint's status",
)
def complaints_status(request: ApiRequest, complaint_id: ComplaintId, payload: StatusIn) -> Any:
    """new → in_progress → resolved (needs a resolution) → closed; resolved → in_progress."""
    policy.require(request.auth, "feedback.write")
    services.complaint_set_status(
        actor=request.auth,
        complaint=_complaint(complaint_id),
        status=payload.status,
        resolution=payload.resolution,
        root_cause=payload.root_cause,
    )
    return _complaint_read(complaint_id)


@router.post(
    "/complaints/{complaint_id}/rate",
    response={200: ComplaintOut, **PROBLEMS},
    summary="Record customer satisfaction",
)
def complaints_rate(request: ApiRequest, complaint_id: ComplaintId, payload: RateIn) -> Any:
    """1–5, only once the complaint is resolved or closed."""
    policy.require(request.auth, "feedback.write")
    services.complaint_rate(
        actor=request.auth, complaint=_complaint(complaint_id), satisfaction=payload.satisfaction
    )
    return _complaint_read(complaint_id)


# --- ideas --------------------------------------------------------------------------


@router.get("/ideas", response={200: IdeaPage, **PROBLEMS}, summary="List ideas")
def ideas_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    status: Annotated[IdeaStatus | None, Query()] = None,
    q: Annotated[Text | None, Query(max_length=100, description="Part of the title.")] = None,
    sort: Annotated[
        Literal["votes", "revenue", "new"],
        Query(
            description="votes: most votes first; revenue: by the revenue band of the "
            "accounts that asked (until deals exist); new: newest first."
        ),
    ] = "votes",
) -> Any:
    policy.require(request.auth, "feedback.view")
    qs = selectors.ideas(status=status, q=q or "")
    return paginate(qs, IDEA_KEYSETS[sort], cursor=cursor, limit=limit, item=idea_out)


@router.post("/ideas", response={201: IdeaOut, **PROBLEMS}, summary="Record an idea")
def ideas_create(request: ApiRequest, payload: IdeaIn) -> Any:
    idea = services.idea_create(actor=request.auth, **payload.dict())
    return Status(201, _idea_read(idea.pk))


@router.get("/ideas/{idea_id}", response={200: IdeaOut, **PROBLEMS}, summary="One idea")
def ideas_get(request: ApiRequest, idea_id: IdeaId) -> Any:
    policy.require(request.auth, "feedback.view")
    return _idea_read(idea_id)


@router.patch("/ideas/{idea_id}", response={200: IdeaOut, **PROBLEMS}, summary="Change an idea")
def ideas_update(request: ApiRequest, idea_id: IdeaId, payload: IdeaPatch) -> Any:
    policy.require(request.auth, "feedback.write")
    services.idea_update(actor=request.auth, idea=_idea(idea_id), **payload.changes())
    return _idea_read(idea_id)


@router.delete(
    "/ideas/{idea_id}", response={204: None, **PROBLEMS}, summary="Move an idea to the trash"
)
def ideas_delete(request: ApiRequest, idea_id: IdeaId) -> Any:
    policy.require(request.auth, "feedback.write")
    services.idea_delete(actor=request.auth, idea=_idea(idea_id))
    return Status(204, None)


@router.post(
    "/ideas/{idea_id}/status",
    response={200: IdeaOut, **PROBLEMS},
    summary="Change an idea's status",
)
def ideas_status(request: ApiRequest, idea_id: IdeaId, payload: IdeaStatusIn) -> Any:
    policy.require(request.auth, "feedback.write")
    services.idea_set_status(actor=request.auth, idea=_idea(idea_id), status=payload.status)
    return _idea_read(idea_id)


def _vote_out(idea_id: int, voted: bool) -> dict[str, Any]:
    found = selectors.idea_detail(idea_id)
    return {"voted": voted, "vote_count": getattr(found, "vote_count", 0)}


@router.post("/ideas/{idea_id}/vote", response={200: VoteOut, **PROBLEMS}, summary="Vote")
def ideas_vote(request: ApiRequest, idea_id: IdeaId) -> Any:
    """One vote per person; voting again changes nothing."""
    policy.require(request.auth, "feedback.write")
    services.idea_vote(actor=request.auth, idea=_idea(idea_id))
    return _vote_out(idea_id, True)


@router.delete(
    "/ideas/{idea_id}/vote", response={200: VoteOut, **PROBLEMS}, summary="Take back a vote"
)
def ideas_unvote(request: ApiRequest, idea_id: IdeaId) -> Any:
    policy.require(request.auth, "feedback.write")
    services.idea_unvote(actor=request.auth, idea=_idea(idea_id))
    return _vote_out(idea_id, False)


@router.get(
    "/ideas/{idea_id}/accounts",
    response={200: IdeaRequestPage, **PROBLEMS},
    summary="Which customers want this",
)
def ideas_accounts(
    request: ApiRequest, idea_id: IdeaId, cursor: Cursor = None, limit: Limit = 50
) -> Any:
    """The accounts that asked for the idea, in the order they asked."""
    policy.require(request.auth, "feedback.view")
    idea = _idea(idea_id)
    qs = selectors.who_asked(idea)
    return paginate(qs, Keyset(("id",)), cursor=cursor, limit=limit, item=idea_request_out)


@router.post(
    "/ideas/{idea_id}/accounts",
    response={201: IdeaRequestOut, **PROBLEMS},
    summary="Record that an account asked for an idea",
)
def ideas_link_account(request: ApiRequest, idea_id: IdeaId, payload: IdeaRequestIn) -> Any:
    policy.require(request.auth, "feedback.write")
    idea = _idea(idea_id)
    link = services.idea_link_account(
        actor=request.auth,
        idea=idea,
        account=_lookup(Account, payload.account_id, "account_id"),
        contact=_lookup(Contact, payload.contact_id, "contact_id"),
        note=payload.note,
    )
    return Status(201, idea_request_out(link))


@router.delete(
    "/ideas/{idea_id}/accounts/{account_id}",
    response={204: None, **PROBLEMS},
    summary="Remove an account from an idea's askers",
)
def ideas_unlink_account(
    request: ApiRequest, idea_id: IdeaId, account_id: Annotated[DbId, Path()]
) -> Any:
    policy.require(request.auth, "feedback.write")
    account = get_object_or_404(Account.all_objects, pk=account_id)
    services.idea_unlink_account(actor=request.auth, idea=_idea(idea_id), account=account)
    return Status(204, None)


@router.post(
    "/ideas/{idea_id}/complaints",
    response={204: None, **PROBLEMS},
    summary="Link a complaint to an idea",
)
def ideas_link_complaint(request: ApiRequest, idea_id: IdeaId, payload: IdeaComplaintIn) -> Any:
    policy.require(request.auth, "feedback.write")
    services.idea_link_complaint(
        actor=request.auth,
        idea=_idea(idea_id),
        complaint=_lookup(Complaint, payload.complaint_id, "complaint_id"),
    )
    return Status(204, None)
