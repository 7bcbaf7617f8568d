"""A version as a readable contract: parties, purpose, terms and ladder in plain sentences.

``contract_for`` renders in the requested language (German or English). The
fingerprint is the SHA-256 of the *English* text of what the parties agree on
(title, teams, purpose, period, terms, ladder — not signatures or status), so
both signatures of a version carry the same hash whatever language each lead
read it in, and a later change to the terms would no longer match it.
"""

from __future__ import annotations

import hashlib
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import formats
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from interlock.agreements.models import AgreementVersion, EscalationStep, Term
from interlock.core import deliverables

FINGERPRINT_LANGUAGE = "en"


@dataclass(frozen=True)
class Party:
    side: str  # "provider" / "receiver"
    role: str  # translated side
    team: str
    leads: list[str]


@dataclass(frozen=True)
class SignatureLine:
    side: str
    team: str
    name: str
    signed_at: datetime
    content_hash: str


@dataclass(frozen=True)
class Contract:
    title: str
    number: int
    status: str
    status_label: str
    language: str
    parties: list[Party]
    purpose: str
    period: str
    terms: list[str]
    ladder: list[str]
    signatures: list[SignatureLine] = field(default_factory=list)
    fingerprint: str = ""

    def text(self) -> str:
        return "\n".join(_lines(self))


def _lines(contract: Contract) -> list[str]:
    lines = [contract.title, ""]
    lines += [f"{p.role}: {p.team}" for p in contract.parties]
    lines += ["", contract.purpose, "", contract.period, ""]
    lines += [f"{i}. {t}" for i, t in enumerate(contract.terms, 1)]
    lines += [""] + [f"- {s}" for s in contract.ladder]
    return lines


def _hours(value: Decimal | int | float | None) -> str:
    number = Decimal(str(value or 0)).normalize()
    if number == number.to_integral_value():
        number = number.quantize(Decimal(1))
    return str(formats.number_format(number))


def _kind(key: str) -> deliverables.DeliverableKind | None:
    try:
        return deliverables.get(key)
    except LookupError:
        return None


def _kind_label(key: str) -> str:
    kind = _kind(key)
    return str(kind.label) if kind else key


def _place_label(key: str, place: str) -> str:
    kind = _kind(key)
    if kind is None:
        return place
    labels = dict(kind.places())
    return str(labels.get(place) or kind.place_label(place))


def _per(period: str) -> str:
    return {"week": _("per week"), "month": _("per month"), "quarter": _("per quarter")}.get(
        period, period
    )


def _each(period: str) -> str:
    return {
        "week": _("each week's"),
        "month": _("each month's"),
        "quarter": _("each quarter's"),
    }.get(period, period)


def criterion_text(deliverable: str, criterion: dict[str, Any]) -> str:
    """e.g. "fit grade B or better", "accepted", "not accepted"."""
    kind = _kind(deliverable)
    name = str(criterion.get("attribute", ""))
    attribute = kind.attributes.get(name) if kind else None
    label = str(attribute.label) if attribute else name
    op, value = criterion.get("op"), criterion.get("value")
    if op in ("is", "is_not"):
        yes = bool(value) == (op == "is")
        return label if yes else _("not %(attribute)s") % {"attribute": label}
    if op == "in":
        values = value if isinstance(value, list) else [value]
        return _("%(attribute)s is one of %(values)s") % {
            "attribute": label,
            "values": ", ".join(str(v) for v in values),
        }
    texts = {
        "gte": _("%(attribute)s at least %(value)s"),
        "lte": _("%(attribute)s at most %(value)s"),
        "eq": _("%(attribute)s is %(value)s"),
        "filled": _("%(attribute)s filled in"),
        "empty": _("%(attribute)s empty"),
    }
    if attribute is not None and attribute.type == "grade":
        texts["gte"] = _("%(attribute)s %(value)s or better")
        texts["lte"] = _("%(attribute)s %(value)s or worse")
    template = texts.get(str(op), "%(attribute)s %(value)s")
    return template % {"attribute": label, "value": value}


def _words(key: str) -> tuple[str, str, str, str]:
    """(noun, plural, duty, acting side) of a kind, with plain fallbacks."""
    kind = _kind(key)
    if kind is None:
        return key, key, str(_("deals with")), "receiver"
    label = str(kind.label)
    return (
        str(kind.noun or label),
        str(kind.noun_plural or kind.noun or label),
        str(kind.duty or _("deals with")),
        kind.acting_side,
    )


