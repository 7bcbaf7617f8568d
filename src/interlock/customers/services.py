"""Writes of the shared customer record: accounts, contacts, activities, tasks, merges.

Each function is one transaction, checks the policy first, validates (field
rules, then ``full_clean()``, then the rules below), records a domain event
(which the timeline projects) and leaves an audit trail through auditlog.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Model, UniqueConstraint
from django.utils import timezone
from django.utils.translation import gettext as _
from django_countries import countries

from interlock.core import events, policy, trash
from interlock.customers import selectors
from interlock.customers.merge import relations_to
from interlock.customers.models import Account, Activity, Contact

DEFAULT_PHONE_REGION = "DE"
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")

ACCOUNT_FIELDS = {
    "name",
    "domain",
    "industry",
    "size",
    "revenue_band",
    "country",
    "state",
    "region",
    "parent",
    "owner",
    "lifecycle",
    "external_id",
}
CONTACT_FIELDS = {
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "buying_role",
    "account",
    "owner",
    "external_id",
}
# Filled on the survivor from the merged record when the survivor has none.
_ACCOUNT_FILL = sorted(ACCOUNT_FIELDS - {"name"})
_CONTACT_FILL = sorted(CONTACT_FIELDS - {"last_name"})
LOGGABLE_KINDS = {
    Activity.Kind.CALL,
    Activity.Kind.MEETING,
    Activity.Kind.EMAIL,
    Activity.Kind.NOTE,
}


# --- normalising and validating values ---------------------------------------------------


def normalise_email(value: str) -> str:
    """Strip and lower-case; empty stays empty; ValidationError if it is no address."""
    email = (value or "").strip().lower()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError(
                {"email": _("“%(value)s” is not a valid e-mail address.") % {"value": value}},
                code="invalid",
            ) from None
    return email


def normalise_domain(value: str) -> str:
    """``https://www.Example.com/about`` → ``example.com``; ValidationError if no host name."""
    raw = (value or "").strip().lower()
    if not raw:
        return ""
    host = re.sub(r"^[a-z][a-z0-9+.-]*://", "", raw)
    host = re.split(r"[/?#]", host, maxsplit=1)[0]
    host = host.rsplit("@", 1)[-1].split(":", 1)[0].rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        ascii_host = ""
    labels = ascii_host.split(".")
    if (
        len(ascii_host) > 253
        or len(labels) < 2
        or not all(_HOST_LABEL.match(label) for label in labels)
        or labels[-1].isdigit()
    ):
        raise ValidationError(
            {
                "domain": _(
                    "“%(value)s” is not a website domain. Enter a host name such as example.com."
                )
                % {"value": value[:100]}
            },
            code="invalid",
        )
    return host


def normalise_country(value: str) -> str:
    """An ISO 3166 code (or English country name) → its two-letter code."""
    raw = (value or "").strip()
    if not raw:
        return ""
    code = countries.alpha2(raw) if len(raw) <= 3 else ""
    if not code:
        code = countries.by_name(raw) or ""
    if not code:
        raise ValidationError(
            {
                "country": _(
                    "“%(value)s” is not a known country. Use a two-letter code such as DE or AT."
                )
                % {"value": raw[:100]}
            },
            code="invalid",
        )
    return str(code)


def normalise_phone(value: str, region: str = "") -> str:
    """Parse a phone number and return it in E.164 (``+4971112345``)."""
    raw = (value or "").strip()
    if not raw:
        return ""
    message = _(
        "“%(value)s” is not a phone number we can read. Use the international format, "
        "e.g. +49 711 123456."
    ) % {"value": raw[:100]}
    try:
        number = phonenumbers.parse(raw, region or DEFAULT_PHONE_REGION)
    except phonenumbers.NumberParseException:
        raise ValidationError({"phone": message}, code="invalid") from None
    if not phonenumbers.is_valid_number(number):
        raise ValidationError({"phone": message}, code="invalid")
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _strip(fields: dict[str, Any], names: tuple[str, ...]) -> None:
    for name in names:
        if isinstance(fields.get(name), str):
            fields[name] = fields[name].strip()


