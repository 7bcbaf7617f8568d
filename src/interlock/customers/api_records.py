"""The shared helpers of the account and contact endpoints (customers/api.py).

Both records have the same endpoints (list, one, create, change, trash,
merge, timeline); ``ACCOUNT`` and ``CONTACT`` say what differs, and one
helper per endpoint does the work for both.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Status

from interlock.core import policy
from interlock.core.api import ApiRequest
from interlock.core.middleware import problem_response
from interlock.core.pagination import page_response, paginate
from interlock.customers import selectors, services
from interlock.customers.models import Account, Contact
from interlock.customers.schemas import (
    ACCOUNT_LIST_FIELDS,
    CONTACT_LIST_FIELDS,
    TIMELINE_FIELDS,
    MergeIn,
    account_list_row,
    account_row,
    contact_list_row,
    contact_row,
)


def duplicate_conflict(exc: ValidationError) -> HttpResponse | None:
    found = services.duplicate_of(exc)
    if found is None:
        return None
    return problem_response(
        409,
        _("Duplicate"),
        "; ".join(exc.messages),
        errors=[{"field": "id", "message": str(found["id"])}],
    )


def resolve(data: dict[str, Any]) -> dict[str, Any]:
    """``owner_id`` / ``account_id`` / ``parent_id`` → objects; unknown ids are a 422."""
    lookups: dict[str, Any] = {
        "owner": get_user_model().objects.all(),
        "account": Account.objects.all(),
        "parent": Account.objects.all(),
        "contact": Contact.objects.all(),
        "assignee": get_user_model().objects.all(),
    }
    for name, qs in lookups.items():
        key = f"{name}_id"
        if key not in data:
            continue
        pk = data.pop(key)
        if pk is None:
            data[name] = None
            continue
        obj = qs.filter(pk=pk).first()
        if obj is None:
            raise ValidationError({key: _("There is no such record (id %(id)s).") % {"id": pk}})
        data[name] = obj
    return data


@dataclass(frozen=True)
class Record:
    """What differs between the account and the contact endpoints."""

    model: type[Account] | type[Contact]
    name: str  # the services' keyword: account= / contact=
    detail: Callable[[int], Any]
    row: Callable[[Any], dict[str, Any]]
    list_row: Callable[[dict[str, Any]], dict[str, Any]]
    list_fields: tuple[str, ...]
    sorts: dict[str, tuple[str, ...]]
    create: Callable[..., Any]
    update: Callable[..., Any]
    delete: Callable[..., Any]
    merge: Callable[..., Any]
    no_other: Callable[[], str]  # the 422 message when the merged record does not exist


ACCOUNT = Record(
    model=Account,
    name="account",
    detail=selectors.account_detail,
    row=account_row,
    list_row=account_list_row,
    list_fields=ACCOUNT_LIST_FIELDS,
    sorts=selectors.ACCOUNT_SORTS,
    create=services.account_create,
    update=services.account_update,
    delete=services.account_delete,
    merge=services.account_merge,
    no_other=lambda: _("There is no such account."),
)
CONTACT = Record(
    model=Contact,
    name="contact",
    detail=selectors.contact_detail,
    row=contact_row,
    list_row=contact_list_row,
    list_fields=CONTACT_LIST_FIELDS,
    sorts=selectors.CONTACT_SORTS,
    create=services.contact_create,
    update=services.contact_update,
    delete=services.contact_delete,
    merge=services.contact_merge,
    no_other=lambda: _("There is no such contact."),
)


def get(record: Record, pk: int) -> Any:
    obj = record.detail(pk)
    if obj is None:
        raise Http404
    return obj


def list_page(
    record: Record, qs: Any, shape: Any, *, cursor: str | None, limit: int, sort: str
) -> Any:
    keyset = selectors.sort_keyset(record.sorts, sort)
    page = paginate(
        qs,
        keyset,
        model=record.model,
        cursor=cursor,
        limit=limit,
        item=record.list_row,
        fields=record.list_fields,
        shape=shape,
    )
    return page_response(page)


def create(record: Record, request: ApiRequest, payload: Any) -> Any:
    data = resolve(payload.dict())
    try:
        obj = record.create(actor=request.auth, **data)
    except ValidationError as exc:
        return duplicate_conflict(exc) or reraise(exc)
    return Status(201, record.row(get(record, obj.pk)))


def update(record: Record, request: ApiRequest, pk: int, payload: Any) -> Any:
    policy.require(request.auth, "customer.write")
    obj = get(record, pk)
    try:
        record.update(actor=request.auth, **{record.name: obj}, **resolve(payload.changes()))
    except ValidationError as exc:
        return duplicate_conflict(exc) or reraise(exc)
    return record.row(get(record, pk))


def delete(record: Record, request: ApiRequest, pk: int) -> Any:
    policy.require(request.auth, "customer.write")
    record.delete(actor=request.auth, **{record.name: get(record, pk)})
    return Status(204, None)


def merge(record: Record, request: ApiRequest, pk: int, payload: MergeIn) -> Any:
    policy.require(request.auth, "customer.merge")
    survivor = get(record, pk)
    other = record.model.all_objects.filter(pk=payload.other_id).first()
    if other is None:
        raise ValidationError({"other_id": record.no_other()})
    record.merge(actor=request.auth, survivor=survivor, other=other)
    return record.row(get(record, pk))


def timeline_page(
    record: Record, request: ApiRequest, pk: int, cursor: str | None, limit: int, kinds: Any
) -> Any:
    policy.require(request.auth, "customer.view")
    page = selectors.timeline(
        **{record.name: pk},
        kinds=kinds,
        cursor=cursor,
        limit=limit,
        fields=TIMELINE_FIELDS,
        live=True,
    )
    # An empty page: the record may be trashed or unknown (404), or just quiet.
    if not page["items"] and not selectors.is_live(record.model, pk):
        raise Http404
    return page_response(page)


def reraise(exc: ValidationError) -> HttpResponse:
    raise exc