def term_sentence(term: Term) -> str:
    """One term as a plain sentence in the active language."""
    agreement = term.version.agreement
    provider, receiver = str(agreement.provider_team), str(agreement.receiver_team)
    noun, plural, duty, side = _words(term.deliverable)
    if term.type == Term.Type.TIME:
        values = {
            "team": provider if side == "provider" else receiver,
            "role": _("provider") if side == "provider" else _("receiver"),
            "duty": duty,
            "kind": noun,
            "place": _place_label(term.deliverable, term.place),
            "hours": _hours(term.hours),
            "calendar": receiver,
            "risk": term.at_risk_percent,
        }
        if term.place:
            sentence = _(
                "%(team)s (%(role)s) %(duty)s every %(kind)s delivered to %(place)s within "
                "%(hours)s business hours of %(calendar)s's calendar"
            )
        else:
            sentence = _(
                "%(team)s (%(role)s) %(duty)s every %(kind)s within %(hours)s business hours "
                "of %(calendar)s's calendar"
            )
        sentence %= values
        if term.at_risk_percent:
            sentence += " " + _("(at risk after %(risk)s %% of that time)") % values
        return sentence + "."
    if term.type == Term.Type.QUANTITY:
        values = {
            "team": provider,
            "kind": plural,
            "min": term.minimum,
            "max": term.maximum,
            "per": _per(term.period),
        }
        if term.minimum and term.maximum:
            text = _("%(team)s delivers at least %(min)s (at most %(max)s) %(kind)s %(per)s.")
        elif term.minimum:
            text = _("%(team)s delivers at least %(min)s %(kind)s %(per)s.")
        else:
            text = _("%(team)s delivers at most %(max)s %(kind)s %(per)s.")
        return text % values
    return _(
        "At least %(target)s %% of %(each)s %(kind)s meet the criterion “%(criterion)s” "
        "(judged once at least %(sample)s can be decided)."
    ) % {
        "target": _hours(term.target_percent),
        "each": _each(term.period),
        "kind": plural,
        "criterion": criterion_text(term.deliverable, term.criterion or {}),
        "sample": term.min_sample or 1,
    }


def step_sentence(step: EscalationStep) -> str:
    """One rung of the ladder, e.g. "4 business hours after a breach: reassign to the deputy."."""
    actions = [
        str(EscalationStep.Action(a).label)
        for a in step.actions
        if a in EscalationStep.Action.values
    ]
    what = _join(actions)
    offset = Decimal(step.offset_hours or 0)
    if step.trigger == EscalationStep.Trigger.AT_RISK:
        when = (
            _("As soon as it is at risk")
            if offset == 0
            else _("%(hours)s business hours after it is at risk") % {"hours": _hours(offset)}
        )
    else:
        when = (
            _("At once after a breach")
            if offset == 0
            else _("%(hours)s business hours after a breach") % {"hours": _hours(offset)}
        )
    return f"{when}: {what}."


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(first)s and %(last)s") % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _day(moment: datetime, zone: str) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return str(formats.date_format(local, "DATE_FORMAT"))


def _period(version: AgreementVersion, zone: str) -> str:
    start = _day(version.effective_from, zone)
    if version.effective_to is None:
        return _("In force from %(start)s until further notice.") % {"start": start}
    return _("In force from %(start)s until %(end)s.") % {
        "start": start,
        "end": _day(version.effective_to, zone),
    }


def _zone(version: AgreementVersion) -> str:
    calendar = getattr(version.agreement.receiver_team, "calendar", None)
    return getattr(calendar, "timezone", None) or "UTC"


def _render(version: AgreementVersion, language: str) -> Contract:
    from interlock.agreements.selectors_agreements import team_leads

    agreement = version.agreement
    zone = _zone(version)
    with override(language):
        parties = [
            Party(
                side=side,
                role=role,
                team=str(team),
                leads=[str(u) for u in team_leads(team)],
            )
            for side, role, team in (
                ("provider", _("Provider"), agreement.provider_team),
                ("receiver", _("Receiver"), agreement.receiver_team),
            )
        ]
        return Contract(
            title=version.title,
            number=version.number,
            status=version.status,
            status_label=str(version.get_status_display()),
            language=language,
            parties=parties,
            purpose=version.purpose,
            period=_period(version, zone),
            terms=[term_sentence(t) for t in version.terms.all()],
            ladder=[step_sentence(s) for s in version.ladder.all()],
            signatures=[
                SignatureLine(
                    side=s.side,
                    team=str(s.team),
                    name=str(s.user),
                    signed_at=s.signed_at,
                    content_hash=s.content_hash,
                )
                for s in version.signatures.all()
            ],
        )


def fingerprint(version: AgreementVersion) -> str:
    """SHA-256 of the English contract text (what a signature proves was signed)."""
    canonical = _render(version, FINGERPRINT_LANGUAGE)
    lines = [line for line in _lines(canonical)]
    # Leads change over time; the parties are the teams, so leads are not hashed.
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def contract_for(version: AgreementVersion, *, language: str | None = None) -> Contract:
    """The contract of ``version`` in ``language`` (default: the active language)."""
    language = language or get_language() or "en"
    contract = _render(version, language)
    return Contract(**{**contract.__dict__, "fingerprint": fingerprint(version)})