def _check_unknown(fields: dict[str, Any], allowed: set[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )


def _duplicate_error(field: str, existing: Model, label: str) -> ValidationError:
    return ValidationError(
        {
            field: ValidationError(
                _("%(label)s “%(name)s” (id %(id)s) already has this %(field)s.")
                % {"label": label, "name": existing, "id": existing.pk, "field": field},
                code="duplicate",
                params={"id": existing.pk, "model": existing._meta.label_lower},
            )
        }
    )


def duplicate_of(exc: ValidationError) -> dict[str, Any] | None:
    """The ``params`` ({"id", "model"}) of a duplicate error, or None."""
    if hasattr(exc, "error_dict"):
        errors = [e for errs in exc.error_dict.values() for e in errs]
    else:
        errors = list(exc.error_list)
    for error in errors:
        if error.code == "duplicate" and error.params:
            return dict(error.params)
    return None


# --- accounts -----------------------------------------------------------------------------


def _account_rules(account: Account, *, allow_duplicate: bool) -> None:
    account.full_clean()
    if account.parent_id:
        seen = {account.pk}
        parent: Account | None = account.parent
        while parent is not None:
            if parent.pk in seen:
                raise ValidationError(
                    {"parent": _("An account cannot be its own parent, not even indirectly.")}
                )
            seen.add(parent.pk)
            parent = parent.parent
    if account.domain and not allow_duplicate:
        existing = selectors.account_duplicates(account.domain).exclude(pk=account.pk).first()
        if existing is not None:
            raise _duplicate_error("domain", existing, _("Account"))


def _clean_account_fields(fields: dict[str, Any]) -> None:
    _strip(fields, ("name", "industry", "state", "region", "external_id"))
    if "domain" in fields:
        fields["domain"] = normalise_domain(fields["domain"])
    if "country" in fields:
        fields["country"] = normalise_country(fields["country"])
    if "name" in fields and not fields["name"]:
        raise ValidationError({"name": _("Give the account a name.")})


def account_create(
    *, actor: Any, name: str, allow_duplicate: bool = False, **fields: Any
) -> Account:
    """A new account; refuses one whose domain an existing account has (code "duplicate")."""
    policy.require(actor, "customer.write")
    _check_unknown(fields, ACCOUNT_FIELDS)
    fields["name"] = name
    _clean_account_fields(fields)
    account = Account(**fields)
    with transaction.atomic():
        _account_rules(account, allow_duplicate=allow_duplicate)
        account.save()
        events.record(
            "account.created",
            subject=account,
            actor=actor,
            payload={"account_id": account.pk, "name": account.name},
        )
    return account


def account_update(
    *, actor: Any, account: Account, allow_duplicate: bool = False, **fields: Any
) -> Account:
    policy.require(actor, "customer.write")
    _check_unknown(fields, ACCOUNT_FIELDS)
    _clean_account_fields(fields)
    with transaction.atomic():
        # Two people editing one account: the later save must see the earlier one.
        account = Account.objects.select_for_update().get(pk=account.pk)
        changed = sorted(n for n, v in fields.items() if getattr(account, n) != v)
        for name in changed:
            setattr(account, name, fields[name])
        _account_rules(account, allow_duplicate=allow_duplicate or "domain" not in changed)
        account.save()
        if changed:
            events.record(
                "account.updated",
                subject=account,
                actor=actor,
                payload={"account_id": account.pk, "fields": changed},
            )
    return account


def account_delete(*, actor: Any, account: Account) -> Account:
    policy.require(actor, "customer.write")
    return trash.trash_move(obj=account, actor=actor)


# --- contacts -----------------------------------------------------------------------------


def _clean_contact_fields(fields: dict[str, Any], account: Account | None) -> None:
    _strip(fields, ("first_name", "last_name", "title", "external_id"))
    if "email" in fields:
        fields["email"] = normalise_email(fields["email"])
    if "phone" in fields:
        region = str(account.country) if account is not None and account.country else ""
        fields["phone"] = normalise_phone(fields["phone"], region)
    if "last_name" in fields and not fields["last_name"]:
        raise ValidationError({"last_name": _("Enter the contact's last name.")})


def _contact_rules(contact: Contact, *, allow_duplicate: bool) -> None:
    contact.full_clean()
    if contact.account_id and contact.account and contact.account.in_trash:
        raise ValidationError({"account": _("This account is in the trash.")})
    if contact.email and not allow_duplicate:
        existing = selectors.contact_duplicates(contact.email).exclude(pk=contact.pk).first()
        if existing is not None:
            raise _duplicate_error("email", existing, _("Contact"))


def contact_create(
    *, actor: Any, last_name: str, allow_duplicate: bool = False, **fields: Any
) -> Contact:
    """A new contact; refuses one whose e-mail an existing contact has (code "duplicate")."""
    policy.require(actor, "customer.write")
    _check_unknown(fields, CONTACT_FIELDS)
    fields["last_name"] = last_name
    _clean_contact_fields(fields, fields.get("account"))
    contact = Contact(**fields)
    with transaction.atomic():
        _contact_rules(contact, allow_duplicate=allow_duplicate)
        contact.save()
        events.record(
            "contact.created",
            subject=contact,
            actor=actor,
            payload={
                "account_id": contact.account_id,
                "contact_id": contact.pk,
                "name": str(contact),
            },
        )
    return contact


def contact_update(
    *, actor: Any, contact: Contact, allow_duplicate: bool = False, **fields: Any
) -> Contact:
    policy.require(actor, "customer.write")
    _check_unknown(fields, CONTACT_FIELDS)
    _clean_contact_fields(fields, fields.get("account", contact.account))
    with transaction.atomic():
        # Two people editing one contact: the later save must see the earlier one.
        contact = Contact.objects.select_for_update().get(pk=contact.pk)
        changed = sorted(n for n, v in fields.items() if getattr(contact, n) != v)
        for name in changed:
            setattr(contact, name, fields[name])
        _contact_rules(contact, allow_duplicate=allow_duplicate or "email" not in changed)
        contact.save()
        if changed:
            events.record(
                "contact.updated",
                subject=contact,
                actor=actor,
                payload={
                    "account_id": contact.account_id,
                    "contact_id": contact.pk,
                    "fields": changed,
                },
            )
    return contact


def contact_delete(*, actor: Any, contact: Contact) -> Contact:
    policy.require(actor, "customer.write")
    return trash.trash_move(obj=contact, actor=actor)


# --- merge --------------------------------------------------------------------------------


def _merge(
    *, actor: Any, model: type[Account] | type[Contact], survivor: Any, other: Any, fill: list[str]
) -> tuple[Any, dict[str, int], list[str]]:
    policy.require(actor, "customer.merge")
    label = model._meta.verbose_name
    if survivor.pk == other.pk:
        raise ValidationError(
            {"other": _("A %(label)s cannot be merged with itself.") % {"label": label}},
            code="self_merge",
        )
    with transaction.atomic():
        # Two merges (or a merge and an edit) of the same records at once would
        # move rows twice or to a trashed record: lock both, in id order.
        locked = {
            obj.pk: obj
            for obj in model.all_objects.select_for_update()
            .filter(pk__in=[survivor.pk, other.pk])
            .order_by("pk")
        }
        survivor, other = locked.get(survivor.pk), locked.get(other.pk)
        if survivor is None or other is None or survivor.in_trash or other.in_trash:
            raise ValidationError(
                {"other": _("Both records must exist and not be in the trash to be merged.")},
                code="in_trash",
            )
        moved: dict[str, int] = {}
        for relation in relations_to(model):
            related = relation.model()
            manager = getattr(related, "all_objects", related._base_manager)
            _drop_clashes(manager, relation.field, survivor.pk, other.pk)
            count = manager.filter(**{relation.field: other.pk}).update(
                **{relation.field: survivor.pk}
            )
            if count:
                moved[f"{relation.model_label}.{relation.field}"] = count
        trash.trash_move(obj=other, actor=actor)
        filled = [
            name
            for name in fill
            if not getattr(
                survivor, f"{name}_id" if name in {"parent", "owner", "account"} else name
            )
            and getattr(other, f"{name}_id" if name in {"parent", "owner", "account"} else name)
        ]
        for name in filled:
            setattr(survivor, name, getattr(other, name))
        if isinstance(survivor, Account) and survivor.parent_id in {survivor.pk, other.pk}:
            survivor.parent = None  # it was the other's subsidiary (or would own itself)
        survivor.full_clean()
        survivor.save()
    return survivor, moved, filled


def _unique_sets(model: type[Model], field: str) -> list[tuple[str, ...]]:
    """The unique field sets of ``model`` that include ``field`` (as attnames)."""
    meta = model._meta
    sets: list[tuple[str, ...]] = [tuple(fs) for fs in meta.unique_together]
    sets += [
        tuple(c.fields)
        for c in meta.constraints
        if isinstance(c, UniqueConstraint) and c.fields and c.condition is None
    ]
    found = []
    for names in sets:
        if field in names:
            found.append(
                tuple(str(getattr(meta.get_field(n), "attname", n)) for n in names if n != field)
            )
    if getattr(meta.get_field(field), "unique", False):
        found.append(())
    return found


def _drop_clashes(manager: Any, field: str, survivor_pk: int, other_pk: int) -> None:
    """Delete the other's rows that would, once moved, repeat one of the survivor's.

    E.g. a timeline entry of one event on both records, or an idea linked to
    both accounts: the survivor keeps its row, the other's copy goes.
    """
    for rest in _unique_sets(manager.model, field):
        keep = set(manager.filter(**{field: survivor_pk}).values_list(*rest, "pk").iterator())
        keys = {row[:-1] for row in keep}
        if not keys:
            continue
        doomed = [
            row[-1]
            for row in manager.filter(**{field: other_pk}).values_list(*rest, "pk").iterator()
            if row[:-1] in keys
        ]
        for start in range(0, len(doomed), 500):
            manager.filter(pk__in=doomed[start : start + 500]).delete()


def account_merge(*, actor: Any, survivor: Account, other: Account) -> Account:
    """Move everything of ``other`` to ``survivor``, fill its gaps, trash ``other``."""
    with transaction.atomic():
        survivor, moved, filled = _merge(
            actor=actor, model=Account, survivor=survivor, other=other, fill=_ACCOUNT_FILL
        )
        events.record(
            "account.merged",
            subject=survivor,
            actor=actor,
            payload={
                "account_id": survivor.pk,
                "merged_id": other.pk,
                "merged_name": str(other),
                "moved": moved,
                "filled": filled,
            },
        )
    return survivor


def contact_merge(*, actor: Any, survivor: Contact, other: Contact) -> Contact:
    """Move everything of ``other`` to ``survivor``, fill its gaps, trash ``other``."""
    with transaction.atomic():
        survivor, moved, filled = _merge(
            actor=actor, model=Contact, survivor=survivor, other=other, fill=_CONTACT_FILL
        )
        events.record(
            "contact.merged",
            subject=survivor,
            actor=actor,
            payload={
                "account_id": survivor.account_id,
                "contact_id": survivor.pk,
                "merged_id": other.pk,
                "merged_name": str(other),
                "moved": moved,
                "filled": filled,
            },
        )
    return survivor


# --- activities and tasks -----------------------------------------------------------------


def _activity_targets(
    account: Account | None, contact: Contact | None
) -> tuple[Account | None, Contact | None]:
    if account is None and contact is None:
        raise ValidationError({"account": _("Choose an account or a contact.")})
    if account is None and contact is not None:
        account = contact.account
    for obj, field in ((account, "account"), (contact, "contact")):
        if obj is not None and obj.in_trash:
            raise ValidationError({field: _("This record is in the trash.")})
    return account, contact


def _activity_payload(activity: Activity) -> dict[str, Any]:
    return {
        "account_id": activity.account_id,
        "contact_id": activity.contact_id,
        "activity_id": activity.pk,
        "kind": activity.kind,
        "subject": activity.subject,
        "body": activity.body[:500],
        "assignee_id": activity.assignee_id,
        "due_at": activity.due_at.isoformat() if activity.due_at else None,
    }


def activity_log(
    *,
    actor: Any,
    kind: str,
    subject: str,
    body: str = "",
    occurred_at: datetime | None = None,
    account: Account | None = None,
    contact: Contact | None = None,
) -> Activity:
    """Log a call, meeting, e-mail or note on an account and/or contact."""
    policy.require(actor, "customer.write")
    if kind not in LOGGABLE_KINDS:
        raise ValidationError(
            {"kind": _("Log a call, meeting, e-mail or note; create tasks as tasks.")}
        )
    account, contact = _activity_targets(account, contact)
    activity = Activity(
        kind=kind,
        subject=(subject or "").strip(),
        body=body or "",
        occurred_at=occurred_at or timezone.now(),
        account=account,
        contact=contact,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    with transaction.atomic():
        activity.full_clean()
        activity.save()
        events.record(
            "activity.logged",
            subject=activity,
            actor=actor,
            occurred_at=activity.occurred_at,
            payload=_activity_payload(activity),
        )
    return activity


def task_create(
    *,
    actor: Any,
    subject: str,
    due_at: datetime,
    assignee: Any,
    body: str = "",
    account: Account | None = None,
    contact: Contact | None = None,
) -> Activity:
    """A task with a due date for ``assignee`` (stored as given; no deputy applied)."""
    policy.require(actor, "customer.write")
    account, contact = _activity_targets(account, contact)
    if assignee is None or not getattr(assignee, "is_active", False):
        raise ValidationError({"assignee": _("Choose an active person to do the task.")})
    if due_at is None:
        raise ValidationError({"due_at": _("Give the task a due date.")})
    task = Activity(
        kind=Activity.Kind.TASK,
        subject=(subject or "").strip(),
        body=body or "",
        occurred_at=timezone.now(),
        account=account,
        contact=contact,
        created_by=actor if getattr(actor, "pk", None) else None,
        assignee=assignee,
        due_at=due_at,
    )
    with transaction.atomic():
        task.full_clean()
        task.save()
        events.record("task.created", subject=task, actor=actor, payload=_activity_payload(task))
    return task


def activity_delete(*, actor: Any, activity: Activity) -> Activity:
    policy.require(actor, "customer.write")
    return trash.trash_move(obj=activity, actor=actor)


def _task_locked(task: Activity) -> Activity:
    if task.kind != Activity.Kind.TASK:
        raise ValidationError(_("This activity is not a task."))
    # Done and reopen clicked at once (two tabs): the last one wins cleanly.
    return Activity.objects.select_for_update().get(pk=task.pk)


def task_complete(*, actor: Any, task: Activity) -> Activity:
    policy.require(actor, "customer.write")
    with transaction.atomic():
        task = _task_locked(task)
        if task.done_at is None:
            task.done_at = timezone.now()
            task.save(update_fields=["done_at"])
            events.record(
                "task.completed", subject=task, actor=actor, payload=_activity_payload(task)
            )
    return task


def task_reopen(*, actor: Any, task: Activity) -> Activity:
    policy.require(actor, "customer.write")
    with transaction.atomic():
        task = _task_locked(task)
        if task.done_at is not None:
            task.done_at = None
            task.save(update_fields=["done_at"])
            events.record(
                "task.reopened", subject=task, actor=actor, payload=_activity_payload(task)
            )
    return task


def task_assign(*, actor: Any, task: Activity, assignee: Any) -> Activity:
    """Hand an open task to another active person (recorded as ``task.reassigned``)."""
    policy.require(actor, "customer.write")
    if assignee is None or not getattr(assignee, "is_active", False):
        raise ValidationError({"assignee": _("Choose an active person to do the task.")})
    with transaction.atomic():
        task = _task_locked(task)
        if task.done_at is not None:
            raise ValidationError(_("This task is done already; reopen it first."))
        previous = task.assignee_id
        if previous != assignee.pk:
            task.assignee = assignee
            task.save(update_fields=["assignee"])
            events.record(
                "task.reassigned",
                subject=task,
                actor=actor,
                payload=_activity_payload(task) | {"previous_assignee_id": previous},
            )
    return task
