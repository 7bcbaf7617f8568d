"""The life of a version: propose, revise, withdraw, sign (→ active), new version, terminate.

draft → proposed → active (a team lead of each side has signed) → superseded
by the next signed version, or terminated. A proposal may go back to draft
(signatures cleared) or be withdrawn. Each function is one transaction and
locks the agreement row: two leads signing at once must not both see "the
other side has not signed yet", and a version must not be activated twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.agreements.models import (
    Agreement,
    AgreementVersion,
    EscalationStep,
    Signature,
    Term,
)
from interlock.agreements.services_agreements import event_payload
from interlock.core import events, policy
from interlock.org.models import WorkingHours

S = AgreementVersion.Status
OPEN = (S.DRAFT, S.PROPOSED)


def _moment(at: datetime | None) -> datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValidationError({"at": _("Give the time with its time zone.")})
    return at


def _lock(version: AgreementVersion) -> AgreementVersion:
    """Lock the agreement, then reread the version (all life-cycle writes lock in this order)."""
    Agreement.objects.select_for_update().filter(pk=version.agreement_id).first()
    return AgreementVersion.objects.select_related(
        "agreement__provider_team", "agreement__receiver_team"
    ).get(pk=version.pk)


def _has_working_hours(team_id: int) -> bool:
    return WorkingHours.objects.filter(calendar__team_id=team_id).exists()


def version_propose(
    *, actor: Any, version: AgreementVersion, at: datetime | None = None
) -> AgreementVersion:
    """Freeze a draft and put it up for signature (it needs at least one term)."""
    policy.require(actor, "agreement.draft", version.agreement)
    at = _moment(at)
    with transaction.atomic():
        version = _lock(version)
        if version.status != S.DRAFT:
            raise ValidationError(
                _("Only a draft can be proposed; this version is %(status)s.")
                % {"status": version.get_status_display()}
            )
        terms = list(version.terms.all())
        if not terms:
            raise ValidationError(_("Add at least one term before proposing the agreement."))
        receiver = version.agreement.receiver_team
        if any(t.type == Term.Type.TIME for t in terms) and not _has_working_hours(receiver.pk):
            raise ValidationError(
                _(
                    "%(team)s has no working hours; set them under Organisation → "
                    "Calendar first, so that time terms can be measured."
                )
                % {"team": receiver}
            )
        version.status = S.PROPOSED
        version.proposed_at = at
        version.proposed_by = actor if getattr(actor, "pk", None) else None
        version.save(update_fields=["status", "proposed_at", "proposed_by"])
        events.record(
            "agreement.proposed",
            subject=version,
            actor=actor,
            occurred_at=at,
            payload=event_payload(version),
        )
    return version


def version_revise(*, actor: Any, version: AgreementVersion) -> AgreementVersion:
    """Take a proposal back to draft to change it; signatures given so far are cleared."""
    policy.require(actor, "agreement.draft", version.agreement)
    with transaction.atomic():
        version = _lock(version)
        if version.status != S.PROPOSED:
            raise ValidationError(
                _("Only a proposed version can go back to draft; this one is %(status)s.")
                % {"status": version.get_status_display()}
            )
        cleared = version.signatures.all().delete()[0]
        version.status = S.DRAFT
        version.proposed_at = None
        version.proposed_by = None
        version.save(update_fields=["status", "proposed_at", "proposed_by"])
        events.record(
            "agreement.revised",
            subject=version,
            actor=actor,
            payload=event_payload(version, signatures_cleared=cleared),
        )
    return version


def version_withdraw(
    *, actor: Any, version: AgreementVersion, at: datetime | None = None
) -> AgreementVersion:
    """Drop a draft or proposal nobody will sign; it stays readable as withdrawn."""
    policy.require(actor, "agreement.draft", version.agreement)
    at = _moment(at)
    with transaction.atomic():
        version = _lock(version)
        if version.status not in OPEN:
            raise ValidationError(
                _("Only a draft or proposal can be withdrawn; this version is %(status)s.")
                % {"status": version.get_status_display()}
            )
        version.status = S.WITHDRAWN
        version.ended_at = at
        version.save(update_fields=["status", "ended_at"])
        events.record(
            "agreement.withdrawn",
            subject=version,
            actor=actor,
            occurred_at=at,
            payload=event_payload(version),
        )
    return version


def _side_of(actor: Any, agreement: Agreement, signed: set[str]) -> str:
    """The side the actor leads (the unsigned one first if they lead both)."""
    sides = [
        (Signature.Side.PROVIDER, agreement.provider_team),
        (Signature.Side.RECEIVER, agreement.receiver_team),
    ]
    led = [side for side, team in sides if policy.can(actor, "agreement.sign", team)]
    if not led:
        raise PermissionDenied("agreement.sign")
    unsigned = [side for side in led if side not in signed]
    return str((unsigned or led)[0])


def version_sign(
    *, actor: Any, version: AgreementVersion, side: str | None = None, at: datetime | None = None
) -> Signature:
    """A team lead signs for their side; with both signatures the version takes effect."""
    from interlock.agreements.contract import contract_for

    at = _moment(at)
    with transaction.atomic():
        version = _lock(version)
        agreement = version.agreement
        signed = set(version.signatures.values_list("side", flat=True))
        if side is None:
            side = _side_of(actor, agreement, signed)
        if side not in Signature.Side.values:
            raise ValidationError({"side": _("The side is provider or receiver.")})
        team = (
            agreement.provider_team if side == Signature.Side.PROVIDER else agreement.receiver_team
        )
        policy.require(actor, "agreement.sign", team)
        if version.status != S.PROPOSED:
            raise ValidationError(
                _("Only a proposed version can be signed; this version is %(status)s.")
                % {"status": version.get_status_display()}
            )
        if side in signed:
            raise ValidationError(_("%(team)s has signed this version already.") % {"team": team})
        signature = Signature.objects.create(
            version=version,
            side=side,
            team=team,
            user=actor,
            signed_at=at,
            content_hash=contract_for(version).fingerprint,
        )
        events.record(
            "agreement.signed",
            subject=version,
            actor=actor,
            occurred_at=at,
            payload=event_payload(version, side=side, team_id=team.pk, user_id=actor.pk),
        )
        if signed | {side} >= set(Signature.Side.values):
            _activate(actor, version, at)
    return signature


def _activate(actor: Any, version: AgreementVersion, at: datetime) -> None:
    previous = (
        AgreementVersion.objects.filter(agreement_id=version.agreement_id, status=S.ACTIVE)
        .exclude(pk=version.pk)
        .first()
    )
    if previous is not None:
        previous.status = S.SUPERSEDED
        previous.ended_at = max(at, version.effective_from)
        previous.end_note = _("Superseded by version %(number)d.") % {"number": version.number}
        previous.save(update_fields=["status", "ended_at", "end_note"])
        events.record(
            "agreement.superseded",
            subject=previous,
            actor=actor,
            occurred_at=at,
            payload=event_payload(
                previous, by_version=version.number, ended_at=previous.ended_at.isoformat()
            ),
        )
    version.status = S.ACTIVE
    version.activated_at = at
    version.save(update_fields=["status", "activated_at"])
    events.record(
        "agreement.activated",
        subject=version,
        actor=actor,
        occurred_at=at,
        payload=event_payload(
            version,
            effective_from=version.effective_from.isoformat(),
            supersedes=previous.number if previous is not None else None,
        ),
    )


def agreement_new_version(*, actor: Any, agreement: Agreement) -> AgreementVersion:
    """A new draft copying the active (else the latest) version's fields, terms and ladder."""
    policy.require(actor, "agreement.draft", agreement)
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
        versions = AgreementVersion.objects.filter(agreement=agreement)
        open_draft = versions.filter(status__in=OPEN).first()
        if open_draft is not None:
            raise ValidationError(
                _("Version %(number)d is still open (%(status)s); change or withdraw it first.")
                % {"number": open_draft.number, "status": open_draft.get_status_display()}
            )
        source = versions.filter(status=S.ACTIVE).first() or versions.order_by("-number").first()
        if source is None:  # pragma: no cover - every agreement is created with version 1
            raise ValidationError(_("This agreement has no version to copy."))
        if source.status == S.TERMINATED:
            raise ValidationError(
                _("This agreement was terminated; draft a new agreement instead.")
            )
        number = (versions.aggregate(m=Max("number"))["m"] or 0) + 1
        draft = AgreementVersion.objects.create(
            agreement=agreement,
            number=number,
            title=source.title,
            purpose=source.purpose,
            effective_from=max(source.effective_from, timezone.now()),
            effective_to=source.effective_to,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        if draft.effective_to is not None and draft.effective_to <= draft.effective_from:
            draft.effective_to = None
            draft.save(update_fields=["effective_to"])
        Term.objects.bulk_create(
            Term(
                version=draft,
                **{
                    f.name: getattr(term, f.name)
                    for f in Term._meta.concrete_fields
                    if f.name not in {"id", "version"}
                },
            )
            for term in source.terms.all()
        )
        EscalationStep.objects.bulk_create(
            EscalationStep(
                version=draft,
                position=step.position,
                trigger=step.trigger,
                offset_hours=step.offset_hours,
                actions=list(step.actions),
            )
            for step in source.ladder.all()
        )
        events.record(
            "agreement.version_created",
            subject=draft,
            actor=actor,
            payload=event_payload(draft, copied_from=source.number),
        )
    return draft


def agreement_terminate(
    *, actor: Any, agreement: Agreement, reason: str, at: datetime | None = None
) -> AgreementVersion:
    """End the active version for good (a reason is required); open drafts are withdrawn."""
    policy.require(actor, "agreement.draft", agreement)
    at = _moment(at)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the agreement is terminated.")})
    with transaction.atomic():
        Agreement.objects.select_for_update().filter(pk=agreement.pk).first()
        active = AgreementVersion.objects.filter(agreement=agreement, status=S.ACTIVE).first()
        if active is None:
            raise ValidationError(
                _("Only an active agreement can be terminated; withdraw a draft or proposal.")
            )
        for open_version in AgreementVersion.objects.filter(agreement=agreement, status__in=OPEN):
            open_version.status = S.WITHDRAWN
            open_version.ended_at = at
            open_version.save(update_fields=["status", "ended_at"])
        active.status = S.TERMINATED
        active.ended_at = at
        active.end_note = reason
        active.save(update_fields=["status", "ended_at", "end_note"])
        events.record(
            "agreement.terminated",
            subject=active,
            actor=actor,
            occurred_at=at,
            payload=event_payload(active, reason=reason),
        )
    return active
