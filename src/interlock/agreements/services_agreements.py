"""Writes of agreement drafts: create (blank or from a template), edit, terms and ladder.

Each function is one transaction, asks ``agreement.draft`` first and edits
only draft versions (``validation.check_editable``): a proposed or signed
version is frozen, and a change to it is a new version (services_signing).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.agreements import validation
from interlock.agreements.models import Agreement, AgreementVersion, EscalationStep, Term
from interlock.core import events, policy
from interlock.org.models import Team

TERM_FIELDS = frozenset(
    {
        "type",
        "deliverable",
        "place",
        "hours",
        "at_risk_percent",
        "period",
        "minimum",
        "maximum",
        "criterion",
        "target_percent",
        "min_sample",
    }
)


def event_payload(version: AgreementVersion, **extra: Any) -> dict[str, Any]:
    agreement = version.agreement
    return {
        "agreement_id": agreement.pk,
        "version_id": version.pk,
        "version": version.number,
        "provider_team_id": agreement.provider_team_id,
        "receiver_team_id": agreement.receiver_team_id,
        **extra,
    }


def _locked(version: AgreementVersion) -> AgreementVersion:
    """The version row locked: two editors must not both edit a draft being proposed."""
    return (
        AgreementVersion.objects.select_for_update().select_related("agreement").get(pk=version.pk)
    )


def agreement_create(
    *,
    actor: Any,
    provider_team: Team,
    receiver_team: Team,
    title: str,
    purpose: str = "",
    effective_from: datetime | None = None,
    effective_to: datetime | None = None,
    template: str = "",
) -> Agreement:
    """A new agreement with version 1 as a draft (effective from now unless given)."""
    validation.check_teams(provider_team, receiver_team)
    policy.require(
        actor,
        "agreement.draft",
        Agreement(provider_team=provider_team, receiver_team=receiver_team),
    )
    title = validation.check_title(title)
    start = effective_from or timezone.now()
    validation.check_period(start, effective_to)
    with transaction.atomic():
        agreement = Agreement.objects.create(
            provider_team=provider_team,
            receiver_team=receiver_team,
            title=title,
            template=template,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        version = AgreementVersion.objects.create(
            agreement=agreement,
            number=1,
            title=title,
            purpose=(purpose or "").strip(),
            effective_from=start,
            effective_to=effective_to,
            created_by=agreement.created_by,
        )
        events.record(
            "agreement.created",
            subject=agreement,
            actor=actor,
            payload=event_payload(version, title=title, template=template),
        )
    return agreement


def agreement_from_template(
    *,
    actor: Any,
    template_key: str,
    provider_team: Team,
    receiver_team: Team,
    effective_from: datetime | None = None,
) -> Agreement:
    """Version 1 as a draft with the template's terms and escalation ladder."""
    from interlock.agreements import catalog

    template = catalog.get(template_key)
    with transaction.atomic():
        agreement = agreement_create(
            actor=actor,
            provider_team=provider_team,
            receiver_team=receiver_team,
            title=str(template.title),
            purpose=str(template.purpose),
            effective_from=effective_from,
            template=template.key,
        )
        version = agreement.versions.get(number=1)
        terms, steps = template.build(provider_team, receiver_team)
        for position, fields in enumerate(terms):
            term = Term(version=version, position=position, **fields)
            validation.check_term(term)
            term.save()
        for position, fields in enumerate(steps):
            step = EscalationStep(version=version, position=position, **fields)
            validation.check_step(step)
            step.save()
    return agreement


def version_update(
    *,
    actor: Any,
    version: AgreementVersion,
    title: str | None = None,
    purpose: str | None = None,
    effective_from: datetime | None = None,
    effective_to: datetime | None = None,
    clear_effective_to: bool = False,
) -> AgreementVersion:
    """Change a draft's title, purpose or period (None: leave as it is)."""
    policy.require(actor, "agreement.draft", version.agreement)
    with transaction.atomic():
        version = _locked(version)
        validation.check_editable(version)
        fields: list[str] = []
        if title is not None:
            version.title = validation.check_title(title)
            fields.append("title")
        if purpose is not None:
            version.purpose = purpose.strip()
            fields.append("purpose")
        if effective_from is not None:
            version.effective_from = effective_from
            fields.append("effective_from")
        if clear_effective_to:
            version.effective_to = None
            fields.append("effective_to")
        elif effective_to is not None:
            version.effective_to = effective_to
            fields.append("effective_to")
        validation.check_period(version.effective_from, version.effective_to)
        if fields:
            version.save(update_fields=fields)
            if "title" in fields:
                Agreement.objects.filter(pk=version.agreement_id).update(title=version.title)
                version.agreement.title = version.title
            events.record(
                "agreement.edited",
                subject=version,
                actor=actor,
                payload=event_payload(version, fields=fields),
            )
    return version


