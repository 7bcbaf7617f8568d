"""Checks the authoring services run before they write: teams, terms, ladder steps, drafts.

Each raises a Django ``ValidationError`` keyed by the field it is about, with a
translatable message that says what is wrong and how to put it right, so the
pages show it beside the field and the API answers 422 instead of a 500.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from interlock.agreements.models import AgreementVersion, EscalationStep, Term
from interlock.core import deliverables
from interlock.org.models import Team

MAX_HOURS = Decimal("99999.99")  # Term.hours / EscalationStep.offset_hours: 7 digits, 2 places


def check_teams(provider: Team | None, receiver: Team | None) -> None:
    """Two different live teams."""
    if provider is None:
        raise ValidationError({"provider_team": _("Choose the team that provides.")})
    if receiver is None:
        raise ValidationError({"receiver_team": _("Choose the team that receives.")})
    if provider.pk == receiver.pk:
        raise ValidationError(
            {"receiver_team": _("An agreement needs two different teams; choose another receiver.")}
        )
    for field, team in (("provider_team", provider), ("receiver_team", receiver)):
        if team.deleted_at is not None:
            raise ValidationError(
                {field: _("%(team)s is in the trash; choose a live team.") % {"team": team}}
            )


def check_title(title: str | None) -> str:
    cleaned = (title or "").strip()
    if not cleaned:
        raise ValidationError({"title": _("Give the agreement a title.")})
    if len(cleaned) > 200:
        raise ValidationError({"title": _("The title is at most 200 characters long.")})
    return cleaned


def check_period(effective_from: datetime, effective_to: datetime | None) -> None:
    for field, value in (("effective_from", effective_from), ("effective_to", effective_to)):
        if value is not None and timezone.is_naive(value):
            raise ValidationError({field: _("Give the time with its time zone.")})
    if effective_to is not None and effective_to <= effective_from:
        raise ValidationError(
            {"effective_to": _("The agreement must end after it takes effect (effective from).")}
        )


def check_editable(version: AgreementVersion) -> None:
    """Only drafts change; a proposal or signed version is frozen."""
    if version.status == AgreementVersion.Status.DRAFT:
        return
    if version.status == AgreementVersion.Status.PROPOSED:
        raise ValidationError(
            _(
                "This version is proposed; take it back to draft (revise) or start a new "
                "version to change it."
            )
        )
    raise ValidationError(
        _("This version is %(status)s; start a new version to change it.")
        % {"status": version.get_status_display()}
    )


def _decimal(value: Any, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValidationError({field: _("Enter a number.")}) from None
    if not number.is_finite():
        raise ValidationError({field: _("Enter a number.")})
    return number.quantize(Decimal("0.01"))


def _whole(value: Any, field: str) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise ValidationError({field: _("Enter a whole number.")}) from None
    if number != value and not isinstance(value, str):
        raise ValidationError({field: _("Enter a whole number.")})
    if number > 2_147_483_647:
        raise ValidationError({field: _("This number is too large.")})
    return number


def _kind(key: str) -> deliverables.DeliverableKind:
    try:
        return deliverables.get(key)
    except LookupError:
        known = ", ".join(sorted(deliverables.kinds())) or "—"
        raise ValidationError(
            {
                "deliverable": _("%(kind)s is not a known deliverable; choose one of %(known)s.")
                % {"kind": key, "known": known}
            }
        ) from None


def check_criterion(kind: deliverables.DeliverableKind, criterion: Any) -> dict[str, Any]:
    """The quality criterion, checked by the criteria module (h1) when present."""
    if not isinstance(criterion, dict) or not criterion:
        raise ValidationError(
            {"criterion": _("A quality term needs a criterion (attribute, operator, value).")}
        )
    from interlock.agreements.criteria import validate_criterion

    try:
        return dict(validate_criterion(kind, criterion))
    except ValidationError as error:
        raise ValidationError({"criterion": error.messages}) from None


def check_term(term: Term) -> None:
    """Validate and normalise one term in place (fields of other types are cleared)."""
    if term.type not in Term.Type.values:
        raise ValidationError(
            {
                "type": _("The type is one of time, quantity or quality, not %(type)s.")
                % {"type": term.type}
            }
        )
    kind = _kind(term.deliverable)
    term.place = (term.place or "").strip()
    if term.place:
        places = dict(kind.places())
        if term.place not in places:
            raise ValidationError(
                {
                    "place": _("%(place)s is not a place %(kind)s is delivered to.")
                    % {"place": term.place, "kind": kind.label}
                }
            )
    if term.type == Term.Type.TIME:
        _check_time(term)
    elif term.type == Term.Type.QUANTITY:
        _check_quantity(term)
    else:
        _check_quality(term, kind)


def _check_time(term: Term) -> None:
    if term.hours is None or term.hours == "":
        raise ValidationError({"hours": _("A time term needs its duration in business hours.")})
    hours = _decimal(term.hours, "hours")
    if hours <= 0:
        raise ValidationError({"hours": _("The duration must be more than 0 business hours.")})
    if hours > MAX_HOURS:
        raise ValidationError({"hours": _("The duration is at most 99999 business hours.")})
    term.hours = hours
    risk = _whole(term.at_risk_percent, "at_risk_percent")
    if risk is not None and not 1 <= risk <= 99:
        raise ValidationError(
            {"at_risk_percent": _("'At risk' is between 1 and 99 % of the time (or empty).")}
        )
    term.at_risk_percent = risk
    term.period, term.minimum, term.maximum = "", None, None
    term.criterion, term.target_percent, term.min_sample = {}, None, None


def _check_period_field(term: Term) -> None:
    if not term.period:
        raise ValidationError({"period": _("Choose the period: week, month or quarter.")})
    if term.period not in Term.Period.values:
        raise ValidationError(
            {
                "period": _("The period is week, month or quarter, not %(period)s.")
                % {"period": term.period}
            }
        )


def _check_quantity(term: Term) -> None:
    _check_period_field(term)
    minimum = _whole(term.minimum, "minimum")
    maximum = _whole(term.maximum, "maximum")
    if minimum is None and maximum is None:
        raise ValidationError({"minimum": _("Give at least a minimum (1 or more) or a maximum.")})
    if minimum is not None and minimum < 1:
        raise ValidationError({"minimum": _("The minimum is at least 1 (or empty).")})
    if maximum is not None and maximum < 1:
        raise ValidationError({"maximum": _("The maximum is at least 1 (or empty).")})
    if minimum is not None and maximum is not None and maximum < minimum:
        raise ValidationError({"maximum": _("The maximum cannot be below the minimum.")})
    term.minimum, term.maximum = minimum, maximum
    term.hours, term.at_risk_percent = None, None
    term.criterion, term.target_percent, term.min_sample = {}, None, None


def _check_quality(term: Term, kind: deliverables.DeliverableKind) -> None:
    _check_period_field(term)
    if term.target_percent is None or term.target_percent == "":
        raise ValidationError({"target_percent": _("A quality term needs a target in %.")})
    target = _decimal(term.target_percent, "target_percent")
    if not 0 <= target <= 100:
        raise ValidationError({"target_percent": _("The target is between 0 and 100 %.")})
    sample = _whole(term.min_sample, "min_sample")
    if sample is None:
        sample = 1
    if sample < 1:
        raise ValidationError({"min_sample": _("The minimum sample is at least 1.")})
    term.target_percent, term.min_sample = target, sample
    term.criterion = check_criterion(kind, term.criterion)
    term.hours, term.at_risk_percent = None, None
    term.minimum, term.maximum = None, None


def check_step(step: EscalationStep) -> None:
    """Trigger, offset ≥ 0 and one or more known actions (duplicates dropped)."""
    if step.trigger not in EscalationStep.Trigger.values:
        raise ValidationError(
            {
                "trigger": _("A step follows 'at risk' or 'breach', not %(trigger)s.")
                % {"trigger": step.trigger}
            }
        )
    if step.offset_hours is None or step.offset_hours == "":
        step.offset_hours = Decimal("0")
    offset = _decimal(step.offset_hours, "offset_hours")
    if offset < 0:
        raise ValidationError({"offset_hours": _("The offset cannot be negative; 0 is at once.")})
    if offset > MAX_HOURS:
        raise ValidationError({"offset_hours": _("The offset is at most 99999 business hours.")})
    step.offset_hours = offset
    step.actions = check_actions(step.actions)


def check_actions(actions: Iterable[str] | None) -> list[str]:
    if isinstance(actions, str) or actions is None:
        actions = [actions] if actions else []
    chosen: list[str] = []
    for action in actions:
        if action not in EscalationStep.Action.values:
            raise ValidationError(
                {
                    "actions": _("%(action)s is not an escalation action; choose from %(known)s.")
                    % {"action": action, "known": ", ".join(EscalationStep.Action.values)}
                }
            )
        if action not in chosen:
            chosen.append(action)
    if not chosen:
        raise ValidationError({"actions": _("Choose at least one action for the step.")})
    return chosen
