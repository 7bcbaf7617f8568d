"""Reads of the shared customer record: lists, duplicates, my work, timelines."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from typing import Any

from django.db.models import Q, QuerySet

from interlock.core.pagination import Keyset, paginate
from interlock.customers.models import Account, Activity, Contact, TimelineEntry

# Sort keys a list may be ordered by (the API name -> the model fields).
ACCOUNT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("name", "id"),
    "created": ("created_at", "id"),
    "updated": ("updated_at", "id"),
    "id": ("id",),
}
CONTACT_SORTS: dict[str, tuple[str, ...]] = {
    "name": ("last_name", "first_name", "id"),
    "email": ("email", "id"),
    "created": ("created_at", "id"),
    "updated": ("updated_at", "id"),
    "id": ("id",),
}
TIMELINE_KEYSET = Keyset(("occurred_at", "id"), descending=True)


def account_duplicates(domain: str) -> QuerySet[Account]:
    """Live accounts with this (normalised) domain."""
    if not domain:
        return Account.objects.none()
    return Account.objects.filter(domain=domain).order_by("pk")


def contact_duplicates(email: str) -> QuerySet[Contact]:
    """Live contacts with this (normalised) e-mail address."""
    if not email:
        return Contact.objects.none()
    return Contact.objects.filter(email=email).select_related("account").order_by("pk")


def accounts(
    *,
    query: str = "",
    owner: int | None = None,
    lifecycle: str = "",
    country: str = "",
    industry: str = "",
) -> QuerySet[Account]:
    qs = Account.objects.select_related("owner")
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(domain__icontains=query))
    if owner:
        qs = qs.filter(owner_id=owner)
    if lifecycle:
        qs = qs.filter(lifecycle=lifecycle)
    if country:
        qs = qs.filter(country=country.upper())
    if industry:
        qs = qs.filter(industry__iexact=industry)
    return qs


def contacts(
    *,
    query: str = "",
    owner: int | None = None,
    account: int | None = None,
    lifecycle: str = "",
    country: str = "",
    industry: str = "",
) -> QuerySet[Contact]:
    qs = Contact.objects.select_related("account", "owner")
    if query:
        qs = qs.filter(
            Q(last_name__icontains=query)
            | Q(first_name__icontains=query)
            | Q(email__icontains=query)
        )
    if owner:
        qs = qs.filter(owner_id=owner)
    if account:
        qs = qs.filter(account_id=account)
    if lifecycle:
        qs = qs.filter(lifecycle_stage=lifecycle)
    if country:
        qs = qs.filter(account__country=country.upper())
    if industry:
        qs = qs.filter(account__industry__iexact=industry)
    return qs


def accounts_shape(
    *,
    query: str = "",
    owner: int | None = None,
    lifecycle: str = "",
    country: str = "",
    industry: str = "",
) -> tuple[Hashable, list[Any]] | None:
    """The shape of ``accounts(...)`` and the parameters it binds, in its filter order.

    For ``core.pagination.paginate(shape=…)``, which reuses the compiled SQL
    of a shape (and checks these parameters against Django's on the first
    compile). None for text searches, whose parameters Django rewrites.
    """
    if query or industry:
        return None
    active = (bool(owner), bool(lifecycle), bool(country))
    params = [v for v in (owner, lifecycle, country.upper()) if v]
    return ("accounts", *active), params


def contacts_shape(
    *,
    query: str = "",
    owner: int | None = None,
    account: int | None = None,
    lifecycle: str = "",
    country: str = "",
    industry: str = "",
) -> tuple[Hashable, list[Any]] | None:
    """As ``accounts_shape``, for ``contacts(...)``."""
    if query or industry:
        return None
    active = (bool(owner), bool(account), bool(lifecycle), bool(country))
    params = [v for v in (owner, account, lifecycle, country.upper()) if v]
    return ("contacts", *active), params


def sort_keyset(sorts: dict[str, tuple[str, ...]], sort: str) -> Keyset:
    """``"name"`` / ``"-name"`` → a Keyset; unknown keys fall back to the first."""
    descending = sort.startswith("-")
    fields = sorts.get(sort.lstrip("-"), next(iter(sorts.values())))
    return Keyset(fields, descending=descending)


def account_detail(pk: int) -> Account | None:
    return Account.objects.select_related("owner", "parent").filter(pk=pk).first()


def contact_detail(pk: int) -> Contact | None:
    return Contact.objects.select_related("owner", "account").filter(pk=pk).first()


def is_live(model: type[Account] | type[Contact], pk: int) -> bool:
    """True if the account / contact ``pk`` exists and is not in the trash."""
    return model.objects.filter(pk=pk).exists()


def activities(*, account: int | None = None, contact: int | None = None) -> QuerySet[Activity]:
    qs = Activity.objects.select_related("account", "contact", "assignee", "created_by")
    if account:
        qs = qs.filter(account_id=account)
    if contact:
        qs = qs.filter(contact_id=contact)
    return qs


def open_tasks(*, account: Account | None = None, contact: Contact | None = None) -> Any:
    qs = activities(
        account=account.pk if account else None, contact=contact.pk if contact else None
    )
    return qs.filter(kind=Activity.Kind.TASK, done_at__isnull=True).order_by("due_at", "pk")


def my_tasks(user: Any) -> QuerySet[Activity]:
    """The open tasks ``user`` must do, soonest due first ("my work")."""
    return (
        Activity.objects.filter(kind=Activity.Kind.TASK, assignee=user, done_at__isnull=True)
        .select_related("account", "contact")
        .order_by("due_at", "pk")
    )


def timeline(
    *,
    account: Account | int | None = None,
    contact: Contact | int | None = None,
    kinds: Iterable[str] | None = None,
    cursor: str | None = None,
    limit: int = 50,
    fields: Sequence[str] | None = None,
    live: bool = False,
) -> dict[str, Any]:
    """One page of a timeline, newest first: ``{"items": [TimelineEntry], "next_cursor"}``.

    With ``fields``, the items are dicts of those columns (``values()``).
    With ``live``, no entries while the account / contact is in the trash (or
    does not exist): one query answers both "is it there" and "its page".
    """
    shape: tuple[Hashable, list[Any]] | None = None
    wanted = [k for k in (kinds or []) if k]
    target: dict[str, int] = {}
    if account is not None:
        target["account_id"] = account.pk if isinstance(account, Account) else account
    elif contact is not None:
        target["contact_id"] = contact.pk if isinstance(contact, Contact) else contact
    if target and not wanted:
        shape = (f"timeline-{next(iter(target))}-{live}", list(target.values()))

    def build() -> QuerySet[TimelineEntry]:
        if not target:
            return TimelineEntry.objects.none()
        qs = TimelineEntry.objects.filter(**target)
        if live:
            name = next(iter(target)).removesuffix("_id")
            qs = qs.filter(**{f"{name}__deleted_at__isnull": True})
        return qs.filter(kind__in=wanted) if wanted else qs

    return paginate(
        build,
        TIMELINE_KEYSET,
        cursor=cursor,
        limit=limit,
        fields=fields,
        shape=shape,
        model=TimelineEntry,
    )


def merge_preview(obj: Account | Contact) -> dict[str, int]:
    """How many rows of each registered relation point at ``obj`` (what a merge moves)."""
    from interlock.customers.merge import relations_to

    counts: dict[str, int] = {}
    for relation in relations_to(type(obj)):
        model = relation.model()
        manager = getattr(model, "objects", model._default_manager)
        if model is TimelineEntry:
            manager = TimelineEntry.objects
        count = manager.filter(**{relation.field: obj.pk}).count()
        if count:
            counts[str(model._meta.verbose_name_plural)] = (
                counts.get(str(model._meta.verbose_name_plural), 0) + count
            )
    return counts
