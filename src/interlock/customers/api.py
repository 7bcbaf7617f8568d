"""Customer record endpoints: accounts, contacts, activities and tasks, timelines, merges."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Status

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.pagination import (
    Cursor,
    Keyset,
    Limit,
    page_schema,
    paginate,
)
from interlock.core.schemas import PROBLEMS, DbId, Problem, Text
from interlock.customers import api_records as rec
from interlock.customers import selectors, services
from interlock.customers.models import Activity
from interlock.customers.schemas import (
    AccountIn,
    AccountOut,
    AccountPatch,
    ActivityIn,
    ActivityOut,
    ContactIn,
    ContactOut,
    ContactPatch,
    Lifecycle,
    MergeIn,
    TaskPatch,
    TimelineItem,
    account_row,
    activity_row,
    contact_row,
)

router = Router(tags=["customers"])

AccountId = Annotated[DbId, Path()]
ContactId = Annotated[DbId, Path()]
ActivityId = Annotated[DbId, Path()]
AccountPage = page_schema(AccountOut, "AccountPage")
ContactPage = page_schema(ContactOut, "ContactPage")
ActivityPage = page_schema(ActivityOut, "ActivityPage")
TimelinePage = page_schema(TimelineItem, "TimelinePage")
WRITE = {**PROBLEMS, 409: Problem}
Search = Annotated[
    Text | None, Query(max_length=100, description="Part of the name, e-mail or domain.")
]
SortParam = Annotated[
    str, Query(max_length=20, pattern=r"^-?[a-z_]+$", description="e.g. `name` or `-created`.")
]
Kinds = Annotated[
    list[Annotated[Text, Field(max_length=40)]] | None,
    Query(description="Only entries of these kinds (repeat the parameter)."),
]


# --- accounts -----------------------------------------------------------------------------


@router.get("/accounts", response={200: AccountPage, **PROBLEMS}, summary="List accounts")
def accounts_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    q: Search = None,
    owner: Annotated[DbId | None, Query(description="Owner's user id.")] = None,
    lifecycle: Annotated[Lifecycle | None, Query()] = None,
    country: Annotated[Text | None, Query(max_length=2)] = None,
    industry: Annotated[Text | None, Query(max_length=100)] = None,
    sort: SortParam = "name",
) -> Any:
    """Live accounts; sort by `name`, `created`, `updated` or `id` (prefix `-` to reverse)."""
    policy.require(request.auth, "customer.view")
    filters: dict[str, Any] = {
        "query": q or "",
        "owner": owner,
        "lifecycle": lifecycle or "",
        "country": country or "",
        "industry": industry or "",
    }
    shape = selectors.accounts_shape(**filters)
    return rec.list_page(
        rec.ACCOUNT,
        lambda: selectors.accounts(**filters),
        shape,
        cursor=cursor,
        limit=limit,
        sort=sort,
    )


@router.get(
    "/accounts/duplicates",
    response={200: list[AccountOut], **PROBLEMS},
    summary="Accounts with a domain",
)
def accounts_duplicates(
    request: ApiRequest, domain: Annotated[Text, Query(min_length=1, max_length=300)]
) -> Any:
    """The live accounts whose website domain is `domain` (normalised first)."""
    policy.require(request.auth, "customer.view")
    normal = services.normalise_domain(domain)
    return [account_row(a) for a in selectors.account_duplicates(normal).select_related("owner")]


@router.post("/accounts", response={201: AccountOut, **WRITE}, summary="Create an account")
def accounts_create(request: ApiRequest, payload: AccountIn) -> Any:
    """A duplicate domain is refused with 409 naming the existing account, unless
    `allow_duplicate` is true."""
    return rec.create(rec.ACCOUNT, request, payload)


@router.get("/accounts/{account_id}", response={200: AccountOut, **PROBLEMS}, summary="One account")
def accounts_get(request: ApiRequest, account_id: AccountId) -> Any:
    policy.require(request.auth, "customer.view")
    return account_row(rec.get(rec.ACCOUNT, account_id))


@router.patch(
    "/accounts/{account_id}", response={200: AccountOut, **WRITE}, summary="Change an account"
)
def accounts_update(request: ApiRequest, account_id: AccountId, payload: AccountPatch) -> Any:
    return rec.update(rec.ACCOUNT, request, account_id, payload)


@router.delete(
    "/accounts/{account_id}",
    response={204: None, **PROBLEMS},
    summary="Move an account to the trash",
)
def accounts_delete(request: ApiRequest, account_id: AccountId) -> Any:
    return rec.delete(rec.ACCOUNT, request, account_id)


@router.post(
    "/accounts/{account_id}/merge",
    response={200: AccountOut, **PROBLEMS},
    summary="Merge another account into this one",
)
def accounts_merge(request: ApiRequest, account_id: AccountId, payload: MergeIn) -> Any:
    """Moves contacts, activities, timeline and what other modules register to this
    account, fills its empty fields from the other, and moves the other to the trash."""
    return rec.merge(rec.ACCOUNT, request, account_id, payload)


@router.get(
    "/accounts/{account_id}/timeline",
    response={200: TimelinePage, **PROBLEMS},
    summary="An account's timeline",
)
def accounts_timeline(
    request: ApiRequest,
    account_id: AccountId,
    cursor: Cursor = None,
    limit: Limit = 50,
    kind: Kinds = None,
) -> Any:
    """Everything any module recorded about the account, newest first."""
    return rec.timeline_page(rec.ACCOUNT, request, account_id, cursor, limit, kind)


# --- contacts -----------------------------------------------------------------------------


@router.get("/contacts", response={200: ContactPage, **PROBLEMS}, summary="List contacts")
def contacts_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    q: Search = None,
    owner: Annotated[DbId | None, Query(description="Owner's user id.")] = None,
    account: Annotated[DbId | None, Query(description="Account id.")] = None,
    lifecycle_stage: Annotated[Text | None, Query(max_length=20)] = None,
    country: Annotated[Text | None, Query(max_length=2, description="The account's.")] = None,
    industry: Annotated[Text | None, Query(max_length=100, description="The account's.")] = None,
    sort: SortParam = "name",
) -> Any:
    """Live contacts; sort by `name`, `email`, `created`, `updated` or `id`."""
    policy.require(request.auth, "customer.view")
    filters: dict[str, Any] = {
        "query": q or "",
        "owner": owner,
        "account": account,
        "lifecycle": lifecycle_stage or "",
        "country": country or "",
        "industry": industry or "",
    }
    shape = selectors.contacts_shape(**filters)
    return rec.list_page(
        rec.CONTACT,
        lambda: selectors.contacts(**filters),
        shape,
        cursor=cursor,
        limit=limit,
        sort=sort,
    )


@router.get(
    "/contacts/duplicates",
    response={200: list[ContactOut], **PROBLEMS},
    summary="Contacts with an e-mail address",
)
def contacts_duplicates(
    request: ApiRequest, email: Annotated[Text, Query(min_length=1, max_length=254)]
) -> Any:
    """The live contacts whose e-mail is `email` (normalised first)."""
    policy.require(request.auth, "customer.view")
    normal = services.normalise_email(email)
    return [contact_row(c) for c in selectors.contact_duplicates(normal).select_related("owner")]


@router.post("/contacts", response={201: ContactOut, **WRITE}, summary="Create a contact")
def contacts_create(request: ApiRequest, payload: ContactIn) -> Any:
    """A duplicate e-mail is refused with 409 naming the existing contact, unless
    `allow_duplicate` is true."""
    return rec.create(rec.CONTACT, request, payload)


@router.get("/contacts/{contact_id}", response={200: ContactOut, **PROBLEMS}, summary="One contact")
def contacts_get(request: ApiRequest, contact_id: ContactId) -> Any:
    policy.require(request.auth, "customer.view")
    return contact_row(rec.get(rec.CONTACT, contact_id))


@router.patch(
    "/contacts/{contact_id}", response={200: ContactOut, **WRITE}, summary="Change a contact"
)
def contacts_update(request: ApiRequest, contact_id: ContactId, payload: ContactPatch) -> Any:
    return rec.update(rec.CONTACT, request, contact_id, payload)


@router.delete(
    "/contacts/{contact_id}",
    response={204: None, **PROBLEMS},
    summary="Move a contact to the trash",
)
def contacts_delete(request: ApiRequest, contact_id: ContactId) -> Any:
    return rec.delete(rec.CONTACT, request, contact_id)


@router.post(
    "/contacts/{contact_id}/merge",
    response={200: ContactOut, **PROBLEMS},
    summary="Merge another contact into this one",
)
def contacts_merge(request: ApiRequest, contact_id: ContactId, payload: MergeIn) -> Any:
    """Moves activities, timeline and what other modules register to this contact,
    fills its empty fields from the other, and moves the other to the trash."""
    return rec.merge(rec.CONTACT, request, contact_id, payload)


@router.get(
    "/contacts/{contact_id}/timeline",
    response={200: TimelinePage, **PROBLEMS},
    summary="A contact's timeline",
)
def contacts_timeline(
    request: ApiRequest,
    contact_id: ContactId,
    cursor: Cursor = None,
    limit: Limit = 50,
    kind: Kinds = None,
) -> Any:
    return rec.timeline_page(rec.CONTACT, request, contact_id, cursor, limit, kind)


# --- activities and tasks ---------------------------------------------------------------


def _activity(pk: int) -> Activity:
    activity = selectors.activities().filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


@router.get("/activities", response={200: ActivityPage, **PROBLEMS}, summary="List activities")
def activities_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    account: Annotated[DbId | None, Query()] = None,
    contact: Annotated[DbId | None, Query()] = None,
) -> Any:
    """Activities newest first, optionally of one account or contact."""
    policy.require(request.auth, "customer.view")
    qs = selectors.activities(account=account, contact=contact)
    keyset = Keyset(("occurred_at", "id"), descending=True)
    return paginate(qs, keyset, cursor=cursor, limit=limit, item=activity_row)


@router.post("/activities", response={201: ActivityOut, **PROBLEMS}, summary="Log an activity")
def activities_create(request: ApiRequest, payload: ActivityIn) -> Any:
    """A call, meeting, e-mail or note; or, with kind `task`, a task (needs `due_at`
    and `assignee_id`)."""
    data = rec.resolve(payload.dict())
    kind = data.pop("kind")
    if kind == Activity.Kind.TASK:
        data.pop("occurred_at")
        activity = services.task_create(actor=request.auth, **data)
    else:
        if data.pop("assignee") is not None or data.pop("due_at") is not None:
            raise ValidationError({"due_at": _("Only tasks have an assignee and a due date.")})
        activity = services.activity_log(actor=request.auth, kind=kind, **data)
    return Status(201, activity_row(_activity(activity.pk)))


@router.get(
    "/activities/{activity_id}", response={200: ActivityOut, **PROBLEMS}, summary="One activity"
)
def activities_get(request: ApiRequest, activity_id: ActivityId) -> Any:
    policy.require(request.auth, "customer.view")
    return activity_row(_activity(activity_id))


@router.delete(
    "/activities/{activity_id}",
    response={204: None, **PROBLEMS},
    summary="Move an activity to the trash",
)
def activities_delete(request: ApiRequest, activity_id: ActivityId) -> Any:
    policy.require(request.auth, "customer.write")
    services.activity_delete(actor=request.auth, activity=_activity(activity_id))
    return Status(204, None)


@router.get("/tasks", response={200: ActivityPage, **PROBLEMS}, summary="List open tasks")
def tasks_list(
    request: ApiRequest,
    cursor: Cursor = None,
    limit: Limit = 50,
    mine: Annotated[bool, Query(description="Only the tasks assigned to me.")] = False,
) -> Any:
    """Open tasks, soonest due first; `mine=true` is "my work"."""
    policy.require(request.auth, "customer.view")
    if mine:
        qs = selectors.my_tasks(request.auth).select_related("assignee", "created_by")
    else:
        qs = selectors.activities().filter(kind=Activity.Kind.TASK, done_at__isnull=True)
    return paginate(qs, Keyset(("due_at", "id")), cursor=cursor, limit=limit, item=activity_row)


@router.patch(
    "/tasks/{activity_id}", response={200: ActivityOut, **PROBLEMS}, summary="Complete or reopen"
)
def tasks_update(request: ApiRequest, activity_id: ActivityId, payload: TaskPatch) -> Any:
    policy.require(request.auth, "customer.write")
    task = _activity(activity_id)
    if payload.done:
        services.task_complete(actor=request.auth, task=task)
    else:
        services.task_reopen(actor=request.auth, task=task)
    return activity_row(_activity(activity_id))
