"""Lead scoring: fit (who the contact is) and engagement (what they did).

Fit rules name an attribute from :data:`ATTRIBUTES` (contact and account
fields, each with a type and the operators it allows); a contact's fit is
the sum of the points of the active rules it matches, shown as a grade A–D.
Engagement is the sum of points per activity kind and campaign response,
halved every ``half_life_days`` (ages counted in whole UTC days), counting
only what happened up to ``at``.

:func:`rule_matches` is the one place a rule is evaluated: the per-contact
path here and the bulk path (``scoring_bulk``, which evaluates the rules over
the distinct values of each attribute) share it, so both always agree.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from auditlog.context import disable_auditlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from interlock.campaigns.models import CampaignResponse
from interlock.customers.models import Activity, Contact
from interlock.leads import lifecycle
from interlock.leads.models import EngagementRule, FitRule, LeadProfile, ScoringSettings
from interlock.leads.scoring_rules import (  # noqa: F401  (scoring's public names, re-exported)
    ATTRIBUTES,
    FREE_MAIL_DOMAINS,
    MAX_PATTERN,
    NO_VALUE,
    OPERATORS,
    Attribute,
    attribute_choices,
    email_domain,
    raw_values,
    rule_matches,
    validate_rule,
)

log = logging.getLogger(__name__)
Op = FitRule.Operator


def active_fit_rules() -> list[FitRule]:
    return list(FitRule.objects.filter(active=True).order_by("position", "id"))


def engagement_weights() -> dict[str, int]:
    return dict(EngagementRule.objects.filter(active=True).values_list("trigger", "points"))


def scoring_settings() -> ScoringSettings:
    return ScoringSettings.objects.get_or_create(pk=1)[0]


GRADES = ("A", "B", "C", "D")
# What score_contact writes; derived values, left out of the audit log.
SCORE_FIELDS = (
    "fit_points",
    "fit_grade",
    "engagement_points",
    "engagement_at",
    "scored_at",
    "scoring_version",
)


def grade_for(points: int, settings: ScoringSettings) -> str:
    if points >= settings.grade_a_min:
        return "A"
    if points >= settings.grade_b_min:
        return "B"
    if points >= settings.grade_c_min:
        return "C"
    return "D"


def grade_at_least(grade: str, minimum: str) -> bool:
    return grade in GRADES and GRADES.index(grade) <= GRADES.index(minimum)


def decay(age_days: int, half_life_days: int) -> float:
    """The share of its points an engagement keeps after ``age_days`` whole days."""
    return float(0.5 ** (max(0, age_days) / half_life_days))


def utc_day(moment: datetime) -> date:
    return moment.astimezone(UTC).date() if timezone.is_aware(moment) else moment.date()


def may_become_mql(stage: str) -> bool:
    """Whether the MQL rule may promote a contact in ``stage`` (see lifecycle.AUTO_MQL_FROM)."""
    return (stage or "") in lifecycle.AUTO_MQL_FROM


@dataclass(frozen=True)
class Touch:
    trigger: str
    occurred_at: datetime


def touches(contact_id: int, at: datetime) -> list[Touch]:
    """The contact's live activities and campaign responses up to ``at``."""
    found = [
        Touch(f"activity:{kind}", when)
        for kind, when in Activity.objects.filter(
            contact_id=contact_id, occurred_at__lte=at
        ).values_list("kind", "occurred_at")
    ]
    found += [
        Touch(f"campaign:{kind}", when)
        for kind, when in CampaignResponse.objects.filter(
            contact_id=contact_id, occurred_at__lte=at
        ).values_list("kind", "occurred_at")
    ]
    return found


def _engagement(
    items: Iterable[Touch], weights: dict[str, int], half_life: int, at: datetime
) -> float:
    today = utc_day(at)
    total = 0.0
    for touch in items:
        points = weights.get(touch.trigger)
        if points:
            total += points * decay((today - utc_day(touch.occurred_at)).days, half_life)
    return round(total, 2)


def score_contact(
    *, contact_id: int, at: datetime | None = None, promote: bool = True
) -> LeadProfile:
    """Recompute and store one contact's fit and engagement; promote to MQL when the rule is met."""
    at = at or timezone.now()
    contact = Contact.all_objects.select_related("account", "lead").get(pk=contact_id)
    settings = scoring_settings()
    values = raw_values(contact)
    fit = sum(
        rule.points
        for rule in active_fit_rules()
        if rule.field in ATTRIBUTES
        and rule_matches(rule, fit_value(values, ATTRIBUTES[rule.field]))
    )
    engagement = _engagement(
        touches(contact.pk, at), engagement_weights(), settings.half_life_days, at
    )
    profile = _profile(contact)
    profile.fit_points = fit
    profile.fit_grade = grade_for(fit, settings)
    profile.engagement_points = engagement
    profile.engagement_at = at
    profile.scored_at = at
    profile.scoring_version = settings.version
    # The scores are derived (not audited, see registrations): skip auditlog's
    # re-read of the row, which would only find nothing to log.
    with disable_auditlog():
        profile.save(update_fields=list(SCORE_FIELDS))
    if promote and meets_mql(profile, settings) and may_become_mql(contact.lifecycle_stage):
        promote_contact(contact, profile, at=at)
    return profile