def _next_position(queryset: Any) -> int:
    last = queryset.aggregate(m=Max("position"))["m"]
    return 0 if last is None else last + 1


def term_add(
    *,
    actor: Any,
    version: AgreementVersion,
    type: str,
    deliverable: str,
    place: str = "",
    hours: Decimal | float | int | str | None = None,
    at_risk_percent: int | None = 75,
    period: str = "",
    minimum: int | None = None,
    maximum: int | None = None,
    criterion: dict[str, Any] | None = None,
    target_percent: Decimal | float | int | str | None = None,
    min_sample: int | None = None,
) -> Term:
    """A new term at the end of a draft's list."""
    policy.require(actor, "agreement.draft", version.agreement)
    with transaction.atomic():
        version = _locked(version)
        validation.check_editable(version)
        term = Term(
            version=version,
            position=_next_position(version.terms.all()),
            type=type,
            deliverable=deliverable,
            place=place or "",
            hours=hours,
            at_risk_percent=at_risk_percent,
            period=period or "",
            minimum=minimum,
            maximum=maximum,
            criterion=criterion or {},
            target_percent=target_percent,
            min_sample=min_sample,
        )
        validation.check_term(term)
        term.save()
        events.record(
            "agreement.term_added",
            subject=version,
            actor=actor,
            payload=event_payload(version, term_id=term.pk, type=term.type),
        )
    return term


def term_update(*, actor: Any, term: Term, **fields: Any) -> Term:
    """Change the given fields of a draft's term (the same keywords as ``term_add``)."""
    unknown = set(fields) - TERM_FIELDS
    if unknown:
        raise ValidationError(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))}
        )
    policy.require(actor, "agreement.draft", term.version.agreement)
    with transaction.atomic():
        version = _locked(term.version)
        validation.check_editable(version)
        term = Term.objects.select_for_update().get(pk=term.pk)
        term.version = version
        for name, value in fields.items():
            if name == "criterion":
                value = value or {}
            elif name in {"place", "period"}:
                value = value or ""
            setattr(term, name, value)
        validation.check_term(term)
        term.save()
        events.record(
            "agreement.term_changed",
            subject=version,
            actor=actor,
            payload=event_payload(version, term_id=term.pk, fields=sorted(fields)),
        )
    return term


def term_remove(*, actor: Any, term: Term) -> None:
    policy.require(actor, "agreement.draft", term.version.agreement)
    with transaction.atomic():
        version = _locked(term.version)
        validation.check_editable(version)
        term_id = term.pk
        Term.objects.filter(pk=term_id).delete()
        events.record(
            "agreement.term_removed",
            subject=version,
            actor=actor,
            payload=event_payload(version, term_id=term_id),
        )


def step_add(
    *,
    actor: Any,
    version: AgreementVersion,
    trigger: str,
    offset_hours: Decimal | float | int | str,
    actions: list[str],
) -> EscalationStep:
    """A rung of the draft's escalation ladder."""
    policy.require(actor, "agreement.draft", version.agreement)
    with transaction.atomic():
        version = _locked(version)
        validation.check_editable(version)
        step = EscalationStep(
            version=version,
            position=_next_position(version.ladder.all()),
            trigger=trigger,
            offset_hours=offset_hours,
            actions=list(actions) if actions is not None else [],
        )
        validation.check_step(step)
        step.save()
        events.record(
            "agreement.step_added",
            subject=version,
            actor=actor,
            payload=event_payload(version, step_id=step.pk),
        )
    return step


def step_remove(*, actor: Any, step: EscalationStep) -> None:
    policy.require(actor, "agreement.draft", step.version.agreement)
    with transaction.atomic():
        version = _locked(step.version)
        validation.check_editable(version)
        step_id = step.pk
        EscalationStep.objects.filter(pk=step_id).delete()
        events.record(
            "agreement.step_removed",
            subject=version,
            actor=actor,
            payload=event_payload(version, step_id=step_id),
        )