def meets_mql(profile: LeadProfile, settings: ScoringSettings) -> bool:
    return (
        settings.mql_enabled
        and grade_at_least(profile.fit_grade, settings.mql_min_grade)
        and profile.engagement_points >= settings.mql_min_engagement
    )


def mql_reason(profile: LeadProfile) -> str:
    return _("Fit %(grade)s (%(fit)d points), engagement %(engagement)s") % {
        "grade": profile.fit_grade,
        "fit": profile.fit_points,
        "engagement": f"{profile.engagement_points:g}",
    }


def promote_contact(contact: Contact, profile: LeadProfile, *, at: datetime) -> bool:
    """Hand the contact to lifecycle management (part A's ``promote_to_mql``)."""
    try:
        from interlock.leads.services_lifecycle import promote_to_mql  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # lifecycle management not installed yet: scores only
        return False
    try:
        with transaction.atomic():
            handoff = promote_to_mql(
                contact=contact, rule="mql-rule", reason=mql_reason(profile), at=at
            )
    except ValidationError:
        # The scores stay; the move is retried at the next scoring of this contact.
        log.exception("could not promote contact %s to MQL", contact.pk)
        return False
    return handoff is not None


def _profile(contact: Contact) -> LeadProfile:
    try:
        cached: LeadProfile | None = contact.lead  # selected with the contact
    except LeadProfile.DoesNotExist:
        cached = None
    if cached is not None:
        return cached
    try:
        from interlock.leads.moves import lead_profile
    except ImportError:
        return LeadProfile.objects.get_or_create(contact=contact)[0]
    return lead_profile(contact)  # type: ignore[no-any-return,unused-ignore]


# --- explanation ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    points: float
    text: str

    @property
    def signed(self) -> str:
        return f"{self.points:+g}".replace("-", "−")


@dataclass
class Explanation:
    fit_points: int
    grade: str
    engagement_points: float
    at: datetime
    fit_lines: list[Line] = field(default_factory=list)
    engagement_lines: list[Line] = field(default_factory=list)
    meets_mql: bool = False


def trigger_label(trigger: str) -> str:
    source, _sep, kind = trigger.partition(":")
    if source == "activity" and kind in Activity.Kind.values:
        return str(Activity.Kind(kind).label)
    if source == "campaign" and kind in CampaignResponse.Kind.values:
        return _("campaign: %(kind)s") % {"kind": CampaignResponse.Kind(kind).label}
    return trigger


def triggers() -> list[tuple[str, str]]:
    """Every trigger engagement points may be set for, with its label."""
    names = [f"activity:{k}" for k in Activity.Kind.values]
    names += [f"campaign:{k}" for k in CampaignResponse.Kind.values]
    return [(name, trigger_label(name)) for name in names]


def rule_text(rule: FitRule) -> str:
    attr = ATTRIBUTES.get(rule.field)
    label = str(attr.label) if attr else rule.field
    text = f"{label} {Op(rule.operator).label}"
    if rule.value:
        text += f" {rule.value}"
    return f"{rule.name} ({text})" if rule.name else text


def _period(age_days: int) -> tuple[int, str]:
    if age_days <= 30:
        return 0, _("in the last 30 days")
    if age_days <= 90:
        return 1, _("31–90 days ago")
    return 2, _("more than 90 days ago")


def explain(contact: Contact, at: datetime | None = None) -> Explanation:
    """Why the contact has its scores: one line per matching rule and per touch group."""
    at = at or timezone.now()
    settings = scoring_settings()
    values = raw_values(contact)
    fit_lines = []
    for rule in active_fit_rules():
        attr = ATTRIBUTES.get(rule.field)
        if attr and rule_matches(rule, fit_value(values, attr)):
            fit_lines.append(Line(rule.points, rule_text(rule)))
    fit = sum(int(line.points) for line in fit_lines)
    weights = engagement_weights()
    today = utc_day(at)
    groups: dict[tuple[int, str], list[float]] = defaultdict(list)
    for touch in touches(contact.pk, at):
        points = weights.get(touch.trigger)
        if points:
            age = (today - utc_day(touch.occurred_at)).days
            groups[(_period(age)[0], touch.trigger)].append(
                points * decay(age, settings.half_life_days)
            )
    period_names = {0: _period(0)[1], 1: _period(31)[1], 2: _period(91)[1]}
    engagement_lines = [
        Line(
            round(sum(parts), 1),
            ngettext("%(count)d × %(what)s %(when)s", "%(count)d × %(what)s %(when)s", len(parts))
            % {"count": len(parts), "what": trigger_label(trigger), "when": period_names[period]},
        )
        for (period, trigger), parts in sorted(groups.items())
    ]
    engagement = round(sum(sum(parts) for parts in groups.values()), 2)
    explanation = Explanation(
        fit_points=fit,
        grade=grade_for(fit, settings),
        engagement_points=engagement,
        at=at,
        fit_lines=fit_lines,
        engagement_lines=engagement_lines,
    )
    explanation.meets_mql = (
        settings.mql_enabled
        and grade_at_least(explanation.grade, settings.mql_min_grade)
        and engagement >= settings.mql_min_engagement
    )
    return explanation


def fit_value(contact_values: dict[str, str], attr: Attribute) -> str:
    return attr.derive(contact_values[attr.key])
